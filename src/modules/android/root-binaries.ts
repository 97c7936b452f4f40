// androidqf's root_binaries.json: paths of su, magisk, busybox and similar binaries androidqf
// found on the device.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface RootBinaryRecord {
  path: string;
  name: string;
  file: string;
}

export const ROOT_BINARY_RULE = codeRule("android-root-binary");

export default defineModule<RootBinaryRecord>({
  name: "root_binaries",
  title: "Root binaries",
  platform: "android",
  description: "Root binaries androidqf found (root_binaries.json): each one is flagged, and paths are checked against indicators.",
  reads: { androidqf: ["root_binaries.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      let list: unknown;
      try {
        list = JSON.parse(await readText(ctx, f));
      } catch {
        throw new VigilError("not valid JSON (expected a list of paths; truncated?)", { file: f.path });
      }
      if (!Array.isArray(list)) throw new VigilError("not a list of paths", { file: f.path });
      let unreadable = 0;
      for (const p of list) {
        if (typeof p !== "string") unreadable++;
        if (typeof p !== "string" || !p.trim()) continue;
        yield { path: p.trim(), name: p.trim().split("/").pop()!, file: f.path };
      }
      // An entry that is not a path cannot be checked: counted, so the list is not called clean.
      if (unreadable) ctx.skip(`${f.path}: ${unreadable} entr${unreadable === 1 ? "y is" : "ies are"} not a path`, unreadable);
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => msg("det.files.path", { value: m.matched }), artifact: r.file });
    out.push(
      heuristic({
        rule: ROOT_BINARY_RULE.id,
        ruleDescription: ROOT_BINARY_RULE.description,
        grade: "medium",
        title: msg("det.root_binaries.found", { value: r.path }),
        why: msg("det.root_binaries.found.why"),
        matched: r.path,
        artifact: r.file,
      }),
    );
    return out;
  },
});
