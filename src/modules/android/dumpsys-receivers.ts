// The "Receiver Resolver Table" of dumpsys package: which app is woken by which broadcast.
// Stalkerware listens for incoming SMS, calls and boot.
import { defineModule, fromMatches, heuristic } from "../../core/module.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { ResolverEntry } from "../../formats/dumpsys.ts";
import { DUMPSYS_READS, packageIndex } from "./lib/common.ts";
import { resolverEntries } from "./lib/resolver.ts";

export type ReceiverRecord = ResolverEntry & { system?: boolean; file: string };

export const SENSITIVE_RECEIVERS: Record<string, string> = {
  "android.provider.Telephony.SMS_RECEIVED": "reads incoming SMS",
  "android.provider.Telephony.SMS_DELIVER": "receives SMS as the SMS app",
  "android.provider.Telephony.WAP_PUSH_RECEIVED": "reads incoming MMS",
  "android.intent.action.NEW_OUTGOING_CALL": "sees outgoing calls",
  "android.intent.action.PHONE_STATE": "sees call state and numbers",
  "android.intent.action.DATA_SMS_RECEIVED": "reads binary SMS",
  "android.intent.action.BOOT_COMPLETED": "starts itself at boot",
};
export const SENSITIVE_RECEIVER_RULE = {
  id: "android-sensitive-receiver",
  description: "A non-system app receives SMS, call or boot broadcasts.",
};

export default defineModule<ReceiverRecord>({
  name: "dumpsys_receivers",
  title: "Broadcast receivers",
  platform: "android",
  description:
    "Broadcast receivers (dumpsys package, Receiver Resolver Table): packages are checked against indicators, and non-system apps listening for SMS, calls or boot are flagged.",
  reads: DUMPSYS_READS,
  async *records(ctx) {
    const idx = await packageIndex(ctx.view);
    for await (const e of resolverEntries(ctx, "Receiver")) yield { ...e, system: idx?.get(e.package_name)?.system };
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app registered a broadcast receiver: ${m.matched} (${r.intent})`, artifact: r.file });
    const what = SENSITIVE_RECEIVERS[r.intent];
    // Unknown system status counts as non-system only when a package list exists to say so.
    if (what && r.system === false) {
      out.push(
        heuristic({
          rule: SENSITIVE_RECEIVER_RULE.id,
          ruleDescription: SENSITIVE_RECEIVER_RULE.description,
          grade: "weak",
          title: `Non-system app ${what}: ${r.package_name} (${r.intent})`,
          why: "Stalkerware registers for these broadcasts to copy messages and call logs and to restart after a reboot. Messaging, dialer and backup apps do too.",
          matched: `${r.package_name} ${r.intent}`,
          artifact: r.file,
        }),
      );
    }
    return out;
  },
});
