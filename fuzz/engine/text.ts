// Line- and token-level mutators for text formats (dumpsys, getprop, logs, YAML, JSON): the
// damage real files show (cut, repeated or reordered lines, odd indentation, wrong values,
// very long lines) rather than random bytes, which mostly stop a text parser at the first line.
import type { Mutator } from "./types.ts";

const TOKENS = [
  "", "0", "-1", "1e309", "NaN", "null", "true", "[]", "{}", "{", "[", "\"", "'", ":", "=", ",", "\\", "\u0000", "\ufffd", "\ud800",
  "99999999999999999999999", "-9223372036854775809", "2021-13-45T25:61:61Z", "0x", "%s%n", "<", "&amp;", "\t", "\r", " ",
  "http://[::1", "a".repeat(300), "é中😀", "---", "...", "- ", "? ", "*a", "&a", "!!binary", "#",
];

function lines(buf: Buffer): string[] {
  return buf.toString("utf8").split("\n");
}
function join(l: string[]): Buffer {
  return Buffer.from(l.join("\n"), "utf8");
}

export const dupLine: Mutator = {
  name: "dup-line",
  apply(buf, a, b) {
    const l = lines(buf);
    const i = a % l.length;
    l.splice(b % (l.length + 1), 0, l[i]);
    return join(l);
  },
};

export const deleteLines: Mutator = {
  name: "delete-lines",
  apply(buf, a, b) {
    const l = lines(buf);
    l.splice(a % l.length, 1 + (b % 8));
    return join(l);
  },
};

export const swapLines: Mutator = {
  name: "swap-lines",
  apply(buf, a, b) {
    const l = lines(buf);
    const i = a % l.length;
    const j = b % l.length;
    [l[i], l[j]] = [l[j], l[i]];
    return join(l);
  },
};

/** A line from another seed put in: sections and records of one file inside another. */
export const foreignLine: Mutator = {
  name: "foreign-line",
  apply(buf, a, b, c, ctx) {
    const other = lines(ctx.seeds[a % ctx.seeds.length] ?? buf);
    const l = lines(buf);
    l.splice(c % (l.length + 1), 0, ...other.slice(b % other.length, (b % other.length) + 1 + (c % 4)));
    return join(l);
  },
};

/** One token (a run of letters/digits, or one punctuation character) replaced by an odd value. */
export const replaceToken: Mutator = {
  name: "replace-token",
  apply(buf, a, b, c) {
    const text = buf.toString("utf8");
    const re = /[A-Za-z0-9_.+-]+|[^\sA-Za-z0-9_.+-]/g;
    const spans: [number, number][] = [];
    for (let m; (m = re.exec(text)) && spans.length < 4096; ) spans.push([m.index, m.index + m[0].length]);
    if (!spans.length) return buf;
    const [s, e] = spans[(a + b * 4096) % spans.length];
    return Buffer.from(text.slice(0, s) + TOKENS[c % TOKENS.length] + text.slice(e), "utf8");
  },
};

export const indent: Mutator = {
  name: "indent",
  apply(buf, a, b) {
    const l = lines(buf);
    const i = a % l.length;
    const n = b % 12;
    l[i] = b % 2 ? " ".repeat(n) + l[i] : l[i].replace(/^\s+/, n % 3 ? "\t" : "");
    return join(l);
  },
};

/** A line cut short, as a file truncated mid-write ends. */
export const cutLine: Mutator = {
  name: "cut-line",
  apply(buf, a, b) {
    const l = lines(buf);
    const i = a % l.length;
    l[i] = l[i].slice(0, b % (l[i].length + 1));
    return join(l);
  },
};

/** One line made very long (up to 1 MiB) by repeating a piece of it. */
export const longLine: Mutator = {
  name: "long-line",
  apply(buf, a, b, c) {
    const l = lines(buf);
    const i = a % l.length;
    const line = l[i] || "x";
    const start = b % line.length;
    const piece = line.slice(start, start + 1 + (c % 16));
    l[i] = line + piece.repeat(Math.min(1 + (c % 100_000), Math.floor((1 << 20) / piece.length)));
    return join(l);
  },
};

export const crlf: Mutator = {
  name: "crlf",
  apply(buf, a) {
    const t = buf.toString("utf8");
    return Buffer.from(a % 3 === 0 ? t.replace(/\n/g, "\r\n") : a % 3 === 1 ? t.replace(/\r?\n/g, "\r") : "\ufeff" + t, "utf8");
  },
};

export const TEXT_MUTATORS: Mutator[] = [dupLine, deleteLines, swapLines, foreignLine, replaceToken, indent, cutLine, longLine, crlf];
