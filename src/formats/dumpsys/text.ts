// What every dumpsys section parser reads the same way: the indentation that gives a section
// its structure, and times written on the device's wall clock, with no zone.
import { parseLooseTimestamp } from "../../core/time.ts";

/** Leading spaces and tabs: the nesting depth of a line inside a section. */
export function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}

/** "2022-08-16-15-56-39" or "2022-08-16 15:56:39.123" (device wall clock) → ISO, read as UTC. */
export function deviceTime(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = /^(\d{4}-\d\d-\d\d)[- ](\d\d)[-:](\d\d)[-:](\d\d)(\.\d+)?$/.exec(s.trim());
  if (!m) return undefined;
  return parseLooseTimestamp(`${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ?? ""}`);
}

/**
 * Whether text holds a character that `.` in a regular expression does not match: what a
 * pattern ending in (.*)$ refused, for the parsers that read such a tail with searches instead.
 */
export function hasLineBreak(text: string): boolean {
  return /[\n\r\u2028\u2029]/.test(text);
}
