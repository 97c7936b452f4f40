// STIX 2.0 / 2.1 bundles as MVT and the public indicator repositories write them: indicator
// objects with simple patterns, linked to a malware (or listed by a report) that names the set.
import type { IndicatorKind } from "../core/model.ts";
import { hashKind, normalizeIndicator } from "./normalize.ts";
import { makeSet, type FileMeta } from "./set.ts";
import type { Indicator, LoadedSet, LoadProblem } from "./types.ts";

export interface PatternTerm {
  /** Object path with quotes removed and type/property lowercased: "file:hashes.sha-256". */
  path: string;
  value: string;
}

type Token =
  | { t: "lbracket" | "rbracket" | "lparen" | "rparen" | "op" | "word" | "string"; v: string; at: number };

/** Splits a STIX pattern into tokens. Quoted strings keep escaped quotes and may hold `=`, `]`, spaces. */
function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "[") {
      out.push({ t: "lbracket", v: c, at: i++ });
    } else if (c === "]") {
      out.push({ t: "rbracket", v: c, at: i++ });
    } else if (c === "(") {
      out.push({ t: "lparen", v: c, at: i++ });
    } else if (c === ")") {
      out.push({ t: "rparen", v: c, at: i++ });
    } else if (c === "'") {
      const start = i++;
      let v = "";
      let closed = false;
      while (i < n) {
        const d = pattern[i]!;
        if (d === "\\" && i + 1 < n) {
          v += pattern[i + 1];
          i += 2;
        } else if (d === "'") {
          i++;
          closed = true;
          break;
        } else {
          v += d;
          i++;
        }
      }
      if (!closed) throw new Error(`unterminated quoted value at character ${start}`);
      out.push({ t: "string", v, at: start });
    } else if (c === "=" || c === "!" || c === "<" || c === ">") {
      const two = pattern.slice(i, i + 2);
      const op = two === "!=" || two === "<=" || two === ">=" ? two : c;
      out.push({ t: "op", v: op, at: i });
      i += op.length;
    } else {
      // An object path or keyword: runs until whitespace, a bracket, an operator or a quote
      // that does not follow a "." (quoted path components like hashes.'SHA-256' stay inside).
      const start = i;
      let v = "";
      while (i < n) {
        const d = pattern[i]!;
        if (d === "'" && pattern[i - 1] === ".") {
          const end = pattern.indexOf("'", i + 1);
          if (end < 0) throw new Error(`unterminated quoted path at character ${i}`);
          v += pattern.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        if (" \t\n\r[]()='!<>".includes(d)) break;
        v += d;
        i++;
      }
      if (v.length === 0) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
      out.push({ t: "word", v, at: start });
    }
  }
  return out;
}

function normalizePath(path: string): string {
  return path.replace(/'([^']*)'/g, "$1").toLowerCase();
}

/**
 * The comparisons of a pattern whose every comparison alone is enough to match: one
 * comparison, or comparisons joined by OR (inside or across observation brackets). AND,
 * FOLLOWEDBY, qualifiers and operators other than "=" cannot be split into independent
 * indicators without matching more than the pattern means, so they are rejected.
 */
export function parsePattern(pattern: string): PatternTerm[] {
  const toks = tokenize(pattern);
  const terms: PatternTerm[] = [];
  let depth = 0;
  let expectTerm = true;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.t === "lbracket" || tok.t === "lparen") {
      if (!expectTerm) throw new Error(`unexpected "${tok.v}" at character ${tok.at}`);
      depth++;
      continue;
    }
    if (tok.t === "rbracket" || tok.t === "rparen") {
      if (expectTerm || depth === 0) throw new Error(`unexpected "${tok.v}" at character ${tok.at}`);
      depth--;
      continue;
    }
    if (tok.t === "word" && !expectTerm) {
      const kw = tok.v.toUpperCase();
      if (kw === "OR") {
        expectTerm = true;
        continue;
      }
      if (kw === "AND" || kw === "FOLLOWEDBY") throw new Error(`${kw} patterns are not supported (each part alone would over-match)`);
      if (kw === "WITHIN" || kw === "REPEATS" || kw === "START" || kw === "STOP") throw new Error(`qualifier ${kw} is not supported`);
      throw new Error(`unexpected "${tok.v}" at character ${tok.at}`);
    }
    if (tok.t === "word" && expectTerm) {
      if (depth === 0) throw new Error("comparison outside brackets");
      const op = toks[i + 1];
      const val = toks[i + 2];
      if (!op || op.t !== "op" && op.t !== "word") throw new Error(`missing operator after ${tok.v}`);
      if (op.v !== "=") throw new Error(`operator ${op.v} is not supported (only =)`);
      if (!val || val.t !== "string") throw new Error(`the value of ${tok.v} is not a quoted string`);
      if (!tok.v.includes(":")) throw new Error(`"${tok.v}" is not an object path`);
      terms.push({ path: normalizePath(tok.v), value: val.v });
      i += 2;
      expectTerm = false;
      continue;
    }
    throw new Error(`unexpected ${tok.t === "string" ? "quoted value" : `"${tok.v}"`} at character ${tok.at}`);
  }
  if (depth !== 0) throw new Error("unbalanced brackets");
  if (expectTerm) throw new Error(terms.length ? "pattern ends after OR" : "empty pattern");
  return terms;
}

const IPV4ISH = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** The indicator kind of a pattern term, or a reason why it has none. */
export function kindOfTerm(term: PatternTerm): IndicatorKind | { reason: string } {
  const p = term.path;
  switch (p) {
    case "domain-name:value":
      // Some sets write IP addresses as domain names; they are matched as what they are.
      if (IPV4ISH.test(term.value.trim())) return "ipv4";
      if (term.value.includes(":") && !term.value.includes("/")) return "ipv6";
      // A host with a path ("evil.xyz/x") is a URL written in the wrong field.
      if (term.value.includes("/")) return "url";
      return "domain";
    case "ipv4-addr:value":
      return "ipv4";
    case "ipv6-addr:value":
      return "ipv6";
    case "url:value":
      return "url";
    case "email-addr:value":
    case "email-message:from_ref.value":
    case "email-message:sender_ref.value":
      return "email";
    case "process:name":
      return "process";
    case "file:name":
      return "file_name";
    case "file:path":
      return "file_path";
    case "app:id":
      return "app_id";
    case "android-property:name":
      return "android_property";
    case "configuration-profile:id":
      return "configuration_profile";
  }
  if (p.startsWith("file:hashes.")) {
    const algo = p.slice(12).replace(/-/g, "");
    if (algo !== "sha256" && algo !== "sha1" && algo !== "md5") return { reason: `hash algorithm ${p.slice(12)} is not supported` };
    const k = hashKind(term.value.trim().toLowerCase());
    if (k !== algo) return { reason: `${p} value is not a ${algo} hash` };
    return k;
  }
  // MVT writes app:cert.sha256, app:cert.sha1 and app:cert.md5; other tools app:cert_hash.
  if (p.startsWith("app:cert")) return "app_cert_hash";
  // A server's certificate: x509-certificate:hashes.'SHA-256' (or SHA-1).
  if (p.startsWith("x509-certificate:hashes.")) return "tls_cert_hash";
  // STIX has no JA3/JA4 object; sets write them as custom objects or extensions
  // (x-ja3:value, network-traffic:extensions.'x-tls'.ja3). The value decides which.
  if (/ja3/.test(p) && !/ja3s/.test(p)) return "ja3";
  if (/ja4/.test(p) && !/ja4s/.test(p)) return "ja4";
  return { reason: `object path ${p} is not an indicator kind Vigil matches` };
}

interface StixObject {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  pattern?: unknown;
  pattern_type?: unknown;
  source_ref?: unknown;
  target_ref?: unknown;
  relationship_type?: unknown;
  object_refs?: unknown;
}

export function loadStix(text: string, meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const problem = (reason: string, id?: string) => problems.push({ file: meta.source, id, reason, level: "error" });
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    problem(`not valid JSON (${(e as Error).message.split("\n")[0]})`);
    return { sets: [], problems };
  }
  const objects = Array.isArray(doc) ? doc : (doc as { objects?: unknown } | null)?.objects;
  if (!Array.isArray(objects)) {
    problem("not a STIX bundle (no objects array)");
    return { sets: [], problems };
  }

  const malware = new Map<string, string>();
  const groupOf = new Map<string, string>();
  const indicators: StixObject[] = [];
  const relationships: StixObject[] = [];
  for (const o of objects as StixObject[]) {
    if (!o || typeof o !== "object") {
      problem("an object of the bundle is not a JSON object");
      continue;
    }
    const id = typeof o.id === "string" ? o.id : undefined;
    if (o.type === "malware" || o.type === "report") {
      if (!id) problem(`${o.type} object without id`);
      else if (o.type === "malware") malware.set(id, typeof o.name === "string" && o.name.trim() ? o.name.trim() : id);
      else {
        malware.set(id, typeof o.name === "string" && o.name.trim() ? o.name.trim() : id);
        if (Array.isArray(o.object_refs)) for (const r of o.object_refs) if (typeof r === "string" && !groupOf.has(r)) groupOf.set(r, id);
      }
    } else if (o.type === "indicator") indicators.push(o);
    else if (o.type === "relationship") relationships.push(o);
  }
  for (const r of relationships) {
    if (r.relationship_type !== undefined && r.relationship_type !== "indicates") continue;
    if (typeof r.source_ref !== "string" || typeof r.target_ref !== "string") {
      problem("relationship without source_ref/target_ref", typeof r.id === "string" ? r.id : undefined);
      continue;
    }
    if (malware.has(r.target_ref) && !groupOf.has(r.source_ref)) groupOf.set(r.source_ref, r.target_ref);
  }

  const byGroup = new Map<string, Indicator[]>();
  for (const o of indicators) {
    const id = typeof o.id === "string" ? o.id : undefined;
    if (typeof o.pattern !== "string") {
      problem("indicator without a pattern", id);
      continue;
    }
    if (o.pattern_type !== undefined && o.pattern_type !== "stix") {
      problems.push({ file: meta.source, id, reason: `pattern type ${String(o.pattern_type)} is not read`, level: "skipped" });
      continue;
    }
    let terms: PatternTerm[];
    try {
      terms = parsePattern(o.pattern);
    } catch (e) {
      problem(`pattern ${JSON.stringify(o.pattern.slice(0, 120))}: ${(e as Error).message}`, id);
      continue;
    }
    const group = (id && groupOf.get(id)) ?? "";
    let list = byGroup.get(group);
    if (!list) byGroup.set(group, (list = []));
    for (const term of terms) {
      const kind = kindOfTerm(term);
      if (typeof kind !== "string") {
        problem(kind.reason, id);
        continue;
      }
      const value = term.value.trim();
      const key = normalizeIndicator(kind, value);
      if (key === null) {
        problem(`${term.path} value ${JSON.stringify(value.slice(0, 120))} is not a valid ${kind}`, id);
        continue;
      }
      list.push(id ? { type: kind, value, id, key } : { type: kind, value, key });
    }
  }

  const sets: LoadedSet[] = [];
  for (const [group, list] of byGroup) {
    if (list.length === 0) continue;
    const name = group ? malware.get(group)! : meta.defaultName;
    sets.push(makeSet(name, meta, list));
  }
  return { sets, problems };
}
