import { defineModule, heuristic } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { readText } from "./lib/common.js";
const RW_SYSTEM_RULE = {
  id: "android-system-partition-rw",
  description: "A system partition (/, /system, /vendor, /product, /system_ext, /odm) is mounted read-write."
};
const SYSTEM_MOUNTS = /* @__PURE__ */ new Set(["/", "/system", "/system_root", "/vendor", "/product", "/system_ext", "/odm"]);
const MOUNT_RE = /^(\S+) on (\S+) type (\S+) \(([^)]*)\)/;
const PROC_MOUNTS_RE = /^(\S+) (\/\S*) (\S+) (\S+) \d+ \d+$/;
function parseMountLine(line, file) {
  const m = MOUNT_RE.exec(line.trim()) ?? PROC_MOUNTS_RE.exec(line.trim());
  if (!m) return void 0;
  const options = m[4].split(",");
  return { device: m[1], mount_point: m[2], fs_type: m[3], options, read_write: options.includes("rw"), file };
}
var mounts_default = defineModule({
  name: "mounts",
  title: "Mount points",
  platform: "android",
  description: "Mounted filesystems (androidqf mounts.json): system partitions mounted read-write are flagged.",
  reads: { androidqf: ["mounts.json", "mounts.txt"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const text = await readText(ctx, f);
      let lines;
      if (f.path.endsWith(".json")) {
        let list;
        try {
          list = JSON.parse(text);
        } catch {
          throw new VigilError("not valid JSON (expected a list of mount lines; truncated?)", { file: f.path });
        }
        if (!Array.isArray(list)) throw new VigilError("not a list of mount lines", { file: f.path });
        lines = list.filter((x) => typeof x === "string");
      } else lines = text.split("\n");
      let bad = 0;
      for (const l of lines) {
        if (!l.trim()) continue;
        const r = parseMountLine(l, f.path);
        if (r) yield r;
        else bad++;
      }
      if (bad) ctx.warn(`${f.path}: ${bad} line(s) not in mount format were skipped`);
    }
  },
  check(r) {
    if (!r.read_write || !SYSTEM_MOUNTS.has(r.mount_point)) return [];
    if (r.mount_point === "/" && (r.fs_type === "rootfs" || r.fs_type === "tmpfs")) return [];
    return [
      heuristic({
        rule: RW_SYSTEM_RULE.id,
        ruleDescription: RW_SYSTEM_RULE.description,
        grade: "medium",
        title: `System partition mounted read-write: ${r.mount_point} (${r.device})`,
        why: "Android mounts its system partitions read-only; a read-write mount takes root and is how persistent implants and root tools change the operating system.",
        matched: `${r.device} on ${r.mount_point} (${r.options.join(",")})`,
        artifact: r.file
      })
    ];
  }
});
export {
  RW_SYSTEM_RULE,
  mounts_default as default,
  parseMountLine
};
