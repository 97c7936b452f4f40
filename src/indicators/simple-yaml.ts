// A fast reader for the plain block YAML that indicator files use (Echap's ioc.yaml, the
// mvt-indicators index): block mappings and sequences of plain or quoted one-line scalars.
// The `yaml` library takes most of a second on Echap's 100 KB file when the process is
// cold, which alone would break the indicator load budget; anything outside this subset
// (flow collections, anchors, tags, block scalars, multi-line scalars) returns undefined so
// the caller falls back to the full library.

interface Line {
  indent: number;
  text: string;
  no: number;
}

class Unsupported extends Error {}

function stripComment(s: string): string {
  if (s.indexOf("#") < 0) return s.trimEnd();
  // A "#" starts a comment at the line start or after whitespace, outside quotes.
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) {
        if (q === "'" && s[i + 1] === "'") i++;
        else q = null;
      } else if (c === "\\" && q === '"') i++;
    } else if ((c === "'" || c === '"') && (i === 0 || /[\s:\-[{,]/.test(s[i - 1]!))) q = c;
    else if (c === "#" && (i === 0 || s[i - 1] === " " || s[i - 1] === "\t")) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

const SPECIAL_START = /^[[{&*!|>%@`]/;
const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?$/;

function scalar(raw: string): unknown {
  const s = raw.trim();
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (s[0] === '"') {
    if (s.length < 2 || s[s.length - 1] !== '"') throw new Unsupported();
    let out = "";
    for (let i = 1; i < s.length - 1; i++) {
      const c = s[i]!;
      if (c === '"') throw new Unsupported();
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = s[++i];
      if (e === "n") out += "\n";
      else if (e === "t") out += "\t";
      else if (e === "\\" || e === '"' || e === "/") out += e;
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
        out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
        i += 4;
      } else throw new Unsupported();
    }
    return out;
  }
  if (s[0] === "'") {
    if (s.length < 2 || s[s.length - 1] !== "'") throw new Unsupported();
    const body = s.slice(1, -1);
    if (/(?<!')'(?!')/.test(body.replace(/''/g, ""))) throw new Unsupported();
    return body.replace(/''/g, "'");
  }
  if (SPECIAL_START.test(s) || s.startsWith("- ") || s === "-") throw new Unsupported();
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (INT.test(s) || FLOAT.test(s)) return Number(s);
  if (/^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(s)) throw new Unsupported();
  if (s.includes(": ") || s.endsWith(":")) throw new Unsupported();
  return s;
}

/** Index of the ":" that ends a mapping key in `s`, or -1. */
function keyColon(s: string): number {
  if (s[0] === '"' || s[0] === "'") {
    const q = s[0];
    let i = 1;
    for (; i < s.length; i++) {
      if (s[i] === "\\" && q === '"') i++;
      else if (s[i] === q) {
        if (q === "'" && s[i + 1] === "'") i++;
        else break;
      }
    }
    return s[i + 1] === ":" && (i + 2 === s.length || s[i + 2] === " ") ? i + 1 : -1;
  }
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ":" && (i + 1 === s.length || s[i + 1] === " ")) return i;
  }
  return -1;
}

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  parseDocument(): unknown {
    if (this.lines.length === 0) return null;
    const v = this.block(this.lines[0]!.indent);
    if (this.i < this.lines.length) throw new Unsupported();
    return v;
  }

  private block(indent: number): unknown {
    const line = this.lines[this.i]!;
    if (line.text === "-" || line.text.startsWith("- ")) return this.sequence(indent);
    if (keyColon(line.text) > 0) return this.mapping(indent);
    // A lone scalar as a whole block (only valid as the document itself).
    this.i++;
    return scalar(line.text);
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent !== indent || !(line.text === "-" || line.text.startsWith("- "))) break;
      const rest = line.text === "-" ? "" : line.text.slice(2);
      const restTrim = rest.trimStart();
      if (restTrim === "") {
        this.i++;
        out.push(this.nested(indent, false));
      } else if (restTrim === "-" || restTrim.startsWith("- ") || keyColon(restTrim) > 0) {
        // "- key: value" opens a mapping (or "- - x" a sequence) at the column after "- ".
        this.lines[this.i] = { indent: indent + 2 + (rest.length - restTrim.length), text: restTrim, no: line.no };
        out.push(this.block(this.lines[this.i]!.indent));
      } else {
        this.i++;
        out.push(scalar(restTrim));
      }
    }
    return out;
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent !== indent) {
        if (line.indent > indent) throw new Unsupported();
        break;
      }
      if (line.text === "-" || line.text.startsWith("- ")) break;
      const c = keyColon(line.text);
      if (c <= 0) throw new Unsupported();
      const key = scalar(line.text.slice(0, c));
      if (key === null || typeof key === "object") throw new Unsupported();
      const value = line.text.slice(c + 1).trim();
      this.i++;
      out[String(key)] = value === "" ? this.nested(indent, true) : scalar(value);
    }
    return out;
  }

  /** The block under a key or "-" with nothing after it; a key's sequence may sit at its own indent. */
  private nested(indent: number, sameIndentSeq: boolean): unknown {
    const next = this.lines[this.i];
    if (!next) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (sameIndentSeq && next.indent === indent && (next.text === "-" || next.text.startsWith("- "))) return this.sequence(indent);
    return null;
  }
}

/** The parsed document, or undefined when the text uses YAML beyond the simple subset. */
export function parseSimpleYaml(text: string): unknown {
  const lines: Line[] = [];
  const raw = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  for (let n = 0; n < raw.length; n++) {
    const l = raw[n]!;
    if (l.includes("\t")) {
      if (/^\s*\t/.test(l)) return undefined;
    }
    const body = stripComment(l);
    const text = body.trimStart();
    if (text === "") continue;
    if (text === "---" && lines.length === 0) continue;
    if (text === "---" || text === "..." || text.startsWith("%")) return undefined;
    lines.push({ indent: body.length - text.length, text, no: n + 1 });
  }
  try {
    return new Reader(lines).parseDocument();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
