// androidqf's root_binaries.json: paths of su, magisk, busybox and similar binaries androidqf
// found on the device.
import { defineModule } from "../contract.ts";
import { fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";

export interface RootBinaryRecord {
  path: string;
  name: string;
  file: string;
}

export const ROOT_BINARY_RULE = {
  id: "android-root-binary",
  description: "androidqf found a root binary (su, magisk, busybox, ...) on the device.",
};

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
      for (const p of list) {
        if (typeof p !== "string" || !p.trim()) continue;
        yield { path: p.trim(), name: p.trim().split("/").pop()!, file: f.path };
      }
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => `Known spyware file on the device: ${m.matched}`, artifact: r.file });
    out.push(
      heuristic({
        rule: ROOT_BINARY_RULE.id,
        ruleDescription: ROOT_BINARY_RULE.description,
        grade: "medium",
        title: `Root binary on the device: ${r.path}`,
        why: "Root binaries mean the phone is rooted: any app granted root can read every other app's data. Spyware planted by someone with the phone in hand often relies on it.",
        matched: r.path,
        artifact: r.file,
      }),
    );
    return out;
  },
});
