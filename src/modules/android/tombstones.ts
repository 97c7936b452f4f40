// Native crash reports (tombstones) from /data/tombstones, text and protobuf. Exploits against
// privileged services (media parsers, Bluetooth, system_server) often crash their target on a
// failed attempt; such crashes are flagged for a closer look.
import { defineModule } from "../contract.ts";
import { fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { parseTombstone, type Tombstone } from "../../formats/tombstone.ts";
import { VigilError, describeError } from "../../core/errors.ts";
import { androidPattern, androidRules, androidSet } from "../../rules/index.ts";

export interface TombstoneRecord extends Tombstone {
  file: string;
  /** The other form of the same crash (tombstone_NN and tombstone_NN.pb), counted once. */
  also_in?: string;
}

export const PRIVILEGED_CRASH_RULE = {
  id: "android-privileged-process-crash",
  description: "A native crash of a privileged process (root, system, media, Bluetooth, radio, NFC or camera uid, or a core system daemon).",
};
export const REMOTE_SURFACE_CRASH_RULE = {
  id: "android-remote-surface-memory-crash",
  description:
    "A memory-corruption crash (SIGSEGV/SIGBUS/SIGILL at a non-null address) of a process that parses data from outside the phone (media, Bluetooth, NFC, telephony).",
};


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
    out.push(...fromMatches(matches, { grade: "strong", title: (m) => `Known spyware process crashed: ${m.matched}`, artifact: r.file, timestamp: r.timestamp }));
    const sig = r.signal_info?.name ?? "";
    const fault = r.signal_info?.fault_address ? Number.parseInt(r.signal_info.fault_address, 16) : NaN;
    const nullish = (Number.isFinite(fault) && fault < androidRules().value("null_page_end")) || /null pointer/i.test(r.cause ?? "");
    if (androidPattern("remote_surface_processes").test(name) && androidSet("memory_corruption_signals").has(sig) && Number.isFinite(fault) && !nullish) {
      out.push(
        heuristic({
          rule: REMOTE_SURFACE_CRASH_RULE.id,
          ruleDescription: REMOTE_SURFACE_CRASH_RULE.description,
          grade: "medium",
          title: `Memory-corruption crash of ${name} (${sig} at ${r.signal_info?.fault_address})`,
          why: "Zero-click exploits target parsers of media, messages and radio data; a failed attempt often crashes the parser at a wild address. Buggy vendor codecs crash this way too; look for other signs around that time.",
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
          title: `Crash of a privileged process: ${name || r.process_name} (${sig || "signal " + r.signal_info?.number}, uid ${r.uid})`,
          why: "Exploits against system services can crash them. Most such crashes are ordinary bugs; they matter next to other findings from the same time.",
          matched: `${r.process_name} ${sig}`,
          artifact: r.file,
          timestamp: r.timestamp,
        }),
      );
    }
    return out;
  },
});
