// The evidence of a case of two acquisitions, for the case tests: an iPhone backup whose sms.db
// holds a message with a link from a sender not in the contacts, and a sysdiagnose with a crash
// of IMTranscoderAgent two minutes later (CASE-DELIVERY-CRASH-01 fires across them).
import { join } from "node:path";
import { buildIosBackup } from "../../src/acquisitions/ios-backup/build.ts";
import { writeSmsDb } from "../../src/demo/synthetic.ts";
import { buildSysdiagnoseFolder, ipsText } from "./ios-fs-builder.ts";

/** When the message arrived. */
export const CASE_MESSAGE_AT = Date.parse("2024-04-20T09:00:00Z");
/** The host of the message's link. */
export const CASE_LINK_HOST = "delivery.evil-case.example";

/** Writes the backup under `root` and the sysdiagnose in a folder of its own; returns their paths. */
export async function buildCaseEvidence(root: string): Promise<{ backup: string; sysdiag: string }> {
  const smsPath = join(root, "sms.db");
  writeSmsDb(smsPath, { messages: 0, start: CASE_MESSAGE_AT, end: CASE_MESSAGE_AT, planted: [{ text: `Your parcel: https://${CASE_LINK_HOST}/p/77`, at: CASE_MESSAGE_AT }] });
  const backup = join(root, "backup");
  await buildIosBackup(backup, { files: [{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", fromFile: smsPath }] });
  const sysdiag = buildSysdiagnoseFolder({
    "ps.txt": "USER UID PID PPID %CPU %MEM STARTED TIME COMMAND\n",
    "crashes_and_spins/IMTranscoderAgent-2024-04-20-090200.ips": ipsText({ procName: "IMTranscoderAgent", timestamp: "2024-04-20 09:02:00.00 +0000", osVersion: "iPhone OS 17.4.1 (21E236)" }),
  });
  return { backup, sysdiag };
}
