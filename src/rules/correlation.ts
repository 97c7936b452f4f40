// The case correlation rules as data (src/rules/data/correlations.yaml): event kinds made from
// module records, sets built from the whole case, and rules over the merged event stream.
// This file reads and checks the file and compiles its predicates with the iOS rules' engine;
// correlate.ts runs the rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYaml } from "../core/yaml.ts";
import { srcAsset } from "../core/paths.ts";
import { VigilError } from "../core/errors.ts";
import { hasMessage, msg } from "../core/i18n/index.ts";
import { GRADES, type Grade, type Message } from "../core/model.ts";
import { fieldSpecProblem, fieldValue, isoMillis, type CaseEvent, type FieldSpec } from "./case-events.ts";
import { RuleSet, wordsFromCatalog, type Compiled, type CompiledEnv, type Predicate } from "./engine.ts";

export const CORRELATION_FILE = join(srcAsset("rules"), "data", "correlations.yaml");

export interface EventSourceDef {
  module: string;
  when?: Predicate;
  /** Record fields holding the event's time; "@taken" is the acquisition's own time. */
  time: string[];
  fields: Record<string, FieldSpec>;
}
export interface EventKindDef {
  /** The kind in a detection title ("message"); from the catalogs (case.event.<kind>) for the shipped file. */
  label: string;
  description: string;
  from: EventSourceDef[];
}
export interface SetDef {
  description: string;
  from: { module: string; when?: Predicate; values: FieldSpec[] }[];
}
export interface PatternDef {
  event: string[];
  when?: Predicate;
  /** The event's value of this field never appeared before in the stream of these event kinds. */
  first_seen?: string;
  /** A value of `field` equals, or is a subdomain of, a value of `step_field` of step `step`. */
  join?: { field: string; step: string; step_field: string };
}
export interface StepDef extends PatternDef {
  name: string;
  /** Window after the previous step's event ("5m"); required from the second step on. */
  within?: string;
}
export interface ClusterDef {
  within: string;
  at_least: number;
  classes: { name: string; all?: PatternDef[]; any?: PatternDef[] }[];
  unless?: PatternDef[];
}
export interface CorrelationDef {
  id: string;
  grade: Grade;
  /** The rule's words in English; the shipped file leaves them to the catalogs (rule.<id>.description, .title, .why). */
  description: string;
  title: string;
  why: string;
  sources: string[];
  sequence?: StepDef[];
  cluster?: ClusterDef;
}

interface CorrelationFile {
  lists?: Record<string, string[]>;
  events?: Record<string, EventKindDef>;
  sets?: Record<string, SetDef>;
  correlations?: CorrelationDef[];
}

/** A pattern ready to test events. */
export interface CompiledPattern {
  events: Set<string>;
  test: Compiled;
  firstSeen?: string;
  join?: { field: string; step: number; stepField: string };
  /** Sets the predicate looks into (for the "contacts unavailable" note). */
  sets: string[];
}
export interface CompiledSequence {
  kind: "sequence";
  def: CorrelationDef;
  steps: (CompiledPattern & { name: string; withinMs: number })[];
}
export interface CompiledCluster {
  kind: "cluster";
  def: CorrelationDef;
  withinMs: number;
  atLeast: number;
  classes: { name: string; all: boolean; patterns: CompiledPattern[] }[];
  unless: CompiledPattern[];
}
export type CompiledRule = CompiledSequence | CompiledCluster;

interface CompiledSource {
  kind: string;
  def: EventSourceDef;
  test?: Compiled;
}


const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5m" → 300000; undefined when it is not a duration. */
export function parseDuration(s: unknown): number | undefined {
  const m = typeof s === "string" ? DURATION.exec(s.trim()) : null;
  return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
}

/** Field names a predicate tests with in_set / not_in_set. */
function setsOf(p: Predicate | undefined): string[] {
  if (!p || typeof p !== "object") return [];
  if ("all" in p) return p.all.flatMap(setsOf);
  if ("any" in p) return p.any.flatMap(setsOf);
  if ("not" in p) return setsOf(p.not);
  const out: string[] = [];
  if (p.in_set) out.push(p.in_set);
  if (p.not_in_set) out.push(p.not_in_set);
  if (p.any_item) out.push(...setsOf(p.any_item));
  return out;
}

const NO_BASELINE: CompiledEnv = { baseline: () => false };

export class CorrelationSet {
  readonly rules: CompiledRule[] = [];
  readonly kinds: Map<string, EventKindDef>;
  readonly sets: Map<string, SetDef>;
  private readonly sources = new Map<string, CompiledSource[]>();
  private readonly setSources = new Map<string, { set: string; test?: Compiled; values: FieldSpec[] }[]>();

  constructor(file: CorrelationFile, source = "correlations") {
    const fail = (msg: string): never => {
      throw new VigilError(msg, { file: source, code: "rules" });
    };
    const preds = new RuleSet([{ lists: file.lists ?? {} }], {}, source);
    this.kinds = new Map(Object.entries(file.events ?? {}));
    this.sets = new Map(Object.entries(file.sets ?? {}));
    for (const [kind, def] of this.kinds) {
      if (typeof def?.label !== "string" || !Array.isArray(def.from)) fail(`event kind ${kind} needs a label and a from list`);
      for (const s of def.from) {
        if (typeof s.module !== "string" || !Array.isArray(s.time) || !s.time.length) fail(`event kind ${kind}: each source needs a module and time fields`);
        for (const [name, spec] of Object.entries(s.fields ?? {})) {
          const problem = fieldSpecProblem(spec);
          if (problem) fail(`event kind ${kind}, module ${s.module}, field ${name}: ${problem}`);
        }
        const list = this.sources.get(s.module) ?? [];
        list.push({ kind, def: { ...s, fields: s.fields ?? {} }, test: s.when ? preds.compilePredicate(s.when, `event ${kind}`, source) : undefined });
        this.sources.set(s.module, list);
      }
    }
    for (const [name, def] of this.sets) {
      if (!Array.isArray(def?.from)) fail(`set ${name} needs a from list`);
      for (const s of def.from) {
        for (const spec of s.values ?? []) {
          const problem = fieldSpecProblem(spec);
          if (problem) fail(`set ${name}, module ${s.module}: ${problem}`);
        }
        const list = this.setSources.get(s.module) ?? [];
        list.push({ set: name, test: s.when ? preds.compilePredicate(s.when, `set ${name}`, source) : undefined, values: s.values ?? [] });
        this.setSources.set(s.module, list);
      }
    }
    const seen = new Set<string>();
    for (const def of file.correlations ?? []) {
      for (const k of ["id", "description", "title", "why"] as const) if (typeof def[k] !== "string" || !def[k]) fail(`correlation ${def.id ?? "?"} lacks ${k}`);
      if (!GRADES.includes(def.grade)) fail(`correlation ${def.id}: grade must be strong, medium or weak`);
      if (!Array.isArray(def.sources) || !def.sources.length) fail(`correlation ${def.id}: give its sources`);
      if (seen.has(def.id)) fail(`duplicate correlation id ${def.id}`);
      seen.add(def.id);
      if (!!def.sequence === !!def.cluster) fail(`correlation ${def.id}: give either a sequence or a cluster`);
      const pattern = (p: PatternDef, where: string, stepNames: string[] = []): CompiledPattern => {
        if (!Array.isArray(p.event) || !p.event.length) fail(`correlation ${def.id}, ${where}: give the event kinds`);
        for (const e of p.event) if (!this.kinds.has(e)) fail(`correlation ${def.id}, ${where}: unknown event kind ${e}`);
        const sets = setsOf(p.when);
        for (const s of sets) if (!this.sets.has(s)) fail(`correlation ${def.id}, ${where}: unknown set ${s}`);
        let join: CompiledPattern["join"];
        if (p.join) {
          const step = stepNames.indexOf(p.join.step);
          if (step < 0) fail(`correlation ${def.id}, ${where}: join names no earlier step ${p.join.step}`);
          join = { field: p.join.field, step, stepField: p.join.step_field };
        }
        return {
          events: new Set(p.event),
          test: p.when ? preds.compilePredicate(p.when, def.id, source) : () => true,
          firstSeen: p.first_seen,
          join,
          sets,
        };
      };
      if (def.sequence) {
        if (!Array.isArray(def.sequence) || def.sequence.length < 1) fail(`correlation ${def.id}: a sequence needs steps`);
        const names: string[] = [];
        const steps = def.sequence.map((s, i) => {
          if (typeof s.name !== "string" || names.includes(s.name)) fail(`correlation ${def.id}: step ${i + 1} needs a name of its own`);
          const withinMs = i === 0 ? 0 : parseDuration(s.within);
          if (withinMs === undefined) fail(`correlation ${def.id}, step ${s.name}: within must be a duration such as 5m`);
          const c = { ...pattern(s, `step ${s.name}`, names), name: s.name, withinMs: withinMs! };
          names.push(s.name);
          return c;
        });
        this.rules.push({ kind: "sequence", def, steps });
      } else {
        const c = def.cluster!;
        const withinMs = parseDuration(c.within);
        if (withinMs === undefined) fail(`correlation ${def.id}: cluster within must be a duration such as 5m`);
        if (!Number.isInteger(c.at_least) || c.at_least < 1 || c.at_least > (c.classes?.length ?? 0)) fail(`correlation ${def.id}: at_least must be between 1 and the number of classes`);
        const classes = c.classes.map((k) => {
          const list = k.all ?? k.any;
          if (!Array.isArray(list) || !list.length || (k.all && k.any)) fail(`correlation ${def.id}, class ${k.name}: give all or any patterns`);
          return { name: k.name, all: !!k.all, patterns: list!.map((p) => pattern(p, `class ${k.name}`)) };
        });
        this.rules.push({ kind: "cluster", def, withinMs: withinMs!, atLeast: c.at_least, classes, unless: (c.unless ?? []).map((p) => pattern(p, "unless")) });
      }
    }
  }

  /** Every module whose records make events or set values. */
  modules(): string[] {
    return [...new Set([...this.sources.keys(), ...this.setSources.keys()])].sort();
  }

  /** Whether any rule looks at events of this kind (others need not be read). */
  private usedKinds(): Set<string> {
    const used = new Set<string>();
    for (const r of this.rules) {
      const ps = r.kind === "sequence" ? r.steps : [...r.classes.flatMap((c) => c.patterns), ...r.unless];
      for (const p of ps) for (const e of p.events) used.add(e);
    }
    return used;
  }

  /** Modules whose records make events some rule uses. */
  eventModules(): string[] {
    const used = this.usedKinds();
    return [...this.sources.entries()].filter(([, list]) => list.some((s) => used.has(s.kind))).map(([m]) => m).sort();
  }

  /** Modules whose records fill the named set. */
  setModules(set: string): string[] {
    return [...this.setSources.entries()].filter(([, list]) => list.some((s) => s.set === set)).map(([m]) => m).sort();
  }

  /** The case events of one record of `module`, from acquisition `acquisition` (made at `taken`). */
  eventsOf(module: string, record: unknown, acquisition: string, taken?: string): CaseEvent[] {
    const list = this.sources.get(module);
    if (!list || !record || typeof record !== "object") return [];
    const rec = record as Record<string, unknown>;
    const out: CaseEvent[] = [];
    for (const s of list) {
      if (s.test && !s.test(rec, NO_BASELINE)) continue;
      let fields: Record<string, unknown> | undefined;
      for (const t of s.def.time) {
        const ts = t === "@taken" ? taken : rec[t];
        const at = isoMillis(ts);
        if (Number.isNaN(at)) continue;
        if (!fields) {
          fields = {};
          for (const [name, spec] of Object.entries(s.def.fields)) {
            const v = fieldValue(spec, rec);
            if (v !== undefined) fields[name] = v;
          }
        }
        // One spelling of each time (milliseconds always written), so that times sort as text.
        out.push({ at, timestamp: new Date(at).toISOString(), acquisition, module, event: s.kind, fields: { ...fields, time_of: t === "@taken" ? "taken" : t } });
      }
    }
    return out;
  }

  /** The set values one record of `module` gives: [set, value] pairs. */
  setValuesOf(module: string, record: unknown): [string, string][] {
    const list = this.setSources.get(module);
    if (!list || !record || typeof record !== "object") return [];
    const rec = record as Record<string, unknown>;
    const out: [string, string][] = [];
    for (const s of list) {
      if (s.test && !s.test(rec, NO_BASELINE)) continue;
      for (const spec of s.values) {
        const v = fieldValue(spec, rec);
        if (typeof v === "string") out.push([s.set, v]);
      }
    }
    return out;
  }

  label(kind: string): string {
    return this.kinds.get(kind)?.label ?? kind.replace(/_/g, " ");
  }

  /** The kind's label as a catalog message (case.event.<kind>) when the catalogs have it, else its label. */
  labelMessage(kind: string): Message | string {
    return hasMessage(`case.event.${kind}`) ? msg(`case.event.${kind}`) : this.label(kind);
  }
}

/** Reads a correlation rule file; the rules' words and the event kinds' labels come from the English catalog. */
export function loadCorrelations(file = CORRELATION_FILE): CorrelationSet {
  let doc: CorrelationFile;
  try {
    doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as CorrelationFile;
  } catch (e) {
    throw new VigilError(`cannot read correlation rules: ${(e as Error).message.split("\n")[0]}`, { file, code: "rules", cause: e });
  }
  for (const [kind, def] of Object.entries(doc.events ?? {})) {
    if (def && typeof def === "object") wordsFromCatalog(def as unknown as Record<string, unknown>, `event kind ${kind}`, ["label"], () => `case.event.${kind}`, file);
  }
  for (const def of doc.correlations ?? []) {
    if (def && typeof def === "object") wordsFromCatalog(def as unknown as Record<string, unknown>, `correlation ${def.id}`, ["description", "title", "why"], (k) => `rule.${def.id}.${k}`, file);
  }
  return new CorrelationSet(doc, file);
}

let cached: CorrelationSet | undefined;
/** The correlation rules Vigil ships, read once. */
export function shippedCorrelations(): CorrelationSet {
  cached ??= loadCorrelations();
  return cached;
}
