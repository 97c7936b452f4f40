// CSV mutators (timeline.csv): the damage a quoted CSV shows when it is cut, edited by hand or
// crafted: stray and doubled quotes, newlines and carriage returns inside fields, commas added or
// lost (rows of the wrong number of fields), one field replaced by an odd value (times first)
// or made very long.
import type { Mutator } from "./types.ts";

const QUOTES = ['"', '""', '"""', '",', ',"', '"\n', '\n"', '"\r\n"'];
const BREAKS = ["\n", "\r", "\r\n", "\n\n", "\r\r\n", "\u2028", "\u0085"];
/** Values for one field: times at the edges of what a Date holds or of MVT's form, and other odd text. */
const FIELDS = [
  "", " ", "UTC Timestamp", "2026-01-01 10:00:00.000000", "2026-01-01T10:00:00.000Z", "+275760-09-13 00:00:00.000000", "-271821-04-20 00:00:00.000000",
  "+275760-09-13T00:00:01.000Z", "+999999-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999", "0000-00-00 00:00:00.000000", "2026-13-45 25:61:61.000000",
  "2026-01-01 10:00:00", "2026-01-01 10:00:00.0000000000000000001", "2026-01-01T10:00:00+99:99", "1e309", "NaN", "0", "-1", "\u0000", "\ufffd", "\ud800",
  "constructor", "__proto__", "<script>alert(1)</script>", "javascript:alert(1)", "https://planted-evil.example/x", "a,b", 'say "hi"', "line\nbreak",
];

/** Where the rows and fields are, by a cheap scan (quotes are not followed: damaged CSV has none to follow). */
function spans(text: string, sep: RegExp): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (let m; (m = sep.exec(text)) && out.length < 8192; ) {
    out.push([at, m.index]);
    at = m.index + m[0].length;
  }
  out.push([at, text.length]);
  return out;
}

function insertAt(buf: Buffer, at: number, s: string): Buffer {
  const text = buf.toString("utf8");
  const i = at % (text.length + 1);
  return Buffer.from(text.slice(0, i) + s + text.slice(i), "utf8");
}

/** A quote or two put anywhere: a field opened and never closed, or closed too early. */
export const insertQuote: Mutator = {
  name: "csv-quote",
  apply: (buf, a, _b, c) => insertAt(buf, a, QUOTES[c % QUOTES.length]),
};

/** A line break put anywhere: inside a quoted field it is part of the field, elsewhere it ends a row. */
export const insertBreak: Mutator = {
  name: "csv-break",
  apply: (buf, a, _b, c) => insertAt(buf, a, BREAKS[c % BREAKS.length]),
};

/** A comma added or removed (a row with more or fewer fields than the header). */
export const commas: Mutator = {
  name: "csv-comma",
  apply(buf, a, b) {
    const text = buf.toString("utf8");
    if (b % 2) return insertAt(buf, a, b % 3 ? "," : ',"",');
    const all: number[] = [];
    for (let i = text.indexOf(","); i >= 0 && all.length < 8192; i = text.indexOf(",", i + 1)) all.push(i);
    if (!all.length) return buf;
    const i = all[a % all.length];
    return Buffer.from(text.slice(0, i) + text.slice(i + 1), "utf8");
  },
};

/** One field of one row replaced by an odd value, quoted or not; the first field (the time) most often. */
export const replaceField: Mutator = {
  name: "csv-field",
  apply(buf, a, b, c) {
    const text = buf.toString("utf8");
    const rows = spans(text, /\r?\n/g);
    const [rs, re] = rows[a % rows.length];
    const fields = spans(text.slice(rs, re), /,/g);
    const [fs, fe] = fields[b % 3 === 0 ? 0 : (b >>> 2) % fields.length];
    const v = FIELDS[c % FIELDS.length];
    const field = (c >>> 8) % 4 ? `"${v.replace(/"/g, '""')}"` : v;
    return Buffer.from(text.slice(0, rs + fs) + field + text.slice(rs + fe), "utf8");
  },
};

/** One field made very long (up to 1 MiB): a piece of it repeated, doubled quotes included. */
export const longField: Mutator = {
  name: "csv-long-field",
  apply(buf, a, b, c) {
    const text = buf.toString("utf8");
    const all = spans(text, /,|\r?\n/g);
    const [s, e] = all[a % all.length];
    const piece = ['""', "x", text.slice(s, e) || "x", '"",""', "\\n"][b % 5];
    const n = Math.min(1 + (c % 200_000), Math.floor((1 << 20) / piece.length));
    const at = s + Math.min(1, e - s);
    return Buffer.from(text.slice(0, at) + piece.repeat(n) + text.slice(at), "utf8");
  },
};

/** The cheap ones twice as often as the long field (a 1 MiB input costs its target many executions). */
export const CSV_MUTATORS: Mutator[] = [insertQuote, insertBreak, commas, replaceField, insertQuote, insertBreak, commas, replaceField, longField];
