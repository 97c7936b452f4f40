// Streams one kind of event out of the intrusion-log files, with malformed lines reported by
// number (a few in full, then a count) and skipped.
import type { ModuleContext } from "../../../core/module.ts";
import { VigilError } from "../../../core/errors.ts";
import { readLines } from "../../../formats/dumpsys.ts";
import { parseIntrusionLine, type IntrusionEvent } from "../../../formats/intrusion-log.ts";

export const INTRUSION_READS = { intrusion_logs: ["**/*.json", "**/*.jsonl", "**/*.ndjson", "**/*.log", "**/*.txt"] };
const MAX_LINE_WARNINGS = 20;

export async function* intrusionEvents<T extends IntrusionEvent["type"]>(ctx: ModuleContext, type: T): AsyncGenerator<Extract<IntrusionEvent, { type: T }>> {
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
      if (r.event.type === type) yield r.event as Extract<IntrusionEvent, { type: T }>;
    }
    if (bad > MAX_LINE_WARNINGS) ctx.warn(`${f.path}: ${bad - MAX_LINE_WARNINGS} more malformed line(s) skipped`);
    if (good === 0 && bad > 0) throw new VigilError("not an intrusion log (no line is a JSON event)", { file: f.path });
  }
}
