// Runs a check's modules on several cores. Each worker thread opens the acquisition again (an
// iPhone backup reopens in a few milliseconds; an encrypted one with the derived key, so PBKDF2
// runs once) and builds the same indicator matcher from the same sets. The main thread hands out
// modules one at a time, the biggest artifacts first, to whichever worker is free; workers write
// the module JSON files themselves and hand back coverage, detections and their sorted timeline
// chunks, which the main thread merges with the others when it writes timeline.csv.
// The result is the same as a serial run (a test compares them file by file); only the order
// of the progress lines differs.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { applies, isWhole } from "../acquisitions/spec-match.ts";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { describeError } from "../core/errors.ts";
import type { Coverage, Detection, InputFile, ModuleExposure } from "../core/model.ts";
import type { ModuleDef } from "../modules/contract.ts";
import { privateTempDir, privateTempRoot, removeTempDir } from "../core/tempdir.ts";
import { matcherSources } from "../indicators/matcher.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { assembleJsonArray } from "../report/json-writer.ts";
import type { ProgressFn } from "../pipeline/progress.ts";
import { resultsFileSlug, runModules, shardPart, type RunModulesOptions } from "../pipeline/run-modules.ts";
import type { FromWorker, ToWorker, WorkerSetup, WorkItem } from "./protocol.ts";
import type { CollectorPart } from "../report/html/data.ts";
import type { CheckRun, TimelineHelper } from "../report/results.ts";
import { keyOf, shardOf, takeNext } from "./queue.ts";

/** What one module (or one part of it) handed over. */
/** What a thread hands back for one module or part: its coverage, the entries it added (ctx.cover), its detections and exposure. */
type ModuleDone = { coverage: Coverage; more?: Coverage[]; detections: Detection[]; exposure: ModuleExposure[] };

/** Below this much artifact data, starting threads costs more than it saves (bench/NOTES.md). */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** Cost guessed for a module that reads the whole acquisition (the Manifest listing). */
const WHOLE_COST = 16 * 1024 * 1024;
const MAX_JOBS = 8;
/**
 * A shardable module's single file at least this big, and bigger than a thread's fair share of
 * the whole run, is split into one part per thread. A module smaller than a fair share is better
 * left whole: splitting it costs CPU and memory for no gain in time (bench/NOTES.md).
 */
const SHARD_MIN_BYTES = 8 * 1024 * 1024;
/**
 * Young generation of a worker's heap. Modules allocate a short-lived record per row; a bigger
 * nursery than V8's default cuts garbage-collection time (bench/NOTES.md).
 */
const WORKER_YOUNG_MB = Number(process.env.VIGIL_WORKER_YOUNG_MB ?? 0) || 48;

export function defaultJobs(): number {
  return Math.min(MAX_JOBS, availableParallelism());
}

/** The worker's entry: the bundled worker.js beside this chunk, or the sources through tsx. */
function workerUrl(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-tsx.mjs", import.meta.url) : new URL("./worker.js", import.meta.url);
}

function spawnWorker(): Worker {
  return new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
}

/** Worker threads started before the run (startWorkers), waiting for their setup. */
export interface StartedWorkers {
  /** One of them, or a new one if none is left or one died while waiting. */
  take(): Worker;
  /** Ends the ones not taken. */
  end(): void;
}

/**
 * Starts `count` workers now, before the acquisition is open and the indicators are loaded: a
 * worker spends about 0.3 s loading Vigil's code, which then overlaps the main thread's own
 * start instead of delaying the worker's first module (runModulesParallel takes them). While
 * they wait they do not keep the process alive. `spawn`: tests start workers of their own.
 */
export function startWorkers(count: number, spawn: () => Worker = spawnWorker): StartedWorkers {
  const idle = Array.from({ length: count }, () => {
    const w = spawn();
    const entry = { worker: w, dead: false };
    // A worker that fails before it is taken is replaced by a new one when taken.
    w.on("error", () => {});
    w.once("exit", () => (entry.dead = true));
    w.unref();
    return entry;
  });
  return {
    take() {
      for (let e = idle.shift(); e; e = idle.shift()) if (!e.dead) return e.worker;
      return spawn();
    },
    end() {
      for (const e of idle.splice(0)) void e.worker.terminate();
    },
  };
}

/** Bytes of artifact a module will read (what orders the queue, biggest first) and its file count. */
async function estimateCost(mod: ModuleDef<any>, view: AcquisitionView): Promise<{ cost: number; files: number }> {
  if (!applies(mod.reads, view)) return { cost: 0, files: 0 };
  if (isWhole(mod.reads, view)) return { cost: WHOLE_COST, files: 0 };
  try {
    const files = await view.find(mod.reads);
    return { cost: files.reduce((a, f) => a + (f.size ?? 0) + 1, 0) * (mod.costPerByte ?? 1), files: files.length };
  } catch {
    return { cost: 0, files: 0 }; // the module will report the problem itself
  }
}

export interface ParallelRun extends CheckRun {
  /** Evidence files the workers read (their views log their own reads). */
  inputs: InputFile[];
  /** Threads used. */
  jobs: number;
  /** The workers, still alive, to help write timeline.csv (writeResults). */
  helpers: TimelineHelper[];
  /** Ends the workers: call once the results are written. */
  end(): void;
}

/**
 * Runs the modules in worker threads, or returns undefined when that is not possible (the view
 * cannot be reopened, the matcher was not built from sets) or not worth it (fewer than two
 * modules with work, or less than PARALLEL_MIN_BYTES of artifact files unless `force`).
 */
export async function runModulesParallel(
  opts: RunModulesOptions & {
    jobs: number;
    force?: boolean;
    /** Tests: split shardable modules from this size. */
    shardMinBytes?: number;
    /** Tests: wait for workers that took no module (so they help write the timeline) instead of ending them. */
    keepIdle?: boolean;
    /** Workers already started (startWorkers); new ones are started when these are too few. */
    started?: StartedWorkers;
  },
): Promise<ParallelRun | undefined> {
  const { view } = opts;
  const reopen = view.reopenSpec?.();
  const indicators = matcherSources(opts.iocs);
  if (!reopen || !indicators || opts.jobs < 2) return undefined;
  const applicable = opts.modules.filter((m) => m.platform === view.platform);
  const est = new Map<string, { cost: number; files: number }>();
  for (const m of applicable) est.set(m.name, await estimateCost(m, view));
  const totalCost = [...est.values()].reduce((a, b) => a + b.cost, 0);
  // Whether threads are worth it is decided on the artifacts' real sizes: the guess for modules
  // that read the whole acquisition only orders the queue.
  const fileBytes = applicable.reduce((a, m) => a + (isWhole(m.reads, view) ? 0 : est.get(m.name)!.cost), 0);
  const withWork = applicable.filter((m) => est.get(m.name)!.cost > 0).length;
  if (withWork < 2 || (!opts.force && fileBytes < PARALLEL_MIN_BYTES)) return undefined;
  const jobs = Math.min(opts.jobs, withWork);

  const progress = opts.progress ?? (() => {});
  const prefix = opts.prefix ?? "";
  const timeline = opts.timeline ?? new TimelineStore();
  // A big single-file table of a shardable module is split into one part per thread, so that
  // the biggest module does not decide alone how long the run takes.
  const fairShare = opts.shardMinBytes === undefined ? totalCost / jobs : 0;
  const items: (WorkItem & { cost: number; i: number })[] = [];
  applicable.forEach((m, i) => {
    const { cost, files } = est.get(m.name)!;
    if (m.shardable && files === 1 && cost >= (opts.shardMinBytes ?? SHARD_MIN_BYTES) && cost > fairShare) {
      for (let k = 0; k < jobs; k++) items.push({ module: m.name, shard: { index: k, count: jobs }, cost: cost / jobs, i });
    } else items.push({ module: m.name, cost, i });
  });
  const queue: WorkItem[] = items.sort((a, b) => b.cost - a.cost || a.i - b.i || (a.shard?.index ?? 0) - (b.shard?.index ?? 0)).map(({ module, shard }) => ({ module, shard }));
  const setup: WorkerSetup = {
    reopen,
    indicators,
    outputDir: opts.outputDir,
    prefix,
    taken: opts.taken ?? [],
    tempRoot: privateTempRoot(),
    partDir: privateTempDir("parts"),
    numbering: applicable.map((m, i) => [m.name, i + 1]),
    total: applicable.length,
    queue,
    next: new SharedArrayBuffer(4),
  };
  const done = new Map<string, ModuleDone>();
  const inputs: InputFile[] = [];

  const workers: WorkerRun[] = [];
  try {
    // jobs - 1 workers; this thread is the last runner (one heap fewer than a coordinator thread).
    for (let k = 1; k < jobs; k++) workers.push(startWorker(opts.started?.take() ?? spawnWorker(), setup, opts.modules, done, timeline, inputs, progress));

    const numbering = { index: new Map(setup.numbering), total: setup.total };
    const byName = new Map(applicable.map((m) => [m.name, m]));
    let taken = 0;
    for (let item = takeNext(setup); item !== undefined; item = takeNext(setup)) {
      taken++;
      const run = await runModules({ ...opts, modules: [byName.get(item.module)!], timeline, numbering, shard: shardOf(item, setup) });
      done.set(keyOf(item), { coverage: run.coverage[0], more: run.coverage.slice(1), detections: run.detections, exposure: run.exposure });
    }
    // This thread ran every module: a worker still starting has nothing to hand over.
    if (taken === queue.length && !opts.keepIdle) for (const w of workers) if (!w.tookWork()) w.end();
    await Promise.all(workers.map((w) => w.settled));

    const coverage: Coverage[] = [];
    const detections: Detection[] = [];
    const exposure: ModuleExposure[] = [];
    const warnings: Record<string, string[]> = {};
    for (const m of applicable) {
      const parts = queue.filter((w) => w.module === m.name);
      const results = parts.map((w) => done.get(keyOf(w)) ?? { coverage: failedCoverage(opts.modules, m.name, "no thread ran it"), detections: [], exposure: [] });
      const cov = results.length === 1 ? results[0].coverage : mergePartCoverage(results.map((r) => r.coverage));
      const file = (suffix: string) => `${resultsFileSlug(m.name, view.specKey, prefix, opts.taken)}${suffix}.json`;
      if (parts.length > 1) {
        const frags = (suffix: string) => parts.map((w) => shardPart(shardOf(w, setup)!, file(suffix)));
        assembleJsonArray(join(opts.outputDir, file("")), frags(""), cov.status === "checked" || (cov.records ?? 0) > 0);
        assembleJsonArray(join(opts.outputDir, file("_detected")), frags("_detected"), false);
      }
      coverage.push(cov, ...moreCoverage(results));
      for (const r of results) {
        detections.push(...r.detections);
        exposure.push(...r.exposure);
      }
      if (cov.warnings?.length) warnings[m.name] = cov.warnings;
    }
    const helpers = workers.map((w) => w.helper()).filter((h) => h !== undefined);
    return { coverage, detections, exposure, timeline, warnings, inputs, jobs, helpers, end: () => workers.forEach((w) => w.end()) };
  } catch (e) {
    for (const w of workers) w.end();
    throw e;
  } finally {
    removeTempDir(setup.partDir);
  }
}

/** The entries a module added of its own (ctx.cover), after its own entry as in a serial run; an entry that parts of one module repeat is kept once. */
function moreCoverage(results: ModuleDone[]): Coverage[] {
  const seen = new Set<string>();
  const out: Coverage[] = [];
  for (const c of results.flatMap((r) => r.more ?? [])) {
    const k = JSON.stringify(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}

/** One coverage entry for a module run in parts: failed if a part failed, records summed. */
function mergePartCoverage(parts: Coverage[]): Coverage {
  const failed = parts.find((c) => c.status === "failed");
  const first = failed ?? parts.find((c) => c.status === "checked") ?? parts[0];
  const out: Coverage = { ...first };
  if (parts.some((c) => c.records !== undefined)) out.records = parts.reduce((a, c) => a + (c.records ?? 0), 0);
  if (parts.some((c) => c.skipped !== undefined)) out.skipped = parts.reduce((a, c) => a + (c.skipped ?? 0), 0);
  if (parts.some((c) => c.detections !== undefined)) out.detections = parts.reduce((a, c) => a + (c.detections ?? 0), 0);
  const warnings = [...new Set(parts.flatMap((c) => c.warnings ?? []))];
  if (warnings.length) out.warnings = warnings;
  else delete out.warnings;
  return out;
}

/** A worker of the run, as the main thread sees it. */
interface WorkerRun {
  /** Resolves once it handed over its results (or failed, or stopped). */
  settled: Promise<void>;
  /** Whether it took any module from the queue. */
  tookWork(): boolean;
  /** After it handed over: a helper for writing timeline.csv, while the worker is alive. */
  helper(): TimelineHelper | undefined;
  /** Ends the worker (it exits; a merge in progress is abandoned). */
  end(): void;
}

/** Gives a started worker its setup; its results are recorded in `done`. */
function startWorker(
  worker: Worker,
  setup: WorkerSetup,
  modules: ModuleDef<any>[],
  done: Map<string, ModuleDone>,
  timeline: TimelineStore,
  inputs: InputFile[],
  progress: ProgressFn,
): WorkerRun {
  const mine: string[] = [];
  let current: { key: string; module: string } | undefined;
  let handedOver = false;
  // Handed over its timeline (not "failed"): it waits for a merge to do.
  let finished = false;
  let took = false;
  let alive = true;
  let settle!: () => void;
  const settled = new Promise<void>((r) => (settle = r));
  // The merge the worker is doing (one at a time), resolved by its "merged" message or its end.
  let merging: ((r: { rows: number; part: CollectorPart } | undefined) => void) | undefined;
  const stopped = (why: string) => {
    // The module it was running fails; the ones it finished keep their files and detections,
    // but their timeline events were in its store.
    if (current !== undefined && !done.has(current.key)) {
      done.set(current.key, { coverage: failedCoverage(modules, current.module, `the worker thread running it stopped: ${why}`), detections: [], exposure: [] });
    }
    current = undefined;
    if (!handedOver) {
      for (const name of mine) {
        const c = done.get(name)!.coverage;
        c.warnings = [...(c.warnings ?? []), `its timeline events were lost: the worker thread stopped (${why})`];
      }
    }
  };
  worker.on("message", (m: FromWorker) => {
    switch (m.type) {
      case "progress":
        progress(m.line, m.transient, m.step);
        break;
      case "start":
        current = { key: m.key, module: m.module };
        took = true;
        break;
      case "module":
        current = undefined;
        done.set(m.key, { coverage: m.coverage, more: m.more, detections: JSON.parse(m.detections) as Detection[], exposure: m.exposure });
        mine.push(m.key);
        break;
      case "finished":
        handedOver = true;
        finished = true;
        if (m.timeline) timeline.adopt(m.timeline);
        inputs.push(...m.inputs);
        // Waiting for a merge or its end, it must not keep the process alive (referenced again while it merges).
        worker.unref();
        settle();
        break;
      case "failed":
        progress(`a worker thread could not open the acquisition (${m.message}); the other threads go on`);
        handedOver = true;
        settle();
        break;
      case "merged":
        worker.unref();
        merging?.("failed" in m ? undefined : { rows: m.rows, part: m.part });
        merging = undefined;
        break;
    }
  });
  worker.on("error", (e) => stopped(describeError(e)));
  worker.on("exit", (code) => {
    alive = false;
    if (code !== 0 || !handedOver) stopped(code !== 0 ? `exit code ${code}` : "it ended early");
    merging?.(undefined);
    merging = undefined;
    settle();
  });
  // Kept alive by the worker until it hands over (startWorkers unreferenced it while it waited).
  worker.ref();
  worker.postMessage({ type: "setup", setup } satisfies ToWorker);
  const end = () => {
    if (!alive) return;
    alive = false;
    worker.postMessage({ type: "end" } satisfies ToWorker);
    // A worker still opening the acquisition or running is stopped.
    if (!handedOver) void worker.terminate();
  };
  return {
    settled,
    tookWork: () => took,
    end,
    helper: () =>
      alive && finished
        ? {
            merge: (files, range, out, at, windows) =>
              new Promise((resolve) => {
                if (!alive || merging) return resolve(undefined);
                merging = resolve;
                worker.ref();
                worker.postMessage({ type: "merge", files, range, out, at, windows } satisfies ToWorker);
              }),
          }
        : undefined,
  };
}

function failedCoverage(modules: ModuleDef<any>[], name: string, reason: string): Coverage {
  const mod = modules.find((m) => m.name === name);
  return { module: name, title: mod?.title ?? name, status: "failed", reason };
}
