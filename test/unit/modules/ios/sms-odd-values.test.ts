// Text columns of sms.db holding another type. A message whose text column holds a BLOB is read: UTF-8 bytes, or an archived string
// (attributedBody typedstream); bytes that are neither are read with replacement characters
// and flagged in the coverage warnings. Before, such a text was read as empty.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import sms, { type SmsRecord } from "../../../../src/modules/ios/sms.ts";
import smsAttachments, { type SmsAttachmentRecord } from "../../../../src/modules/ios/sms-attachments.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { backup, mac, makeAttributedBody, SMS_SCHEMA, sqliteImage } from "../../../helpers/messaging-views.ts";

test("text stored as a BLOB: UTF-8, archived, or undecodable (flagged)", async () => {
  const db = sqliteImage(SMS_SCHEMA, (d) => {
    d.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+41000', 'SMS')").run();
    const add = d.prepare("INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES (?, ?, ?, 1, ?, 0)");
    add.run(1, "G1", Buffer.from("Parcel: https://x.evil-parcel.example/track ✓", "utf8"), mac("2024-01-02T03:04:05Z") * 1e9);
    add.run(2, "G2", makeAttributedBody("archived https://y.evil-parcel.example/a"), mac("2024-01-02T03:05:05Z") * 1e9);
    add.run(3, "G3", Buffer.from([0x66, 0xff, 0xfe, 0x20, ...Buffer.from("https://z.evil-parcel.example/b")]), mac("2024-01-02T03:06:05Z") * 1e9);
    add.run(4, "G4", "plain text", mac("2024-01-02T03:07:05Z") * 1e9);
  });
  const view = backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]);
  const r = await collectModule(sms, view, matcherFromValues({ domain: ["evil-parcel.example"] }, "Test set"));
  const byGuid = new Map((r.records as SmsRecord[]).map((m) => [m.guid, m]));
  assert.equal(byGuid.get("G1")!.text, "Parcel: https://x.evil-parcel.example/track ✓");
  assert.equal(byGuid.get("G2")!.text, "archived https://y.evil-parcel.example/a");
  assert.equal(byGuid.get("G3")!.text, "f\ufffd\ufffd https://z.evil-parcel.example/b");
  assert.equal(byGuid.get("G4")!.text, "plain text");
  assert.deepEqual(r.detections.map((d) => d.matched).sort(), ["x.evil-parcel.example", "y.evil-parcel.example", "z.evil-parcel.example"]);
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual(r.warnings, ["HomeDomain/Library/SMS/sms.db: 1 message text(s) stored as bytes that are neither UTF-8 nor an archived string: read with replacement characters"]);
});

test("handles, services and attachment names stored as numbers or BLOBs are read as text, never a TypeError", async () => {
  // Columns declared without a type keep integers as integers (a TEXT column would turn them into text).
  const untyped = SMS_SCHEMA.replace("id TEXT NOT NULL", "id NOT NULL")
    .replace("service TEXT, account TEXT", "service, account TEXT")
    .replace("filename TEXT, uti TEXT, mime_type TEXT", "filename, uti TEXT, mime_type")
    .replace("transfer_name TEXT", "transfer_name");
  const db = sqliteImage(untyped, (d) => {
    // An integer handle id, an e-mail handle as bytes, bytes that are not text.
    d.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, ?, 'SMS')").run(41000123n);
    d.prepare("INSERT INTO handle (ROWID, id, service) VALUES (2, ?, 'iMessage')").run(Buffer.from("spy@evil-parcel.example"));
    d.prepare("INSERT INTO handle (ROWID, id, service) VALUES (3, ?, 'iMessage')").run(Buffer.from([0xff, 0xfe, 0x40]));
    const add = d.prepare("INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (?, ?, 'hi', ?, ?, ?, 0)");
    add.run(1, "G1", 1, 7n, mac("2024-01-02T03:04:05Z") * 1e9);
    add.run(2, "G2", 2, "iMessage", mac("2024-01-02T03:05:05Z") * 1e9);
    add.run(3, "G3", 3, "iMessage", mac("2024-01-02T03:06:05Z") * 1e9);
    const att = d.prepare("INSERT INTO attachment (ROWID, guid, original_guid, filename, transfer_name, mime_type, is_outgoing) VALUES (?, ?, ?, ?, ?, ?, 0)");
    att.run(1, "A1", "A1", 12345n, 678n, 9n);
    att.run(2, "A2", "A2", Buffer.from("/private/var/tmp/x-1"), null, null);
    att.run(3, "A3", "A3", Buffer.from([0x2f, 0xff, 0x2f]), null, null);
    for (const [m, a] of [[1, 1], [2, 2], [3, 3]]) d.prepare("INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)").run(m, a);
  });
  const view = backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]);
  const iocs = matcherFromValues({ email: ["spy@evil-parcel.example"] }, "Test set");
  const r = await collectModule(sms, view, iocs);
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  const byGuid = new Map((r.records as SmsRecord[]).map((m) => [m.guid, m]));
  assert.equal(byGuid.get("G1")!.phone_number, "41000123");
  assert.equal(byGuid.get("G1")!.service, "7");
  assert.equal(byGuid.get("G2")!.phone_number, "spy@evil-parcel.example");
  assert.deepEqual(r.detections.map((d) => d.matched), ["spy@evil-parcel.example"]);
  assert.deepEqual(r.warnings, ["HomeDomain/Library/SMS/sms.db: 1 handle id(s) stored as bytes that are neither UTF-8 nor an archived string: read with replacement characters"]);
  const a = await collectModule(smsAttachments, view, iocs);
  assert.equal(a.coverage.status, "checked", a.coverage.reason);
  const files = (a.records as SmsAttachmentRecord[]).map((x) => [x.filename, x.transfer_name, x.mime_type, x.phone_number]);
  assert.deepEqual(files, [
    ["12345", "678", "9", "41000123"],
    ["/private/var/tmp/x-1", null, null, "spy@evil-parcel.example"],
    ["/\ufffd/", null, null, "\ufffd\ufffd@"],
  ]);
  assert.deepEqual(a.detections.map((d) => d.rule?.id), ["sms-attachment-var-tmp"]);
  assert.deepEqual(a.warnings, ["HomeDomain/Library/SMS/sms.db: 1 attachment name(s) stored as bytes that are neither UTF-8 nor an archived string: read with replacement characters"]);
});
