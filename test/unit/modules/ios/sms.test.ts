// A message whose text column holds a BLOB is read: UTF-8 bytes, or an archived string
// (attributedBody typedstream); bytes that are neither are read with replacement characters
// and flagged in the coverage warnings. Before, such a text was read as empty.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import sms, { type SmsRecord } from "../../../../src/modules/ios/sms.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { backup, mac, makeAttributedBody, SMS_SCHEMA, sqliteImage } from "../../ios-modules-comm/helpers.ts";

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
