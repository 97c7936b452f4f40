// One JSON object a line, as Suricata's eve.json and the App Privacy Report write them: each
// object with its line number and its time; a line that is not JSON, or has no readable time,
// is reported to `problem` and skipped.

export type JsonObject = Record<string, unknown>;

/** A time as these logs write it (ISO-8601 with any offset), as UTC ISO-8601; undefined when unreadable. */
export function isoTime(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * A JSON value as text when it is a string, number or boolean; undefined for null, an object or
 * an array (String() of an object can throw: `{"toString": 1}`).
 */
export function scalarText(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export async function* jsonLines(lines: AsyncIterable<string>, file: string, timeField: string, problem: (msg: string) => void): AsyncGenerator<{ e: JsonObject; timestamp: string }> {
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line) continue;
    let e: JsonObject;
    try {
      const v: unknown = JSON.parse(line);
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
      e = v as JsonObject;
    } catch {
      problem(`${file}: line ${lineNo} is not a JSON object`);
      continue;
    }
    const timestamp = isoTime(e[timeField]);
    if (!timestamp) {
      problem(`${file}: line ${lineNo} has no readable ${timeField}`);
      continue;
    }
    yield { e, timestamp };
  }
}
