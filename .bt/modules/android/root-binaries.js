import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { readText } from "./lib/common.js";
const ROOT_BINARY_RULE = {
  id: "android-root-binary",
  description: "androidqf found a root binary (su, magisk, busybox, ...) on the device."
};
var root_binaries_default = defineModule({
  name: "root_binaries",
  title: "Root binaries",
  platform: "android",
  description: "Root binaries androidqf found (root_binaries.json): each one is flagged, and paths are checked against indicators.",
  reads: { androidqf: ["root_binaries.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      let list;
      try {
        list = JSON.parse(await readText(ctx, f));
      } catch {
        throw new VigilError("not valid JSON (expected a list of paths; truncated?)", { file: f.path });
      }
      if (!Array.isArray(list)) throw new VigilError("not a list of paths", { file: f.path });
      for (const p of list) {
        if (typeof p !== "string" || !p.trim()) continue;
        yield { path: p.trim(), name: p.trim().split("/").pop(), file: f.path };
      }
    }
  },
  check(r, ctx) {
    const out = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => `Known spyware file on the device: ${m.matched}`, artifact: r.file });
    out.push(
      heuristic({
        rule: ROOT_BINARY_RULE.id,
        ruleDescription: ROOT_BINARY_RULE.description,
        grade: "medium",
        title: `Root binary on the device: ${r.path}`,
        why: "Root binaries mean the phone is rooted: any app granted root can read every other app's data. Spyware planted by someone with the phone in hand often relies on it.",
        matched: r.path,
        artifact: r.file
      })
    );
    return out;
  }
});
export {
  ROOT_BINARY_RULE,
  root_binaries_default as default
};
