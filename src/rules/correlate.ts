// Runs the correlation rules over a case's merged event stream, one event at a time in time
// order. What a rule holds is bounded by its windows: a sequence keeps the partial matches whose
// next step can still come (events older than the window are dropped as time moves on), a
// cluster keeps the events of one window. Detections are kept until the end; a `first_seen`
// pattern keeps the values it has seen (distinct process names: a few thousand).
import { english, hasMessage, msg } from "../core/i18n/index.ts";
import type { Detection, Message, MessageParams } from "../core/model.ts";
import type { CaseEvent } from "./case-events.ts";
import type { CompiledCluster, CompiledPattern, CompiledRule, CompiledSequence, CorrelationSet } from "./correlation.ts";
import type { CompiledEnv } from "./engine.ts";

/** The sets the rules look into, built from the whole case before the stream runs. */
export interface CaseSets {
  /** Values per set that could be built. */
  values: Map<string, Set<string>>;
  /** Per set that could not be built (its artifacts absent or failed everywhere): why. */
  unavailable: Map<string, string>;
}

export interface CorrelatorStats {
  events: number;
  /** Most partial matches and window events held at once, over all rules. */
  maxHeld: number;
  /** Partial matches dropped because a step held more than maxPartials (the oldest go first). */
  dropped: number;
}

/** The module name correlated detections carry. */
export const CORRELATION_MODULE = "correlation";

/** Partial matches one step of a sequence keeps at most; beyond, the oldest are dropped (and counted). */
const MAX_PARTIALS = 100_000;
/** Earlier partial matches one event extends at most (the most recent ones). */
const FAN_OUT = 8;
/** Further matches of the same first event listed in a detection. */
const MAX_ALSO = 20;

/** "42 s", "3 min", "2 h 5 min" (the same in every language), or "3 days" (a catalog message). */
export function humanGap(ms: number): string | Message {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return msg("case.gap.days", { n: Math.round(h / 24) });
}

const text = (v: string | Message): string => (typeof v === "string" ? v : english(v));

/** The note a detection carries when a set it looks into could not be built. */
export function unavailableNote(set: string, why: string): Message {
  return hasMessage(`case.note.unavailable.${set}`) ? msg(`case.note.unavailable.${set}`, { why }) : msg("case.note.unavailable", { set, why });
}

const KEY_FIELDS = ["sender", "process", "hosts", "path", "client"];

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  return v === undefined || v === null ? "?" : String(v);
}

/** What a detection keeps of an event: where it came from and its normalised fields (no message text). */
function slim(e: CaseEvent, step?: string): Record<string, unknown> {
  return { ...(step ? { step } : {}), acquisition: e.acquisition, module: e.module, event: e.event, timestamp: e.timestamp, fields: e.fields };
}

interface Found {
  rule: CompiledRule;
  chain: CaseEvent[];
  stepNames: string[];
  also: CaseEvent[][];
  alsoCount: number;
  classes?: string[];
}

/** A queue with cheap removal at the front. */
class Queue<T> {
  items: T[] = [];
  head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  at(i: number): T {
    return this.items[this.head + i];
  }
  push(x: T): void {
    this.items.push(x);
  }
  shift(n = 1): void {
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class Correlator {
  readonly stats: CorrelatorStats = { events: 0, maxHeld: 0, dropped: 0 };
  private readonly env: CompiledEnv;
  private readonly sequences: SequenceRun[];
  private readonly clusters: ClusterRun[];
  private readonly found: Found[] = [];
  private last = -Infinity;

  constructor(
    private readonly set: CorrelationSet,
    private readonly sets: CaseSets,
    opts: { maxPartials?: number } = {},
  ) {
    this.env = {
      baseline: () => false,
      inSet: (name, value) => sets.values.get(name)?.has(value) === true,
    };
    const emit = (f: Found) => this.found.push(f);
    this.sequences = set.rules.filter((r): r is CompiledSequence => r.kind === "sequence").map((r) => new SequenceRun(r, this.env, emit, opts.maxPartials ?? MAX_PARTIALS, this.stats));
    this.clusters = set.rules.filter((r): r is CompiledCluster => r.kind === "cluster").map((r) => new ClusterRun(r, this.env, emit));
  }

  /** One event; events come in time order. */
  push(e: CaseEvent): void {
    if (e.at < this.last) throw new Error(`correlation events out of order: ${e.timestamp} after ${new Date(this.last).toISOString()}`);
    this.last = e.at;
    this.stats.events++;
    let held = 0;
    for (const s of this.sequences) held += s.push(e);
    for (const c of this.clusters) held += c.push(e);
    if (held > this.stats.maxHeld) this.stats.maxHeld = held;
  }

  /** Ends the stream: the correlated detections, in time order. */
  end(): Detection[] {
    for (const c of this.clusters) c.end();
    return this.found.map((f) => this.detection(f)).sort((a, b) => (a.timestamp ?? "").localeCompare(b.timestamp ?? ""));
  }

  private detection(f: Found): Detection {
    const def = f.rule.def;
    const first = f.chain[0];
    const lastEv = f.chain[f.chain.length - 1];
    const gap = humanGap(lastEv.at - first.at);
    // The title's parameters, by their name in the template ("gap", "crash.process"): the
    // English title is the rule's template filled with them, the message renders any language.
    const params: MessageParams = {};
    const title = def.title.replace(/\{(\w+)(?:\.(\w+))?\}/g, (whole, a: string, b?: string) => {
      let v: string | Message;
      if (!b) {
        if (a === "gap" || a === "span") v = gap;
        else if (a === "classes") v = (f.classes ?? []).join(", ");
        else return whole;
      } else {
        const i = f.stepNames.indexOf(a);
        if (i < 0) return whole;
        const ev = f.chain[i];
        v = b === "event" ? this.set.labelMessage(ev.event) : show(ev.fields[b]);
      }
      params[b ? `${a}.${b}` : a] = v;
      return text(v);
    });
    const patterns = f.rule.kind === "sequence" ? f.rule.steps : [...f.rule.classes.flatMap((c) => c.patterns), ...f.rule.unless];
    const notes: Message[] = [];
    for (const name of new Set(patterns.flatMap((p) => p.sets))) {
      const why = this.sets.unavailable.get(name);
      if (why !== undefined) notes.push(unavailableNote(name, why));
    }
    const why = [def.why, ...notes.map(english)].join(" ");
    // The shipped rules have their words in the catalogs; a rule given in code keeps its English.
    const message = hasMessage(`rule.${def.id}.title`)
      ? {
          title: msg(`rule.${def.id}.title`, params),
          why: notes.length ? msg("case.why_with_notes", { why: msg(`rule.${def.id}.why`), notes }) : msg(`rule.${def.id}.why`),
          rule: msg(`rule.${def.id}.description`),
        }
      : undefined;
    const acquisitions = [...new Set(f.chain.map((e) => `${e.acquisition} (${e.module})`))];
    return {
      module: CORRELATION_MODULE,
      grade: def.grade,
      kind: "heuristic",
      title,
      why,
      ...(message ? { message } : {}),
      matched: f.chain.map((e) => show(KEY_FIELDS.map((k) => e.fields[k]).find((v) => v !== undefined))).join(" → "),
      rule: { id: def.id, description: def.description },
      artifact: acquisitions.join(", "),
      timestamp: first.timestamp,
      record: {
        rule: def.id,
        events: f.chain.map((e, i) => slim(e, f.stepNames[i])),
        ...(f.alsoCount ? { also: f.also.map((c) => slim(c[c.length - 1])), also_count: f.alsoCount } : {}),
        ...(notes.length ? { notes: notes.map(english) } : {}),
        sources: def.sources,
      },
    };
  }
}

/** Whether an event matches a pattern, first_seen aside. */
function matches(p: CompiledPattern, e: CaseEvent, env: CompiledEnv): boolean {
  return p.events.has(e.event) && p.test(e.fields, env);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");

/** The values `host` is within (see hostWithin): itself and each of its parent names, of the given lengths only. */
function parentsOf(host: string, lengths: Map<number, number>): string[] {
  const out: string[] = lengths.has(host.length) ? [host] : [];
  for (let p = host.indexOf("."); p >= 0; p = host.indexOf(".", p + 1)) if (lengths.has(host.length - p - 1)) out.push(host.slice(p + 1));
  return out;
}

interface PartialMatch {
  chain: CaseEvent[];
  at: number;
  /** Order of arrival in its queue. */
  seq?: number;
}

/**
 * The partial matches of one queue by the values a later step joins on (an earlier step's
 * link hosts), so that an event finds the ones it joins without walking every partial match
 * held (a day of messages for the link rule). Each value keeps its partial matches in the
 * queue's order; the queue drops its oldest first, which is then the oldest under each value.
 */
class JoinIndex {
  private readonly byValue = new Map<string, Queue<PartialMatch>>();
  /** How many values are indexed per length: parent names of other lengths need no lookup. */
  private readonly lengths = new Map<number, number>();

  constructor(
    private readonly step: number,
    private readonly field: string,
  ) {}

  private values(p: PartialMatch): Set<string> {
    return new Set(strings(p.chain[this.step]?.fields[this.field]));
  }

  add(p: PartialMatch): void {
    for (const v of this.values(p)) {
      let q = this.byValue.get(v);
      if (!q) this.byValue.set(v, (q = new Queue<PartialMatch>()));
      q.push(p);
      this.lengths.set(v.length, (this.lengths.get(v.length) ?? 0) + 1);
    }
  }

  /** Forgets the oldest partial match of the queue. */
  removeOldest(p: PartialMatch): void {
    for (const v of this.values(p)) {
      const q = this.byValue.get(v)!;
      q.shift();
      if (!q.length) this.byValue.delete(v);
      const n = this.lengths.get(v.length)! - 1;
      if (n) this.lengths.set(v.length, n);
      else this.lengths.delete(v.length);
    }
  }

  /** The `max` most recent partial matches holding a value one of `hosts` is within, most recent first. */
  find(hosts: string[], max: number): PartialMatch[] {
    const found = new Set<PartialMatch>();
    for (const h of hosts) {
      for (const v of parentsOf(h, this.lengths)) {
        const q = this.byValue.get(v);
        for (let k = (q?.length ?? 0) - 1; q && k >= 0 && k >= q.length - max; k--) found.add(q.at(k));
      }
    }
    return [...found].sort((a, b) => b.seq! - a.seq!).slice(0, max);
  }
}

class SequenceRun {
  private readonly partials: Queue<PartialMatch>[];
  /** Per queue: its partial matches by the values the next step joins on, when it joins. */
  private readonly joins: (JoinIndex | undefined)[];
  private added = 0;
  private readonly seen: (Set<string> | undefined)[];
  /** Completed matches by their first event: a delivery followed by three crashes is one detection. */
  private readonly byFirst = new Map<CaseEvent, Found>();
  private sweepAt = 4096;

  constructor(
    private readonly rule: CompiledSequence,
    private readonly env: CompiledEnv,
    private readonly emit: (f: Found) => void,
    private readonly maxPartials: number,
    private readonly stats: CorrelatorStats,
  ) {
    this.partials = rule.steps.slice(1).map(() => new Queue<PartialMatch>());
    this.joins = rule.steps.slice(1).map((s) => (s.join ? new JoinIndex(s.join.step, s.join.stepField) : undefined));
    this.seen = rule.steps.map((s) => (s.firstSeen ? new Set<string>() : undefined));
  }

  /** Returns how many partial matches it holds. */
  push(e: CaseEvent): number {
    const steps = this.rule.steps;
    // Partial matches whose next step's window has passed can never complete.
    for (let i = 0; i < this.partials.length; i++) {
      const q = this.partials[i];
      const window = steps[i + 1].withinMs;
      let n = 0;
      for (; n < q.length && e.at - q.at(n).at > window; n++) this.joins[i]?.removeOldest(q.at(n));
      if (n) q.shift(n);
    }
    const hit = steps.map((s, i) => matches(s, e, this.env) && this.firstTime(i, e));
    for (let i = steps.length - 1; i >= 0; i--) {
      if (!hit[i]) continue;
      if (i === 0) {
        if (steps.length === 1) this.complete([e]);
        else this.add(0, { chain: [e], at: e.at });
        continue;
      }
      const q = this.partials[i - 1];
      const join = steps[i].join;
      const earlier: PartialMatch[] = [];
      if (join) earlier.push(...this.joins[i - 1]!.find(strings(e.fields[join.field]), FAN_OUT));
      else for (let k = q.length - 1; k >= 0 && earlier.length < FAN_OUT; k--) earlier.push(q.at(k));
      if (!earlier.length) continue;
      const extended = earlier.map((p): PartialMatch => ({ chain: [...p.chain, e], at: e.at }));
      if (i === steps.length - 1) {
        // The nearest earlier chain (the first found, walking back) names the detection.
        this.complete(extended[0].chain);
      } else {
        for (const p of extended.reverse()) this.add(i, p);
      }
    }
    // A first_seen pattern remembers every value of its event kinds, matched or not.
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const v = s.firstSeen && s.events.has(e.event) ? e.fields[s.firstSeen] : undefined;
      if (typeof v === "string") this.seen[i]!.add(v);
    }
    return this.partials.reduce((a, q) => a + q.length, 0);
  }

  private firstTime(i: number, e: CaseEvent): boolean {
    const f = this.rule.steps[i].firstSeen;
    if (!f) return true;
    const v = e.fields[f];
    return typeof v === "string" && !this.seen[i]!.has(v);
  }

  private add(i: number, p: PartialMatch): void {
    const q = this.partials[i];
    p.seq = this.added++;
    q.push(p);
    this.joins[i]?.add(p);
    if (q.length > this.maxPartials) {
      this.joins[i]?.removeOldest(q.at(0));
      q.shift();
      this.stats.dropped++;
    }
  }

  private complete(chain: CaseEvent[]): void {
    const known = this.byFirst.get(chain[0]);
    if (known) {
      known.alsoCount++;
      if (known.also.length < MAX_ALSO) known.also.push(chain);
      return;
    }
    const f: Found = { rule: this.rule, chain, stepNames: this.rule.steps.map((s) => s.name), also: [], alsoCount: 0 };
    this.byFirst.set(chain[0], f);
    this.emit(f);
    // The map only needs first events that can still complete: those inside the whole sequence's
    // span. It is swept when it has doubled since the last sweep, so that sweeps stay linear in
    // all when every first event is still inside the span.
    if (this.byFirst.size > this.sweepAt) {
      const span = this.rule.steps.reduce((a, s) => a + s.withinMs, 0);
      for (const k of this.byFirst.keys()) if (chain[chain.length - 1].at - k.at > span) this.byFirst.delete(k);
      this.sweepAt = Math.max(4096, 2 * this.byFirst.size);
    }
  }
}

interface WindowEvent {
  e: CaseEvent;
  /** Per class, per pattern: matched. */
  hits: boolean[][];
  anchor: boolean;
  unless: boolean;
}

class ClusterRun {
  private readonly window = new Queue<WindowEvent>();
  /**
   * The events from the oldest held one to the end of its window, counted as they enter and
   * leave (so each event is counted once, not once per window it belongs to): how many there
   * are, how many match each pattern of each class, and how many exclude.
   */
  private counted = 0;
  private readonly hitCounts: number[][];
  private unlessCount = 0;

  constructor(
    private readonly rule: CompiledCluster,
    private readonly env: CompiledEnv,
    private readonly emit: (f: Found) => void,
  ) {
    this.hitCounts = rule.classes.map((c) => c.patterns.map(() => 0));
  }

  push(e: CaseEvent): number {
    while (this.window.length && e.at - this.window.at(0).e.at > this.rule.withinMs) this.settleFirst();
    const hits = this.rule.classes.map((c) => c.patterns.map((p) => matches(p, e, this.env)));
    const anchor = hits.some((h) => h.some(Boolean));
    const unless = this.rule.unless.some((p) => matches(p, e, this.env));
    if (anchor || unless) this.window.push({ e, hits, anchor, unless });
    return this.window.length;
  }

  end(): void {
    while (this.window.length) this.settleFirst();
  }

  private count(w: WindowEvent, by: 1 | -1): void {
    w.hits.forEach((h, ci) => h.forEach((hit, pi) => hit && (this.hitCounts[ci][pi] += by)));
    if (w.unless) this.unlessCount += by;
  }

  /** Drops the n oldest held events. */
  private drop(n: number): void {
    const q = this.window;
    for (let k = 0; k < n && this.counted > 0; k++, this.counted--) this.count(q.at(k), -1);
    q.shift(n);
  }

  /**
   * Decides the window that starts at the oldest held event (all its events have arrived): a
   * detection when enough classes are satisfied and no excluding event is in it; its events are
   * then used up. Otherwise the oldest event is dropped.
   */
  private settleFirst(): void {
    const q = this.window;
    const first = q.at(0);
    if (!first.anchor) {
      this.drop(1);
      return;
    }
    // The window's end only moves forward as its start does.
    while (this.counted < q.length && q.at(this.counted).e.at - first.e.at <= this.rule.withinMs) this.count(q.at(this.counted++), 1);
    const n = this.counted;
    const satisfied: string[] = [];
    const excluded = this.unlessCount > 0;
    if (!excluded) {
      this.rule.classes.forEach((c, ci) => {
        const per = this.hitCounts[ci].map((k) => k > 0);
        if (c.all ? per.every(Boolean) : per.some(Boolean)) satisfied.push(c.name);
      });
    }
    if (excluded || satisfied.length < this.rule.atLeast) {
      this.drop(1);
      return;
    }
    const chain: CaseEvent[] = [];
    for (let k = 0; k < n; k++) if (q.at(k).anchor) chain.push(q.at(k).e);
    this.emit({ rule: this.rule, chain, stepNames: [], also: [], alsoCount: 0, classes: satisfied });
    this.drop(n);
  }
}
