// getprop output: one "[name]: [value]" per line. A value may span lines (a "[" opened on one
// line and closed on a later one); those lines are joined with "\n".
import { VigilError } from "../core/errors.ts";

export interface Property {
  name: string;
  value: string;
}

const PROP_RE = /^\[([^\]]+)\]: \[(.*)\]\s*$/;
const OPEN_RE = /^\[([^\]]+)\]: \[(.*)$/;

/**
 * Parses getprop lines. Throws when a non-empty input holds no property at all (not a getprop
 * output); lines that do not parse are counted in `skipped`.
 */
export function parseGetprop(lines: Iterable<string>, file: string): { properties: Property[]; skipped: number } {
  const properties: Property[] = [];
  let skipped = 0;
  let nonEmpty = 0;
  let open: Property | undefined;
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (open) {
      if (line.endsWith("]")) {
        open.value += "\n" + line.slice(0, -1);
        properties.push(open);
        open = undefined;
      } else open.value += "\n" + line;
      continue;
    }
    if (!line.trim()) continue;
    nonEmpty++;
    const m = PROP_RE.exec(line);
    if (m) {
      properties.push({ name: m[1], value: m[2] });
      continue;
    }
    const o = OPEN_RE.exec(line);
    if (o) {
      open = { name: o[1], value: o[2] };
      continue;
    }
    skipped++;
  }
  if (open) skipped++;
  if (nonEmpty > 0 && properties.length === 0) throw new VigilError('not a getprop output (no "[name]: [value]" line)', { file });
  return { properties, skipped };
}
