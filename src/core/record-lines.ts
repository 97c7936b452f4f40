// Records as JSON text, one record a line: what a results file holds between its brackets
// (report/json-writer.ts), and what a module's spill file keeps (modules/network/lib/spill.ts),
// so that a spilled batch is written to the results as it is, not encoded again.

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString("base64");
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** Values JSON.stringify would write wrongly (Buffer) or refuse (bigint) without the replacer. */
export function needsReplacer(v: unknown, depth: number): boolean {
  if (typeof v === "bigint") return true;
  if (typeof v !== "object" || v === null) return false;
  if (Buffer.isBuffer(v) || v instanceof Map || v instanceof Set || ArrayBuffer.isView(v)) return true;
  if (depth === 0) return true;
  // Strings, numbers and nulls are most values: they are settled here, without a call each.
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === "bigint" || (typeof x === "object" && x !== null && needsReplacer(x, depth - 1))) return true;
    return false;
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === "bigint" || (typeof x === "object" && x !== null && needsReplacer(x, depth - 1))) return true;
  }
  return false;
}

/** JSON.stringify with the replacer only when a value needs it: a replacer call per key is costly. */
export function toJson(value: unknown, indent?: number): string {
  return needsReplacer(value, 3) ? JSON.stringify(value, jsonReplacer, indent) : JSON.stringify(value, null, indent);
}

/** The first key JSON.stringify writes for a plain object record; undefined for anything else. */
export function firstKey(r: unknown): string | undefined {
  if (typeof r !== "object" || r === null || Array.isArray(r) || typeof (r as { toJSON?: unknown }).toJSON === "function") return undefined;
  for (const k in r) {
    const v = (r as Record<string, unknown>)[k];
    // JSON.stringify skips these: the record would not start with this key.
    return v === undefined || typeof v === "function" || typeof v === "symbol" ? undefined : k;
  }
  return undefined;
}

/** Between two records' lines. */
export const RECORD_SEPARATOR = ",\n  ";

/**
 * The records' JSON, one record a line with RECORD_SEPARATOR between, from `text`, the JSON of
 * the whole array (one JSON.stringify call for the lot costs a fifth less than a call per
 * record). The cuts are where one record ends and the next begins with the first key,
 * `},{"key":`: a quote inside a JSON string is always escaped, so that text only occurs there or
 * inside a nested object that starts with the same key. Every record must be a plain object
 * starting with `key` (so every boundary has the pattern); only when the cuts number exactly one
 * fewer than the records (so no nested object has it) is the text returned, else undefined.
 */
export function recordLines(records: readonly unknown[], text: string, key: string): string | undefined {
  const k = JSON.stringify(key);
  // One native replace puts each record on its own line; each cut adds the 3 characters of
  // ",\n  " less ",": the growth in length counts the cuts without a search of its own.
  const lines = text.slice(1, text.length - 1).replaceAll(`},{${k}:`, `}${RECORD_SEPARATOR}{${k}:`);
  return lines.length - (text.length - 2) === 3 * (records.length - 1) ? lines : undefined;
}
