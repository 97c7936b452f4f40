// Vendors' spyware notifications in Android SMS (the link checks are in android-modules/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import sms from "../../../../src/modules/android/sms.ts";
import { META_THREAT_RULE } from "../../../../src/rules/threat-notifications.ts";
import { ab, run } from "../../../helpers/android-views.ts";
import { SMS_BACKUP_PATH } from "../../../helpers/android-builder.ts";

const D = "apps/com.android.providers.telephony/d_f/";

test("sms (Android): a WhatsApp security notice with WhatsApp's link is flagged; news about it and sent copies are not", async () => {
  const v = ab({
    [D + "000000_sms_backup"]: deflateSync(
      JSON.stringify([
        { address: "WhatsApp", body: "WhatsApp: your account was the target of a sophisticated attack. https://faq.whatsapp.com/5678", date: "1738317600000", type: "1" },
        { address: "+331", body: "News: WhatsApp says a spyware company attacked users https://news.example.org/x", date: "1738317600001", type: "1" },
        { address: "+332", body: "WhatsApp: your account was the target of a sophisticated attack. https://faq.whatsapp.com/5678", date: "1738317600002", type: "2" },
      ]),
    ),
  });
  const r = await run(sms, v);
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade, d.artifact]), [[META_THREAT_RULE.id, "medium", D + "000000_sms_backup"]]);
});

test("Android backup sms records: MVT's date, date_sent and links beside Vigil's fields", async () => {
  const data = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "see https://example.org/x.", date: "1700000000000", date_sent: "0", type: "1" }])));
  const r = await run(sms, ab({ [SMS_BACKUP_PATH]: data }));
  const rec = r.records[0] as Record<string, unknown>;
  assert.equal(rec.date, "1700000000000");
  assert.equal(rec.date_sent, "0");
  assert.deepEqual(rec.links, ["https://example.org/x"]);
  assert.equal(rec.isodate, "2023-11-14T22:13:20.000Z");
  assert.equal(rec.direction, "received");
});
