// Streams a JSON array to disk, one record at a time, so a module with a million rows never
// holds them all. Buffers are written as base64, bigints as strings. A results file is written
// under its temporary name and renamed once complete (core/output-file.ts).
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { guardOutput, partialPath, writeOutputFile } from "../core/output-file.ts";

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
function needsReplacer(v: unknown, depth: number): boolean {
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
function firstKey(r: unknown): string | undefined {
  if (typeof r !== "object" || r === null || Array.isArray(r) || typeof (r as { toJSON?: unknown }).toJSON === "function") return undefined;
  for (const k in r) {
    const v = (r as Record<string, unknown>)[k];
    // JSON.stringify skips these: the record would not start with this key.
    return v === undefined || typeof v === "function" || typeof v === "symbol" ? undefined : k;
  }
  return undefined;
}

/** Records encoded per JSON.stringify call. */
const BATCH = 256;

export class JsonArrayWriter {
  private fd: number | undefined;
  // Records are encoded straight into one reused buffer: joining strings per flush made
  // garbage proportional to the output.
  private buf = Buffer.allocUnsafe(1 << 22);
  private used = 0;
  private first = true;
  count = 0;
  /** Finds the values of `exactIntegers` keys that are decimal digits, quoted. */
  private readonly quotedIntegers: RegExp | undefined;
  /**
   * `fragment`: the records only, without the enclosing brackets (one part of a module run in
   * several parts; see assembleJsonArray).
   * `exactIntegers`: keys whose value, when a string of decimal digits (a 64-bit integer read
   * exactly), is written as a JSON number. The text `"key":"` cannot occur inside a JSON string
   * (its quotes would be escaped there): it is always that key with a string value. Nested
   * objects are not told apart, so this is for records whose nested objects do not use the keys.
   */
  constructor(
    readonly path: string,
    private readonly fragment = false,
    exactIntegers?: readonly string[],
  ) {
    for (const k of exactIntegers ?? []) if (!/^\w+$/.test(k)) throw new Error(`exactIntegers: ${JSON.stringify(k)} is not a plain key`);
    this.quotedIntegers = exactIntegers?.length ? new RegExp(`("(?:${exactIntegers.join("|")})":)"(-?(?:0|[1-9]\\d{0,19}))"`, "g") : undefined;
  }

  /** JSON text with the exact integers unquoted. */
  private exact(json: string): string {
    return this.quotedIntegers ? json.replace(this.quotedIntegers, "$1$2") : json;
  }

  /** Where the records go until close(): a fragment is already a temporary file. */
  private get target(): string {
    return this.fragment ? this.path : partialPath(this.path);
  }

  private openTarget(): void {
    this.fd = guardOutput(this.path, () => openSync(this.target, "w"));
  }

  write(record: unknown): void {
    if (this.fd === undefined) {
      this.openTarget();
      if (!this.fragment) this.push("[\n");
    }
    this.pending.push(record);
    if (this.pending.length >= BATCH) this.encodePending();
    this.count++;
  }

  private pending: unknown[] = [];

  /**
   * Encodes the waiting records with one JSON.stringify call for the lot (a fifth less CPU than
   * a call per record on real sms records), then cuts the array text back into one line per
   * record. The cuts are where one record ends and the next begins with the first key, `},{"key":`:
   * a quote inside a JSON string is always escaped, so that text only occurs there or inside a
   * nested object that starts with the same key. Every record is a plain object starting with
   * that key (so every boundary has the pattern), and only when the cuts number exactly one fewer
   * than the records (so no nested object has it) is the text used; otherwise each record is
   * encoded on its own.
   */
  private encodePending(): void {
    const recs = this.pending;
    this.pending = [];
    const key = recs.length > 1 ? firstKey(recs[0]) : undefined;
    if (key !== undefined && recs.every((r) => firstKey(r) === key && !needsReplacer(r, 3))) {
      const text = JSON.stringify(recs);
      if (!this.quotedIntegers && this.linesAsBytes(text, key, recs.length)) return;
      const sep = `},{${JSON.stringify(key)}:`;
      // One native replace puts each record on its own line; each cut adds the 3 characters of
      // ",\n  " less ",": the growth in length counts the cuts without a search of its own.
      const lines = text.slice(1, text.length - 1).replaceAll(sep, `},\n  {${JSON.stringify(key)}:`);
      if (lines.length - (text.length - 2) === 3 * (recs.length - 1)) {
        this.record(this.exact(lines));
        return;
      }
    }
    for (const r of recs) this.record(this.exact(toJson(r)));
  }

  /**
   * encodePending's cut into lines done on the UTF-8 bytes, in place in the output buffer: the
   * same bytes as the string route (the cut text is ASCII, which no multi-byte character holds),
   * without the copies of the whole text that slicing, replacing and encoding it made. False,
   * with nothing written, when the cuts are not one fewer than the records.
   */
  private linesAsBytes(text: string, key: string, records: number): boolean {
    // The separator before the first record, the text, and a line break and indent per cut.
    const room = 4 + text.length * 3 + 3 * records;
    if (room > this.buf.length) return false;
    if (this.used + room > this.buf.length) this.flush();
    const out = this.buf;
    const at = this.used + out.write(this.first ? "  " : ",\n  ", this.used, "latin1");
    // The array's "[" lands on the separator's last byte, a space, put back below.
    const base = at - 1;
    const n = out.write(text, base);
    const view = out.subarray(base, base + n - 1); // without the "]"
    const sep = `},{${JSON.stringify(key)}:`;
    const cuts: number[] = [];
    for (let i = view.indexOf(sep, 1, "latin1"); i >= 0; i = view.indexOf(sep, i + 2, "latin1")) cuts.push(i + 2);
    if (cuts.length !== records - 1) return false;
    out[base] = 32;
    // From the last record back, each moves right by the 3 bytes of the breaks before it.
    let end = base + n - 1;
    for (let j = cuts.length; j > 0; j--) {
      const from = base + cuts[j - 1]!;
      const to = from + 3 * j;
      out.copyWithin(to, from, end);
      out[to - 3] = 10;
      out[to - 2] = 32;
      out[to - 1] = 32;
      end = from;
    }
    this.used = base + n - 1 + 3 * cuts.length;
    this.first = false;
    return true;
  }

  private record(json: string): void {
    this.push(this.first ? "  " : ",\n  ");
    this.push(json);
    this.first = false;
  }

  private push(s: string): void {
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if (this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        guardOutput(this.path, () => writeSync(this.fd!, s));
        return;
      }
    }
    this.used += this.buf.write(s, this.used);
  }

  private flush(): void {
    if (this.fd !== undefined && this.used) {
      const fd = this.fd;
      guardOutput(this.path, () => writeSync(fd, this.buf, 0, this.used));
      this.used = 0;
    }
  }

  /** Closes the file (giving it its final name); writes "[]" when nothing was written and `always` is set. */
  close(always = true): void {
    this.encodePending();
    if (this.fragment) {
      this.flush();
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      return;
    }
    if (this.fd === undefined) {
      if (!always) return;
      this.openTarget();
      this.push("[");
    }
    this.push(this.first ? "]\n" : "\n]\n");
    this.flush();
    const fd = this.fd!;
    this.fd = undefined;
    guardOutput(this.path, () => {
      closeSync(fd);
      renameSync(this.target, this.path);
    });
  }

  /** Closes and removes an unfinished file (the check is stopping). */
  discard(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Removed either way.
      }
      this.fd = undefined;
    }
    rmSync(this.target, { force: true });
  }
}

/**
 * Writes the JSON array made of fragments (JsonArrayWriter with `fragment`), in order: the same
 * bytes a single writer would have written. Missing fragment files hold no records. Nothing is
 * written when there is no record and `always` is false.
 */
export function assembleJsonArray(path: string, fragments: string[], always: boolean): void {
  if (fragments.some(hasRecords)) {
    rmSync(path, { force: true });
    appendJsonFragments(path, fragments);
  } else if (always) writeOutputFile(path, EMPTY_ARRAY);
}

const hasRecords = (f: string) => existsSync(f) && statSync(f).size > 0;

/**
 * Appends the records of fragments, in order, to the JSON array a JsonArrayWriter wrote at
 * `path` (its closing bracket is moved to the end): the same bytes a single writer would have
 * written. With no records in the fragments the file is left as it is; with no file (a writer
 * that had no record and did not write one), the array is written from the fragments alone.
 */
export function appendJsonFragments(path: string, fragments: string[]): void {
  const present = fragments.filter(hasRecords);
  if (!present.length) return;
  // The file goes back to its temporary name while it grows: cut short, it must not look finished.
  const tmp = partialPath(path);
  const size = existsSync(path) ? statSync(path).size : 0;
  if (size) renameSync(path, tmp);
  let first = true;
  if (size > EMPTY_ARRAY.length) {
    const tail = Buffer.alloc(CLOSE.length);
    const rfd = openSync(tmp, "r");
    try {
      readSync(rfd, tail, 0, tail.length, size - tail.length);
    } finally {
      closeSync(rfd);
    }
    if (tail.toString() !== CLOSE) throw new Error(`${path}: not a JSON array written by Vigil (it does not end with "\n]\n")`);
    truncateSync(tmp, size - CLOSE.length);
    first = false;
  }
  guardOutput(path, () => {
    const fd = openSync(tmp, first ? "w" : "a");
    try {
      if (first) writeSync(fd, "[\n");
      for (const f of present) {
        if (!first) writeSync(fd, ",\n");
        appendFile(fd, f);
        first = false;
      }
      writeSync(fd, CLOSE);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  });
}

/** How JsonArrayWriter ends an array with records, and writes one without. */
const CLOSE = "\n]\n";
const EMPTY_ARRAY = "[]\n";

/** Copies the file at `path` to the end of what was written to `fd` (parts of an output file). */
export function appendFile(fd: number, path: string): void {
  const src = openSync(path, "r");
  const block = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n; (n = readSync(src, block, 0, block.length, null)) > 0; ) writeSync(fd, block, 0, n);
  } finally {
    closeSync(src);
  }
}
