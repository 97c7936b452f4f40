import { test } from "node:test";
import assert from "node:assert/strict";
import mod, { isSuspiciousVarTmp } from "../../../../src/modules/ios/sms-attachments.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { SMS_SCHEMA, backup, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const ns = (iso: string) => BigInt(Math.round(mac(iso))) * 1_000_000_000n;

function db(): Buffer {
  return sqliteImage(SMS_SCHEMA, (db) => {
    db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+41791234567', 'iMessage')").run();
    const m = db.prepare("INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (?,?,?,1,'iMessage',?,?)");
    m.run(1, "M1", "\ufffc", ns("2021-02-01T00:00:00Z"), 0);
    m.run(2, "M2", "\ufffc", ns("2021-02-02T00:00:00Z"), 0);
    m.run(3, "M3", "\ufffc", ns("2021-02-03T00:00:00Z"), 1);
    m.run(4, "M4", "\ufffc", ns("2021-02-04T00:00:00Z"), 0);
    const a = db.prepare(
      "INSERT INTO attachment (ROWID, guid, original_guid, created_date, filename, mime_type, transfer_name, total_bytes, is_outgoing, user_info) VALUES (?,?,?,?,?,?,?,?,?,?)",
    );
    a.run(1, "A1", "A1", mac("2021-02-01T00:00:01Z"), "~/Library/SMS/Attachments/0f/15/ABC/IMG_0001.HEIC", "image/heic", "IMG_0001.HEIC", 12345, 0, null);
    a.run(2, "A2", "A2", mac("2021-02-02T00:00:01Z"), "/var/tmp/com.apple.messages/ABCDEF/image.gif-1", "image/gif", "image.gif", 748, 0, Buffer.from([1]));
    a.run(3, "A3", "A3", mac("2021-02-03T00:00:01Z"), "/private/var/tmp/sent.png-1", "image/png", "sent.png", 1, 1, null);
    a.run(4, "A4", "A4", mac("2021-02-04T00:00:01Z"), "/private/var/tmp/evil/payload.pdf", "application/pdf", "invoice.pdf", 2, 0, null);
    a.run(5, "A5", "A5", 0, null, null, null, 0, 0, null);
    const j = db.prepare("INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)");
    j.run(1, 1);
    j.run(2, 2);
    j.run(3, 3);
    j.run(4, 4);
  });
}

test("sms_attachments: records, events and detections", async () => {
  const iocs = matcherFromValues({ file_path: ["/private/var/tmp/evil", "/private/var/mobile/Library/SMS/Attachments/0f/15/ABC"], file_name: ["invoice.pdf"] });
  const out = await collectModule(mod, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db() }]), iocs);
  assertMvtFields("sms_attachments", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.equal(out.records.length, 5);
  const r = out.records as any[];
  const a2 = r.find((x) => x.guid === "A2");
  assert.equal(a2.direction, "received");
  assert.equal(a2.phone_number, "+41791234567");
  assert.equal(a2.service, "iMessage");
  assert.equal(a2.message_guid, "M2");
  assert.equal(a2.has_user_info, true);
  assert.equal(a2.isodate, "2021-02-02T00:00:01.000Z");
  assert.equal(r.find((x) => x.guid === "A3").direction, "sent");
  const orphan = r.find((x) => x.guid === "A5");
  assert.equal(orphan.filename, "NULL");
  assert.equal(orphan.service, "Unknown");
  assert.equal(orphan.isodate, null);
  assert.equal(out.events.length, 4, "the attachment without a date has no event");

  const rules = out.detections.filter((d) => d.rule?.id === "sms-attachment-var-tmp");
  assert.deepEqual(rules.map((d) => (d.record as any).guid), ["A2"]);
  assert.equal(rules[0].grade, "medium");
  const path = out.detections.filter((d) => d.matched_indicator?.type === "file_path");
  assert.deepEqual(path.map((d) => (d.record as any).guid), ["A1", "A4"], "a ~/ path is matched as the mobile user's home");
  assert.ok(path.every((d) => d.grade === "strong"));
  const name = out.detections.filter((d) => d.matched_indicator?.type === "file_name");
  assert.equal(name.length, 1);
  assert.equal(name[0].grade, "medium");
  assert.equal(out.detections.length, 4);
});

test("sms_attachments rule: must flag and must not flag", () => {
  assert.equal(isSuspiciousVarTmp("/var/tmp/com.apple.messages/x.gif-1", "received"), true);
  assert.equal(isSuspiciousVarTmp("/private/var/tmp/x-1", "received"), true);
  assert.equal(isSuspiciousVarTmp("/private/var/tmp/x-1", "sent"), false);
  assert.equal(isSuspiciousVarTmp("/var/tmp/x.gif", "received"), false);
  assert.equal(isSuspiciousVarTmp("~/Library/SMS/Attachments/aa/10/X/IMG-1", "received"), false);
  assert.equal(isSuspiciousVarTmp("/var/mobile/tmp/x-1", "received"), false);
  assert.equal(isSuspiciousVarTmp("/var/tmp/-1", "received"), false);
});

test("sms_attachments: a database without attachment tables fails with a one-line reason", async () => {
  const bad = sqliteImage(
    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT); CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, handle_id INTEGER, date INTEGER, is_from_me INTEGER);",
  );
  const out = await collectModule(mod, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/SMS/sms.db: unexpected schema: no table attachment");
});
