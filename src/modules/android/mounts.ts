// Mount points (androidqf mounts.json: a list of "dev on /mnt type fs (options)" lines, or a
// plain mounts text). A system partition mounted read-write means someone modified, or could
// modify, the operating system itself.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";
import { androidSet } from "../../rules/index.ts";

export interface MountRecord {
  device: string;
  mount_point: string;
  fs_type: string;
  options: string[];
  read_write: boolean;
  file: string;
}

export const RW_SYSTEM_RULE = codeRule("android-system-partition-rw");

// "dev on /mnt type fs (opts)" (mount) or "dev /mnt fs opts 0 0" (/proc/mounts).
const MOUNT_RE = /^(\S+) on (\S+) type (\S+) \(([^)]*)\)/;
const PROC_MOUNTS_RE = /^(\S+) (\/\S*) (\S+) (\S+) \d+ \d+$/;

export function parseMountLine(line: string, file: string): MountRecord | undefined {
  const m = MOUNT_RE.exec(line.trim()) ?? PROC_MOUNTS_RE.exec(line.trim());
  if (!m) return undefined;
  const options = m[4].split(",");
  return { device: m[1], mount_point: m[2], fs_type: m[3], options, read_write: options.includes("rw"), file };
}

export default defineModule<MountRecord>({
  name: "mounts",
  title: "Mount points",
  platform: "android",
  description: "Mounted filesystems (androidqf mounts.json): system partitions mounted read-write are flagged.",
  reads: { androidqf: ["mounts.json", "mounts.txt"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const text = await readText(ctx, f);
      let lines: string[];
      // Entries that are not text lines, counted with the lines not in mount format.
      let bad = 0;
      if (f.path.endsWith(".json")) {
        let list: unknown;
        try {
          list = JSON.parse(text);
        } catch {
          throw new VigilError("not valid JSON (expected a list of mount lines; truncated?)", { file: f.path });
        }
        if (!Array.isArray(list)) throw new VigilError("not a list of mount lines", { file: f.path });
        lines = list.filter((x): x is string => typeof x === "string");
        bad = list.length - lines.length;
      } else lines = text.split("\n");
      for (const l of lines) {
        if (!l.trim()) continue;
        const r = parseMountLine(l, f.path);
        if (r) yield r;
        else bad++;
      }
      if (bad) ctx.warn(`${f.path}: ${bad} line(s) not in mount format were skipped`);
    }
  },
  check(r): DetectionInput[] {
    if (!r.read_write || !androidSet("system_mount_points").has(r.mount_point)) return [];
    // Some builds mount "/" as a read-write ramdisk before switching to system-as-root.
    if (r.mount_point === "/" && androidSet("ramdisk_root_types").has(r.fs_type)) return [];
    return [
      heuristic({
        rule: RW_SYSTEM_RULE.id,
        ruleDescription: RW_SYSTEM_RULE.description,
        grade: "medium",
        title: msg("det.mounts.rw_system", { mount: r.mount_point, device: r.device }),
        why: msg("det.mounts.rw_system.why"),
        matched: `${r.device} on ${r.mount_point} (${r.options.join(",")})`,
        artifact: r.file,
      }),
    ];
  },
});
