// A small rule engine: heuristics are data (src/rules/data/*.yaml), each a predicate over the
// fields of one parsed record (a shutdown.log client, a shutdown, a crash report, a process).
// Keeping them as data lets docs/rules.md, the tests and the output agree on ids and grades,
// and lets an investigator read every heuristic without reading module code. Rules whose test
// is code (the Android ones) read their lists, numbers and tables from the same files.
import { readFileSync } from "node:fs";
import { englishText, msg } from "../core/i18n/index.ts";
import type { Grade, Message } from "../core/model.ts";
import { GRADES } from "../core/model.ts";
import { VigilError } from "../core/errors.ts";
import { parseYaml } from "../core/yaml.ts";

/** A test on one field of the subject; every key given must hold. */
export interface FieldTest {
  field: string;
  /** The value (a string) starts with one of these; "@name" refers to a list. */
  starts_with?: string | string[];
  /** The value equals one of these (case-sensitive); "@name" refers to a list. */
  in?: string | (string | number)[];
  /** The last path component of the value is one of these; "@name" refers to a list. */
  basename_in?: string | string[];
  /** JavaScript regular expression, tested against the string value. */
  matches?: string;
  gte?: number;
  lte?: number;
  /** The value is in this baseline for the device's iOS version. */
  in_baseline?: string;
  /** The field is present (true) or absent (false). */
  exists?: boolean;
  /** The field is an array and at least one item satisfies this predicate. */
  any_item?: Predicate;
  /**
   * The value is in (in_set) or not in (not_in_set) a set the caller provides at evaluation
   * time (a case's contacts). A set the caller could not build holds nothing: in_set is then
   * false and not_in_set true (see correlation.ts, which says so in its detections).
   */
  in_set?: string;
  not_in_set?: string;
}
export type Predicate = { all: Predicate[] } | { any: Predicate[] } | { not: Predicate } | FieldTest;

export interface RuleDef {
  id: string;
  /** Which kind of record the rule reads ("shutdown_client", "crash_report", ...). */
  subject: string;
  grade: Grade;
  /**
   * The rule's words, in English: one sentence saying what it flags, the detection title ("{field}"
   * is replaced by the subject's field) and why it matters. Rule files leave them out: they are
   * read from the catalogs (rule.<id>.description, .title, .why), which hold every language.
   */
  description: string;
  title: string;
  why: string;
  /** Field whose value is reported as `matched`. */
  matched: string;
  when: Predicate;
}

interface RuleFile {
  lists?: Record<string, string[]>;
  /** Numbers that rules written in module code compare with (a number of days, an address). */
  values?: Record<string, number>;
  /** Rows that rules written in module code read (the Android settings they flag). */
  tables?: Record<string, Record<string, unknown>[]>;
  rules?: RuleDef[];
}

/** Ordinary values per iOS major version; "*" applies to every version. */
export type Baseline = Record<string, string[]>;

export interface RuleEnv {
  /** Device iOS version ("17.4.1"); unknown means every version's baseline applies. */
  osVersion?: string;
}

export interface RuleHit {
  rule: RuleDef;
  /** The English title. */
  title: string;
  /** The title as a catalog message (rule.<id>.title with the subject's fields). */
  message: Message;
  matched: string;
}

export type Compiled = (s: Record<string, unknown>, env: CompiledEnv) => boolean;
export interface CompiledEnv {
  baseline(name: string, value: string): boolean;
  /** Whether `value` is in the named set; false when the set is not available. */
  inSet?(name: string, value: string): boolean;
}

function basename(p: string): string {
  const t = p.endsWith("/") ? p.slice(0, -1) : p;
  return t.slice(t.lastIndexOf("/") + 1);
}

export class RuleSet {
  readonly rules: RuleDef[];
  private readonly compiled: Map<string, { rule: RuleDef; test: Compiled }[]> = new Map();
  private readonly lists: Map<string, string[]>;
  private readonly values = new Map<string, number>();
  private readonly tables = new Map<string, Record<string, unknown>[]>();
  private readonly baselines: Map<string, Baseline>;
  private readonly baselineCache = new Map<string, Set<string>>();

  constructor(files: RuleFile[], baselines: Record<string, Baseline>, source = "rules") {
    this.lists = new Map();
    for (const f of files) for (const [k, v] of Object.entries(f.lists ?? {})) this.lists.set(k, v.map(String));
    for (const f of files) {
      for (const [k, v] of Object.entries(f.values ?? {})) {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new VigilError(`value ${k} must be a number`, { file: source, code: "rules" });
        this.values.set(k, v);
      }
      for (const [k, v] of Object.entries(f.tables ?? {})) {
        if (!Array.isArray(v) || !v.every((row) => row !== null && typeof row === "object" && !Array.isArray(row))) {
          throw new VigilError(`table ${k} must be a list of mappings`, { file: source, code: "rules" });
        }
        this.tables.set(k, v);
      }
    }
    this.baselines = new Map(Object.entries(baselines));
    this.rules = files.flatMap((f) => f.rules ?? []);
    const seen = new Set<string>();
    for (const r of this.rules) {
      for (const k of ["id", "subject", "description", "title", "why", "matched"] as const) {
        if (typeof r[k] !== "string" || !r[k]) throw new VigilError(`rule ${r.id ?? "?"} lacks ${k}`, { file: source, code: "rules" });
      }
      if (!GRADES.includes(r.grade)) throw new VigilError(`rule ${r.id}: grade must be strong, medium or weak`, { file: source, code: "rules" });
      if (seen.has(r.id)) throw new VigilError(`duplicate rule id ${r.id}`, { file: source, code: "rules" });
      seen.add(r.id);
      const test = this.compile(r.when, r.id, source);
      const list = this.compiled.get(r.subject) ?? [];
      list.push({ rule: r, test });
      this.compiled.set(r.subject, list);
    }
  }

  list(name: string): string[] {
    const l = this.lists.get(name);
    if (!l) throw new Error(`no rule list ${name}`);
    return l;
  }

  value(name: string): number {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`no rule value ${name}`);
    return v;
  }

  table(name: string): Record<string, unknown>[] {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no rule table ${name}`);
    return t;
  }

  /** Whether `value` is an ordinary value of baseline `name` for this iOS version. */
  inBaseline(name: string, value: string, env: RuleEnv = {}): boolean {
    return this.baselineSet(name, env.osVersion).has(value);
  }

  /** Rules of one subject kind that the record satisfies. */
  evaluate(subject: string, record: object, env: RuleEnv = {}): RuleHit[] {
    const rules = this.compiled.get(subject);
    if (!rules) return [];
    const cenv: CompiledEnv = { baseline: (n, v) => this.inBaseline(n, v, env) };
    const out: RuleHit[] = [];
    const rec = record as Record<string, unknown>;
    for (const { rule, test } of rules) {
      if (!test(rec, cenv)) continue;
      const params: Record<string, string> = {};
      const title = rule.title.replace(/\{(\w+)\}/g, (_, f: string) => (params[f] = String(rec[f] ?? "")));
      out.push({ rule, title, message: msg(`rule.${rule.id}.title`, params), matched: String(rec[rule.matched] ?? "") });
    }
    return out;
  }

  private baselineSet(name: string, osVersion: string | undefined): Set<string> {
    const major = osVersion ? osVersion.split(".")[0] : "";
    const key = `${name}\0${major}`;
    let set = this.baselineCache.get(key);
    if (set) return set;
    const b = this.baselines.get(name);
    if (!b) throw new Error(`no baseline ${name}`);
    set = new Set(b["*"] ?? []);
    // An unknown or unlisted version gets every version's ordinary values: fewer false alerts
    // at the cost of missing a daemon that only some other version would not run.
    const versions = major && b[major] ? [major] : Object.keys(b).filter((k) => k !== "*");
    for (const v of versions) for (const x of b[v] ?? []) set.add(x);
    this.baselineCache.set(key, set);
    return set;
  }

  private resolve(v: string | (string | number)[] | undefined, id: string, source: string): string[] | undefined {
    if (v === undefined) return undefined;
    if (typeof v === "string") {
      if (!v.startsWith("@")) return [v];
      const l = this.lists.get(v.slice(1));
      if (!l) throw new VigilError(`rule ${id}: unknown list ${v}`, { file: source, code: "rules" });
      return l;
    }
    return v.map(String);
  }

  /** A predicate of another kind of rule (correlation patterns) compiled with this set's lists and baselines. */
  compilePredicate(p: Predicate, id: string, source: string): Compiled {
    return this.compile(p, id, source);
  }

  private compile(p: Predicate, id: string, source: string): Compiled {
    if (!p || typeof p !== "object") throw new VigilError(`rule ${id}: predicate must be an object`, { file: source, code: "rules" });
    if ("all" in p) {
      const parts = p.all.map((x) => this.compile(x, id, source));
      return (s, e) => parts.every((f) => f(s, e));
    }
    if ("any" in p) {
      const parts = p.any.map((x) => this.compile(x, id, source));
      return (s, e) => parts.some((f) => f(s, e));
    }
    if ("not" in p) {
      const inner = this.compile(p.not, id, source);
      return (s, e) => !inner(s, e);
    }
    if (typeof (p as FieldTest).field !== "string") throw new VigilError(`rule ${id}: predicate needs all, any, not or field`, { file: source, code: "rules" });
    const t = p as FieldTest;
    const tests: Compiled[] = [];
    const prefixes = this.resolve(t.starts_with, id, source);
    const inSet = t.in !== undefined ? new Set(this.resolve(t.in, id, source)) : undefined;
    const baseSet = t.basename_in !== undefined ? new Set(this.resolve(t.basename_in, id, source)) : undefined;
    let re: RegExp | undefined;
    if (t.matches !== undefined) {
      try {
        re = new RegExp(t.matches);
      } catch (e) {
        throw new VigilError(`rule ${id}: bad regular expression ${t.matches}`, { file: source, code: "rules", cause: e });
      }
    }
    if (t.in_baseline && !this.baselines.has(t.in_baseline)) throw new VigilError(`rule ${id}: unknown baseline ${t.in_baseline}`, { file: source, code: "rules" });
    const item = t.any_item ? this.compile(t.any_item, id, source) : undefined;
    const f = t.field;
    if (t.exists !== undefined) tests.push((s) => (s[f] !== undefined && s[f] !== null && s[f] !== "") === t.exists);
    if (prefixes) tests.push((s) => typeof s[f] === "string" && prefixes.some((x) => (s[f] as string).startsWith(x)));
    if (inSet) tests.push((s) => s[f] !== undefined && s[f] !== null && inSet.has(String(s[f])));
    if (baseSet) tests.push((s) => typeof s[f] === "string" && baseSet.has(basename(s[f] as string)));
    if (re) tests.push((s) => typeof s[f] === "string" && re!.test(s[f] as string));
    if (t.gte !== undefined) tests.push((s) => typeof s[f] === "number" && (s[f] as number) >= t.gte!);
    if (t.lte !== undefined) tests.push((s) => typeof s[f] === "number" && (s[f] as number) <= t.lte!);
    if (t.in_baseline) tests.push((s, e) => typeof s[f] === "string" && e.baseline(t.in_baseline!, s[f] as string));
    if (item) tests.push((s, e) => Array.isArray(s[f]) && (s[f] as object[]).some((x) => x !== null && typeof x === "object" && item(x as Record<string, unknown>, e)));
    const member = (s: Record<string, unknown>, e: CompiledEnv, name: string) => typeof s[f] === "string" && e.inSet?.(name, s[f] as string) === true;
    if (t.in_set !== undefined) tests.push((s, e) => member(s, e, t.in_set!));
    if (t.not_in_set !== undefined) tests.push((s, e) => typeof s[f] === "string" && !member(s, e, t.not_in_set!));
    if (tests.length === 0) throw new VigilError(`rule ${id}: test on ${f} has no condition`, { file: source, code: "rules" });
    return (s, e) => tests.every((x) => x(s, e));
  }
}

/**
 * Fills a rule's words (`keys` of `def`) with their English text from the catalogs; a rule file
 * that writes them itself, or a rule the catalogs have no words for, is an error naming `file`.
 */
export function wordsFromCatalog(def: Record<string, unknown>, what: string, keys: string[], id: (key: string) => string, file: string): void {
  for (const k of keys) {
    if (def[k] !== undefined) throw new VigilError(`${what}: ${k} belongs in the catalogs (${id(k)} in src/core/i18n), not in the rule file`, { file, code: "rules" });
    try {
      def[k] = englishText(id(k));
    } catch {
      throw new VigilError(`${what} lacks ${k}: no ${id(k)} in src/core/i18n`, { file, code: "rules" });
    }
  }
}

/** Reads YAML rule files and baselines into a RuleSet; each rule's words come from the English catalog. */
export function loadRuleSet(ruleFiles: string[], baselineFiles: Record<string, string>): RuleSet {
  const files = ruleFiles.map((f) => {
    let file: RuleFile;
    try {
      file = parseYaml(readFileSync(f, "utf8")) as RuleFile;
    } catch (e) {
      throw new VigilError(`cannot read rules: ${(e as Error).message.split("\n")[0]}`, { file: f, code: "rules", cause: e });
    }
    for (const r of file.rules ?? []) wordsFromCatalog(r as unknown as Record<string, unknown>, `rule ${r.id}`, ["description", "title", "why"], (k) => `rule.${r.id}.${k}`, f);
    return file;
  });
  const baselines: Record<string, Baseline> = {};
  for (const [name, f] of Object.entries(baselineFiles)) {
    try {
      baselines[name] = parseYaml(readFileSync(f, "utf8")) as Baseline;
    } catch (e) {
      throw new VigilError(`cannot read baseline: ${(e as Error).message.split("\n")[0]}`, { file: f, code: "rules", cause: e });
    }
  }
  return new RuleSet(files, baselines, ruleFiles.join(", "));
}
