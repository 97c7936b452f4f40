import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { parseTombstone } from "../../formats/tombstone.js";
import { describeError } from "../../core/errors.js";
const PRIVILEGED_CRASH_RULE = {
  id: "android-privileged-process-crash",
  description: "A native crash of a privileged process (root, system, media, Bluetooth, radio, NFC or camera uid, or a core system daemon)."
};
const REMOTE_SURFACE_CRASH_RULE = {
  id: "android-remote-surface-memory-crash",
  description: "A memory-corruption crash (SIGSEGV/SIGBUS/SIGILL at a non-null address) of a process that parses data from outside the phone (media, Bluetooth, NFC, telephony)."
};
const PRIVILEGED_UIDS = /* @__PURE__ */ new Set([0, 1e3, 1001, 1002, 1013, 1027, 1040, 1041, 1046, 1047]);
const PRIVILEGED_NAMES = /^(system_server|surfaceflinger|mediaserver|media\.\w+|cameraserver|audioserver|installd|vold|netd|zygote(64)?|init|servicemanager|keystore2?|gatekeeperd|android\.hardware\..*|com\.android\.(bluetooth|nfc|phone|systemui))$/;
const REMOTE_SURFACES = /^(mediaserver|media\.(extractor|codec|swcodec|metrics)|android\.hardware\.media\..*|com\.android\.(bluetooth|nfc|phone|mms|messaging)|com\.google\.android\.(bluetooth|apps\.messaging)|\S*bluetooth\S*)$/;
const MEMORY_SIGNALS = /* @__PURE__ */ new Set(["SIGSEGV", "SIGBUS", "SIGILL"]);
function baseName(p) {
  if (!p) return "";
  const first = p.split(" ")[0];
  return first.slice(first.lastIndexOf("/") + 1);
}
var tombstones_default = defineModule({
  name: "tombstones",
  title: "Native crash reports (tombstones)",
  platform: "android",
  description: "Tombstones (native crashes, text and protobuf): crashing process names are checked against process indicators; crashes of privileged processes, and memory-corruption crashes of processes that parse remote data, are flagged.",
  reads: {
    bugreport: ["FS/data/tombstones/tombstone_*", "fs/data/tombstones/tombstone_*", "*/FS/data/tombstones/tombstone_*"],
    androidqf: ["logs/data/tombstones/tombstone_*", "tombstones/tombstone_*"]
  },
  async *records(ctx) {
    const seen = /* @__PURE__ */ new Map();
    const out = [];
    let failed = 0;
    let lastError = "";
    for (const f of ctx.files) {
      let t;
      try {
        t = parseTombstone(await ctx.view.readFile(f), f.path);
      } catch (e) {
        failed++;
        lastError = describeError(e);
        ctx.warn(lastError);
        continue;
      }
      const key = `${t.pid}:${t.tid}:${t.timestamp ?? t.timestamp_raw ?? ""}`;
      const prev = seen.get(key);
      if (prev) {
        prev.also_in = f.path;
        continue;
      }
      const rec = { ...t, file: f.path };
      seen.set(key, rec);
      out.push(rec);
    }
    if (failed === ctx.files.length && failed > 0) throw new Error(lastError);
    yield* out;
  },
  events(r) {
    return r.timestamp ? [{ timestamp: r.timestamp, event: "native_crash", description: `${r.process_name ?? "pid " + r.pid} crashed with ${r.signal_info?.name ?? "a signal"}${r.uid !== void 0 ? ` (uid ${r.uid})` : ""}${r.timestamp_is_device_local ? " (device clock)" : ""}` }] : [];
  },
  check(r, ctx) {
    const name = baseName(r.process_name);
    const out = [];
    const matches = [...new Set([name, r.process_name ?? ""].filter(Boolean))].flatMap((n) => ctx.iocs.process(n));
    out.push(...fromMatches(matches, { grade: "strong", title: (m) => `Known spyware process crashed: ${m.matched}`, artifact: r.file, timestamp: r.timestamp }));
    const sig = r.signal_info?.name ?? "";
    const fault = r.signal_info?.fault_address ? Number.parseInt(r.signal_info.fault_address, 16) : NaN;
    const nullish = Number.isFinite(fault) && fault < 65536 || /null pointer/i.test(r.cause ?? "");
    if (REMOTE_SURFACES.test(name) && MEMORY_SIGNALS.has(sig) && Number.isFinite(fault) && !nullish) {
      out.push(
        heuristic({
          rule: REMOTE_SURFACE_CRASH_RULE.id,
          ruleDescription: REMOTE_SURFACE_CRASH_RULE.description,
          grade: "medium",
          title: `Memory-corruption crash of ${name} (${sig} at ${r.signal_info?.fault_address})`,
          why: "Zero-click exploits target parsers of media, messages and radio data; a failed attempt often crashes the parser at a wild address. Buggy vendor codecs crash this way too; look for other signs around that time.",
          matched: `${r.process_name} ${sig}`,
          artifact: r.file,
          timestamp: r.timestamp
        })
      );
    } else if (r.uid !== void 0 && PRIVILEGED_UIDS.has(r.uid) || PRIVILEGED_NAMES.test(name)) {
      out.push(
        heuristic({
          rule: PRIVILEGED_CRASH_RULE.id,
          ruleDescription: PRIVILEGED_CRASH_RULE.description,
          grade: "weak",
          title: `Crash of a privileged process: ${name || r.process_name} (${sig || "signal " + r.signal_info?.number}, uid ${r.uid})`,
          why: "Exploits against system services can crash them. Most such crashes are ordinary bugs; they matter next to other findings from the same time.",
          matched: `${r.process_name} ${sig}`,
          artifact: r.file,
          timestamp: r.timestamp
        })
      );
    }
    return out;
  }
});
export {
  PRIVILEGED_CRASH_RULE,
  REMOTE_SURFACE_CRASH_RULE,
  tombstones_default as default
};
