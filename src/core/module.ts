// The contract between the pipeline (src/run.ts) and the modules (src/modules/**).
// A module file declares what it reads, how rows become records, which timeline events a
// record gives, and what it flags; the pipeline needs no change when a module is added.
import type { AcquisitionView, ArtifactSpec, FileEntry } from "../acquisitions/view.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import type { Coverage, DetectionInput, Grade, IndicatorMatch, Platform, TimelineEvent } from "./model.ts";

export interface ModuleContext {
  view: AcquisitionView;
  iocs: Matcher;
  /** The files this module's `reads` resolved to in this acquisition (never empty when run). */
  files: FileEntry[];
  /** Report a detection that is not tied to one yielded record (cross-record heuristics). */
  detect(d: DetectionInput): void;
  /** Add a timeline event that is not tied to one yielded record. */
  event(e: Omit<TimelineEvent, "module">): void;
  /**
   * A problem with part of the artifact that did not stop the module (one corrupt row, one
   * unreadable profile). Shown in the coverage as a warning; the module still counts as checked.
   */
  warn(message: string): void;
  /**
   * A coverage entry of its own, listed after the module's: what the artifact could not show,
   * such as the share of a capture's traffic whose certificates TLS 1.3 hid. Only the serial
   * runner (src/run.ts) keeps these; the parallel one hands back one entry per module, and the
   * acquisitions whose modules use this (network captures) are never split across threads.
   */
  cover(entry: Omit<Coverage, "detections">): void;
  /** Progress for long steps, shown on stderr. */
  progress(done: number, total?: number): void;
  /**
   * Set when a `shardable` module runs as one part of several (one per thread): yield only
   * this part's records (see ModuleDef.shardable).
   */
  shard?: Shard;
}

/**
 * Part `index` (from 0) of `count`; or, in a parallel run, the keys `range` taken over from a
 * thread still running the module; or the whole module, run by a thread that lets idle threads
 * take over the end of its keys (`live`).
 */
export interface Shard {
  index: number;
  count: number;
  range?: [number, number];
  live?: LiveKeys;
}

/**
 * The keys a module reads, while other threads may take over their end (src/parallel/steal.ts).
 * The module announces its keys (begin), and for each page of rows asks how far it may read
 * (bound) and then keeps only the rows it may still have (accept).
 */
export interface LiveKeys {
  begin(lo: number, hi: number): void;
  /** The highest key this thread may read now. */
  bound(): number;
  /** Claims the keys up to `last` (or fewer): returns the bound, rows above it are not its own. */
  accept(last: number): number;
  /** No more keys are read (nothing can be taken over after this). */
  end(): void;
}

/**
 * The [from, to] key range of part `shard` of the keys lo..hi: contiguous ranges in key order,
 * so the parts' records, put end to end, are the whole table in its usual order.
 */
export function shardRange(lo: number, hi: number, shard: Shard | undefined): [number, number] {
  if (!shard || shard.count <= 1) return [lo, hi];
  const span = hi - lo + 1;
  const from = lo + Math.floor((span * shard.index) / shard.count);
  const to = shard.index === shard.count - 1 ? hi : lo + Math.floor((span * (shard.index + 1)) / shard.count) - 1;
  return [from, to];
}

export interface ModuleDef<R = Record<string, unknown>> {
  /** Output slug, as MVT names it where MVT has the module ("sms", "safari_history", ...). */
  name: string;
  /** Plain words for the report ("SMS and iMessage"). */
  title: string;
  platform: Platform;
  /** One or two sentences: what the artifact is and what the module looks for. */
  description: string;
  reads: ArtifactSpec;
  /**
   * Yields records; may call ctx.detect/ctx.event for findings across records at the end.
   * Throw (a VigilError ideally) when the artifact cannot be read: the module is then
   * "failed" with that reason in the coverage and the others go on.
   */
  records(ctx: ModuleContext): AsyncIterable<R> | Iterable<R> | RecordBatches<R>;
  /**
   * The module can run as several parts at once, on big artifacts (src/parallel): given
   * ctx.shard, records() yields only that part, the parts in index order making up exactly the
   * records of a whole run, in the same order; and check() and events() depend on one record
   * only. The records of a big table split by rowid range (shardRange) qualify. Only a
   * module whose artifact is one file is split.
   */
  shardable?: boolean;
  /**
   * Work per byte of artifact relative to an average module (default 1): only orders the queue
   * of a parallel run, biggest first. sms_attachments reads a few rows of the big sms.db; WhatsApp
   * joins three tables per message.
   */
  costPerByte?: number;
  /**
   * Record fields that may hold a 64-bit integer as its decimal digits (a string): a JavaScript
   * number keeps only 53 bits. The JSON files write such a value as a number, digit for digit
   * (as MVT writes SQLite's integers); see JsonArrayWriter.
   */
  exactIntegers?: string[];
  /** Timeline events for one record. Timestamps are UTC ISO-8601 from src/core/time.ts. */
  events?(record: R): Omit<TimelineEvent, "module">[];
  /** Detections for one record: indicator matches and per-record heuristics. */
  check?(record: R, ctx: ModuleContext): DetectionInput[];
}

/**
 * Records handed over in batches (a file's rows): the async work (opening a database) happens
 * per batch and the rows are walked synchronously. An async generator yielding each row costs
 * a promise per row, a noticeable share of a 500k-row table.
 */
export interface RecordBatches<R> {
  readonly batches: AsyncIterable<Iterable<R>>;
}

export function batched<R>(batches: AsyncIterable<Iterable<R>>): RecordBatches<R> {
  return { batches };
}

export function isBatched<R>(source: AsyncIterable<R> | Iterable<R> | RecordBatches<R>): source is RecordBatches<R> {
  return typeof (source as RecordBatches<R>).batches === "object";
}

export function defineModule<R>(def: ModuleDef<R>): ModuleDef<R> {
  return def;
}

/**
 * Turns indicator matches into detections. `grade` is what a full match in this artifact is
 * worth; a match on a truncated process name drops one grade.
 */
export function fromMatches(
  matches: IndicatorMatch[],
  opts: {
    grade: Grade;
    /** e.g. (m) => `Known spyware domain ${m.matched} visited in Safari` */
    title: (m: IndicatorMatch) => string;
    why?: string;
    record?: unknown;
    timestamp?: string;
    artifact?: string;
  },
): DetectionInput[] {
  // One artifact value gives one detection: the same indicator often sits in several sets (a
  // STIX file and the list beside it), and a host can match both itself and a parent domain.
  // The most specific indicator is kept; the other sets are named.
  const byKey = new Map<string, { m: IndicatorMatch; others: string[] }>();
  for (const m of matches) {
    const seen = byKey.get(m.matched);
    if (!seen) {
      byKey.set(m.matched, { m, others: [] });
      continue;
    }
    const moreSpecific = m.indicator.value.length > seen.m.indicator.value.length || (seen.m.truncated && !m.truncated);
    const loser = moreSpecific ? seen.m : m;
    if (moreSpecific) seen.m = m;
    const name = loser.indicator.set.name;
    if (name !== seen.m.indicator.set.name && !seen.others.includes(name)) seen.others.push(name);
  }
  return [...byKey.values()].map(({ m, others }) => {
    const grade: Grade = m.truncated ? lowerGrade(opts.grade) : opts.grade;
    const ind = m.indicator;
    return {
      grade,
      kind: "indicator" as const,
      title: opts.title(m),
      why: opts.why,
      matched: m.matched,
      matched_indicator: {
        value: ind.value,
        type: ind.type,
        id: ind.id,
        name: ind.set.name,
        stix2_file_name: ind.set.file,
        source: ind.set.source,
        sha256: ind.set.sha256,
        ...(others.length ? { also_in: others } : {}),
      },
      artifact: opts.artifact,
      timestamp: opts.timestamp,
      record: opts.record,
    };
  });
}

export function lowerGrade(g: Grade): Grade {
  return g === "strong" ? "medium" : "weak";
}

/** A heuristic detection, with its rule id so the README's rule table and the output agree. */
export function heuristic(opts: {
  rule: string;
  ruleDescription: string;
  grade: Grade;
  title: string;
  why?: string;
  matched: string;
  record?: unknown;
  timestamp?: string;
  artifact?: string;
}): DetectionInput {
  return {
    grade: opts.grade,
    kind: "heuristic",
    title: opts.title,
    why: opts.why,
    matched: opts.matched,
    rule: { id: opts.rule, description: opts.ruleDescription },
    record: opts.record,
    timestamp: opts.timestamp,
    artifact: opts.artifact,
  };
}
