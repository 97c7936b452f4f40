// The contract between the pipeline (src/pipeline/) and the modules (src/modules/**).
// A module file declares what it reads, how rows become records, which timeline events a
// record gives, and what it flags; the pipeline needs no change when a module is added.
// It lives with the modules because it speaks of what they use from the rooms below: the
// acquisition view (acquisitions/) and the indicator matcher (indicators/).
import type { AcquisitionView, ArtifactSpec, FileEntry } from "../acquisitions/view.ts";
import type { Coverage, DetectionInput, ExposureInput, TimelineEvent, Platform } from "../core/model.ts";
import type { Shard } from "../core/shard.ts";
import type { Matcher } from "../indicators/matcher-api.ts";

export interface ModuleContext {
  view: AcquisitionView;
  iocs: Matcher;
  /** The files this module's `reads` resolved to in this acquisition (never empty when run). */
  files: FileEntry[];
  /**
   * What every module of this run reads (their `reads` merged, as the opener was told): a reader
   * that several modules share (the dumpsys split, one pass per file) keeps what all of them need.
   */
  wanted: ArtifactSpec;
  /** Report a detection that is not tied to one yielded record (cross-record heuristics). */
  detect(d: DetectionInput): void;
  /**
   * Report what the phone was open to (Lockdown Mode off, for example): exposure, which never
   * counts as a detection nor changes the verdict.
   */
  expose(e: ExposureInput): void;
  /** Add a timeline event that is not tied to one yielded record. */
  event(e: Omit<TimelineEvent, "module">): void;
  /**
   * A problem with part of the artifact that did not stop the module (one corrupt row, one
   * unreadable profile). Shown in the coverage as a warning; the module still counts as checked.
   */
  warn(message: string): void;
  /**
   * Records of evidence that could not be read and were left out (a malformed log line): what
   * they held was not checked, so the module is reported incomplete ("failed", with the count
   * and the first reason) even though the rest of its records were checked.
   */
  skip(reason: string, count?: number): void;
  /**
   * A coverage entry of its own, listed after the module's: what the artifact could not show,
   * such as the share of a capture's traffic whose certificates TLS 1.3 hid. The serial and the
   * parallel runner keep them alike; a module run as several parts (shardable) keeps an entry
   * its parts repeat once.
   */
  cover(entry: Omit<Coverage, "detections">): void;
  /** Progress for long steps, shown on stderr. */
  progress(done: number, total?: number): void;
  /**
   * Set when a `shardable` module runs as one part of several (one per thread): yield only
   * this part's records (see ModuleDef.shardable). The SQLite helper's paged queries read it
   * (modules/lib/sqlite.ts, BigQuery.split); a module on that helper does not.
   */
  shard?: Shard;
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
   * only. A module whose records are the rows of one big table read with SqliteDb.paged and
   * `split` qualifies (sms, safari_history). Only a module whose artifact is one file is split.
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
