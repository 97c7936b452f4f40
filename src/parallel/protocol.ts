// Messages between the main thread and the worker threads that run modules (see pool.ts).
import type { ReopenSpec } from "../acquisitions/view.ts";
import type { Coverage, InputFile, ModuleExposure } from "../core/model.ts";
import type { Shard } from "../core/shard.ts";
import type { LoadedSet } from "../indicators/types.ts";
import type { ProgressStep } from "../pipeline/progress.ts";
import type { ContextWindows, CollectorPart } from "../report/html/data.ts";
import type { RowRange } from "../report/timeline-merge.ts";
import type { SpilledTimeline } from "../report/timeline-store.ts";

/** Sent to each worker as its first message: what to open and run. */
export interface WorkerSetup {
  reopen: ReopenSpec;
  /** The indicator sets of the run: each worker builds its own matcher from them. */
  indicators: LoadedSet[];
  outputDir: string;
  prefix: string;
  /** Results file slugs an earlier view of the check writes (see resultsFileSlug). */
  taken: string[];
  /** The main thread's private temp root, which outlives the worker (tempdir.ts). */
  tempRoot: string;
  /** Each module's place in the whole run, for progress lines ("[19/43] sms"). */
  numbering: [string, number][];
  total: number;
  /** Where parts of split modules write their JSON fragments. */
  partDir: string;
  /** The modules (or parts of modules) to run, biggest artifacts first. */
  queue: WorkItem[];
  /**
   * Shared by every thread of the run (an Int32Array's first element): the index of the next
   * module of `queue` to take, taken with Atomics.add so no thread waits for another to hand out work.
   */
  next: SharedArrayBuffer;
}

/** One module, or one part of a module split across threads (ModuleDef.shardable). */
export interface WorkItem {
  module: string;
  shard?: Shard;
}

/**
 * Main → worker: first the setup (a worker is started before the acquisition is open, and
 * waits for it); then, once it handed over its results, a part of timeline.csv to merge
 * (results.ts), or the end.
 */
export type ToWorker =
  | { type: "setup"; setup: WorkerSetup }
  | { type: "merge"; files: string[]; range: RowRange; out: string; at: number; windows: ContextWindows }
  | { type: "end" };

/** Worker → main. */
export type FromWorker =
  /** Took a module from the queue (`key`: see keyOf). */
  | { type: "start"; key: string; module: string }
  | { type: "progress"; line: string; transient?: boolean; step?: ProgressStep }
  /**
   * One module done: its coverage entry, the entries it added of its own (ctx.cover). Detections
   * travel as JSON text: a record's Buffers become base64 exactly as in the files, instead of
   * turning into Uint8Arrays in a structured clone.
   */
  | { type: "module"; key: string; module: string; coverage: Coverage; more: Coverage[]; detections: string; exposure: ModuleExposure[] }
  /** The queue is empty: the worker's timeline chunks and the evidence files it read. */
  | { type: "finished"; timeline?: SpilledTimeline; inputs: InputFile[] }
  /** The worker could not open the acquisition: it took no module, the other threads go on. */
  | { type: "failed"; message: string }
  /** A part of timeline.csv merged (ToWorker "merge"): its rows and report data, or why not. */
  | { type: "merged"; rows: number; part: CollectorPart }
  | { type: "merged"; failed: string };
