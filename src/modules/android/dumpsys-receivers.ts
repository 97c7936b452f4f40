// The "Receiver Resolver Table" of dumpsys package: which app is woken by which broadcast.
// Stalkerware listens for incoming SMS and calls, and for boot to restart itself.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { Message } from "../../core/model.ts";
import type { ResolverEntry } from "../../formats/dumpsys/resolver.ts";
import { dumpsysReads, packageIndex } from "./lib/common.ts";
import { resolverEntries } from "./lib/resolver.ts";
import { msg } from "../../core/i18n/index.ts";
import { androidSet } from "../../rules/index.ts";

export type ReceiverRecord = ResolverEntry & { system?: boolean; file: string };

/**
 * What a broadcast of the rule's list (sensitive_receiver_actions in rules/data/android.yaml)
 * hands an app, in words: det.receivers.intent.<last part of the action> in the catalogs.
 */
export function receiverWords(action: string): Message {
  return msg(`det.receivers.intent.${action.slice(action.lastIndexOf(".") + 1)}`);
}

export const SENSITIVE_RECEIVER_RULE = codeRule("android-sensitive-receiver");

export default defineModule<ReceiverRecord>({
  name: "dumpsys_receivers",
  title: "Broadcast receivers",
  platform: "android",
  description:
    "Broadcast receivers (dumpsys package, Receiver Resolver Table): packages are checked against indicators, and non-system apps listening for SMS or calls (and boot) are flagged.",
  reads: dumpsysReads("package"),
  async *records(ctx) {
    const idx = await packageIndex(ctx);
    // Per non-system package: what it listens for. BOOT_COMPLETED alone is too common among
    // ordinary apps (alarms, sync, messengers) to flag, so it only adds to an SMS/call finding.
    const byPkg = new Map<string, { file: string; sensitive: Set<string>; boot: boolean }>();
    for await (const e of resolverEntries(ctx, "Receiver")) {
      const system = idx?.get(e.package_name)?.system;
      yield { ...e, system };
      // Unknown system status counts as non-system only when a package list exists to say so.
      if (system !== false) continue;
      const sensitive = androidSet("sensitive_receiver_actions").has(e.intent);
      if (!sensitive && !androidSet("boot_actions").has(e.intent)) continue;
      let p = byPkg.get(e.package_name);
      if (!p) {
        p = { file: e.file, sensitive: new Set(), boot: false };
        byPkg.set(e.package_name, p);
      }
      if (sensitive) p.sensitive.add(e.intent);
      else p.boot = true;
    }
    for (const [pkg, p] of byPkg) {
      if (p.sensitive.size === 0) continue;
      const what = [...p.sensitive].map(receiverWords);
      ctx.detect(
        heuristic({
          rule: SENSITIVE_RECEIVER_RULE.id,
          ruleDescription: SENSITIVE_RECEIVER_RULE.description,
          grade: "weak",
          title: msg(p.boot ? "det.receivers.sensitive_boot" : "det.receivers.sensitive", { what, value: pkg }),
          why: msg("det.receivers.sensitive.why"),
          matched: pkg,
          artifact: p.file,
          record: { package_name: pkg, intents: [...p.sensitive, ...(p.boot ? ["android.intent.action.BOOT_COMPLETED"] : [])] },
        }),
      );
    }
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.receivers.known", { value: m.matched, intent: r.intent }), artifact: r.file });
  },
});
