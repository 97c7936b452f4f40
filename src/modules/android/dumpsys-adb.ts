// dumpsys adb: the computers trusted for USB/Wi-Fi debugging (their public keys, and in the XML
// keystore the last time each connected). Whoever holds such a key can install apps and read
// data over adb without unlocking the phone again.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import { parseAdb, type AdbKey } from "../../formats/dumpsys/adb.ts";
import { dumpsysReads, dumpsysService } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";
import { androidRules } from "../../rules/index.ts";

export interface AdbKeyRecord extends AdbKey {
  connected_to_adb?: boolean;
  /** This key is the one of the computer connected when the dump was taken. */
  current?: boolean;
  file: string;
}

export const STALE_ADB_KEY_RULE = codeRule("android-other-adb-key");

export default defineModule<AdbKeyRecord>({
  name: "dumpsys_adb",
  title: "Trusted debugging computers (adb keys)",
  platform: "android",
  description:
    "Public keys of computers trusted for adb debugging (dumpsys adb): keys other than the acquiring computer's are flagged.",
  reads: dumpsysReads("adb"),
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "adb")) {
      const st = parseAdb(lines);
      const recs: AdbKeyRecord[] = st.keys.map((k) => ({
        ...k,
        connected_to_adb: st.connected_to_adb,
        current: st.last_key_received && k.fingerprint ? st.last_key_received.toUpperCase() === k.fingerprint : undefined,
        file,
      }));
      yield* recs;
      const times = recs.map((r) => (r.last_connection ? Date.parse(r.last_connection) : NaN));
      // Computed once, not per key (quadratic on a dump listing thousands of keys); a loop,
      // since spreading that many arguments into Math.max overflows the stack.
      let newest = -Infinity;
      for (const t of times) if (t > newest) newest = t;
      const anyCurrent = recs.some((o) => o.current);
      recs.forEach((r, i) => {
        if (r.current) return;
        const t = times[i];
        const stale = !Number.isNaN(t) ? newest - t > androidRules().value("adb_key_stale_days") * 86_400_000 : recs.length > 1 && anyCurrent;
        if (!stale) return;
        ctx.detect(
          heuristic({
            rule: STALE_ADB_KEY_RULE.id,
            ruleDescription: STALE_ADB_KEY_RULE.description,
            grade: "weak",
            title: msg(r.last_connection ? "det.adb.other_key_seen" : "det.adb.other_key", { name: r.comment ? `: ${r.comment}` : "", last: r.last_connection ?? "" }),
            why: msg("det.adb.other_key.why"),
            matched: r.fingerprint ?? r.key.slice(0, 32),
            artifact: file,
            timestamp: r.last_connection,
            record: r,
          }),
        );
      });
    }
  },
  events(r) {
    return r.last_connection ? [{ timestamp: r.last_connection, event: "adb_key_last_connection", description: `Computer trusted for adb last connected${r.comment ? `: ${r.comment}` : ""}` }] : [];
  },
});
