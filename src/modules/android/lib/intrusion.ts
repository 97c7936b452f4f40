// Streams one kind of event out of the intrusion-log files. A malformed line of a log is a
// record that could not be checked: it is reported by number (a few in full, then a count) and
// counted as skipped, which makes the module incomplete. A file with no JSON line at all is not
// a log (a note beside the exports) and is only warned about.
import type { ModuleContext } from "../../contract.ts";
import { VigilError } from "../../../core/errors.ts";
import { MAX_LINE, readLines } from "../../../formats/lines.ts";
import { parseIntrusionLine, type IntrusionEvent } from "../../../formats/intrusion-log.ts";

// Exports come as loose files with or without an extension; every file is tried and one that
// holds no JSON event is skipped with a warning.
export const INTRUSION_READS = { intrusion_logs: ["**/*"] };
const MAX_LINE_WARNINGS = 20;

export async function* intrusionEvents<T extends IntrusionEvent["type"]>(ctx: ModuleContext, type: T): AsyncGenerator<Extract<IntrusionEvent, { type: T }>> {
  let usable = 0;
  for (const f of ctx.files) {
    let n = 0;
    let good = 0;
    let bad = 0;
    let firstError = "";
    // Whether some line looks like a JSON object: the file is then a log, however damaged.
    let jsonLike = false;
    const cut = new Set<number>();
    for await (const line of readLines(await ctx.view.openStream(f), { onLong: (k) => cut.add(k) })) {
      n++;
      const r = cut.has(n) ? { error: `${f.path}: line ${n}: longer than ${MAX_LINE} characters (not read)` } : parseIntrusionLine(line, n, f.path);
      if ("skip" in r) continue;
      if ("error" in r) {
        bad++;
        firstError ||= r.error;
        jsonLike ||= line.trimStart().startsWith("{");
        if (bad <= MAX_LINE_WARNINGS) ctx.warn(r.error);
        continue;
      }
      good++;
      if (r.event.type === type) yield r.event as Extract<IntrusionEvent, { type: T }>;
    }
    if (bad > MAX_LINE_WARNINGS) ctx.warn(`${f.path}: ${bad - MAX_LINE_WARNINGS} more malformed line(s) skipped`);
    if (good > 0) usable++;
    if (good > 0 || jsonLike) {
      if (bad > 0) ctx.skip(firstError, bad);
    } else if (bad > 0) ctx.warn(`${f.path}: not an intrusion log (no line is a JSON event); skipped`);
  }
  if (usable === 0) {
    throw new VigilError("not an intrusion log (no line is a JSON event)", { file: ctx.files.map((f) => f.path).join(", ") });
  }
}
