import { VigilError } from "../../../core/errors.js";
import { readLines } from "../../../formats/dumpsys.js";
import { parseIntrusionLine } from "../../../formats/intrusion-log.js";
const INTRUSION_READS = { intrusion_logs: ["**/*"] };
const MAX_LINE_WARNINGS = 20;
async function* intrusionEvents(ctx, type) {
  let usable = 0;
  for (const f of ctx.files) {
    let n = 0;
    let good = 0;
    let bad = 0;
    for await (const line of readLines(await ctx.view.openStream(f))) {
      n++;
      const r = parseIntrusionLine(line, n, f.path);
      if ("skip" in r) continue;
      if ("error" in r) {
        bad++;
        if (bad <= MAX_LINE_WARNINGS) ctx.warn(r.error);
        continue;
      }
      good++;
      if (r.event.type === type) yield r.event;
    }
    if (bad > MAX_LINE_WARNINGS) ctx.warn(`${f.path}: ${bad - MAX_LINE_WARNINGS} more malformed line(s) skipped`);
    if (good > 0) usable++;
    else if (bad > 0) ctx.warn(`${f.path}: not an intrusion log (no line is a JSON event); skipped`);
  }
  if (usable === 0) {
    throw new VigilError("not an intrusion log (no line is a JSON event)", { file: ctx.files.map((f) => f.path).join(", ") });
  }
}
export {
  INTRUSION_READS,
  intrusionEvents
};
