// Native crash reports (tombstones) from /data/tombstones, text and protobuf. Exploits against
// privileged services (media parsers, Bluetooth, system_server) often crash their target on a
// failed attempt; such crashes are flagged for a closer look.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { parseTombstone, type Tombstone } from "../../formats/tombstone.ts";
import { VigilError, describeError } from "../../core/errors.ts";
import { msg } from "../../core/i18n/index.ts";
import { androidPattern, androidRules, androidSet } from "../../rules/index.ts";

export interface TombstoneRecord extends Tombstone {
  file: string;
  /** The other form of the same crash (tombstone_NN and tombstone_NN.pb), counted once. */
  also_in?: string;
}

export const PRIVILEGED_CRASH_RULE = codeRule("android-privileged-process-crash");
export const REMOTE_SURFACE_CRASH_RULE = codeRule("android-remote-surface-memory-crash");


function baseName(p: string | undefined): string {
  if (!p) return "";
  const first = p.split(" ")[0];
  return first.slice(first.lastIndexOf("/") + 1);
}

export default defineModule<TombstoneRecord>({
  name: "tombstones",
  title: "Native crash reports (tombstones)",
  platform: "android",
  description:
    "Tombstones (native crashes, text and protobuf): crashing process names are checked against process indicators; crashes of privileged processes, and memory-corruption crashes of processes that parse remote data, are flagged.",
  reads: {
    bugreport: ["FS/data/tombstones/tombstone_*", "fs/data/tombstones/tombstone_*", "*/FS/data/tombstones/tombstone_*"],
    androidqf: ["logs/data/tombstones/tombstone_*", "tombstones/tombstone_*"],
  },
  async *records(ctx) {
    const seen = new Map<string, TombstoneRecord>();
    const out: TombstoneRecord[] = [];
    let failed = 0;
    let lastError: unknown;
    for (const f of ctx.files) {
      let t: Tombstone;
      try {
        t = parseTombstone(await ctx.view.readFile(f), f.path);
      } catch (e) {
        // One unreadable tombstone does not hide the others.
        failed++;
        lastError = e;
        ctx.warn(describeError(e));
        continue;
      }
      const key = `${t.pid}:${t.tid}:${t.timestamp ?? t.timestamp_raw ?? ""}`;
      const prev = seen.get(key);
      if (prev) {
        prev.also_in = f.path;
        continue;
      }
      const rec: TombstoneRecord = { ...t, file: f.path };
      seen.set(key, rec);
      out.push(rec);
    }
    // Every tombstone unreadable: the module fails with the last one's one-line error.
    if (failed === ctx.files.length && failed > 0) throw lastError instanceof VigilError ? lastError : new VigilError(describeError(lastError), { cause: lastError });
    yield* out;
  },
  events(r) {
    return r.timestamp ? [{ timestamp: r.timestamp, event: "native_crash", description: `${r.process_name ?? "pid " + r.pid} crashed with ${r.signal_info?.name ?? "a signal"}${r.uid !== undefined ? ` (uid ${r.uid})` : ""}${r.timestamp_is_device_local ? " (device clock)" : ""}` }] : [];
  },
  check(r, ctx) {
    const name = baseName(r.process_name);
    const out: DetectionInput[] = [];
    // The base name and the full command line can match the same indicator: one detection.
    const matches = [...new Set([name, r.process_name ?? ""].filter(Boolean))].flatMap((n) => ctx.iocs.process(n));
    out.push(...fromMatches(matches, { grade: "strong", title: (m) => msg("det.tombstones.known", { value: m.matched }), artifact: r.file, timestamp: r.timestamp }));
    const sig = r.signal_info?.name ?? "";
    const fault = r.signal_info?.fault_address ? Number.parseInt(r.signal_info.fault_address, 16) : NaN;
    const nullish = (Number.isFinite(fault) && fault < androidRules().value("null_page_end")) || /null pointer/i.test(r.cause ?? "");
    if (androidPattern("remote_surface_processes").test(name) && androidSet("memory_corruption_signals").has(sig) && Number.isFinite(fault) && !nullish) {
      out.push(
        heuristic({
          rule: REMOTE_SURFACE_CRASH_RULE.id,
          ruleDescription: REMOTE_SURFACE_CRASH_RULE.description,
          grade: "medium",
          title: msg("det.tombstones.memory", { name, signal: sig, address: r.signal_info?.fault_address ?? "" }),
          why: msg("det.tombstones.memory.why"),
          matched: `${r.process_name} ${sig}`,
          artifact: r.file,
          timestamp: r.timestamp,
        }),
      );
    } else if ((r.uid !== undefined && androidSet("privileged_uids").has(String(r.uid))) || androidPattern("privileged_processes").test(name)) {
      out.push(
        heuristic({
          rule: PRIVILEGED_CRASH_RULE.id,
          ruleDescription: PRIVILEGED_CRASH_RULE.description,
          grade: "weak",
          title: msg("det.tombstones.privileged", { name: name || (r.process_name ?? ""), signal: sig || msg("det.tombstones.signal", { n: String(r.signal_info?.number) }), uid: String(r.uid) }),
          why: msg("det.tombstones.privileged.why"),
          matched: `${r.process_name} ${sig}`,
          artifact: r.file,
          timestamp: r.timestamp,
        }),
      );
    }
    return out;
  },
});
