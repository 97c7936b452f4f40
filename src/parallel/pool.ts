// Runs a check's modules on several cores. Each worker thread opens the acquisition again (an
// iPhone backup reopens in a few milliseconds; an encrypted one with the derived key, so PBKDF2
// runs once) and builds the same indicator matcher from the same sets. The main thread hands out
// modules one at a time, the biggest artifacts first, to whichever worker is free; workers write
// the module JSON files themselves and hand back coverage, detections and their sorted timeline
// chunks, which the main thread merges with the others when it writes timeline.csv.
// The result is the same as a serial run (a test compares them file by file); only the order
// of the progress lines differs.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { applies, isWhole } from "../acquisitions/spec-match.ts";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { describeError } from "../core/errors.ts";
import type { Coverage, Detection, InputFile } from "../core/model.ts";
import type { ModuleDef } from "../core/module.ts";
import { privateTempRoot } from "../core/tempdir.ts";
import { matcherSources } from "../indicators/matcher.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { runModules, type CheckRun, type ProgressFn, type RunModulesOptions } from "../run.ts";
import type { FromWorker, WorkerSetup } from "./protocol.ts";
import { takeNext } from "./queue.ts";

/** Below this much artifact data, starting threads costs more than it saves. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Cost guessed for a module that reads the whole acquisition (the Manifest listing). */
const WHOLE_COST = 16 * 1024 * 1024;
const MAX_JOBS = 8;
/**
 * Young generation of a worker's heap. Modules allocate a short-lived record per row; a bigger
 * nursery than V8's default cuts garbage-collection time (measured on the bench backup).
 */
const WORKER_YOUNG_MB = Number(process.env.VIGIL_WORKER_YOUNG_MB ?? 0) || 48;

export function defaultJobs(): number {
  return Math.min(MAX_JOBS, availableParallelism());
}

/** The worker's entry: the bundled worker.js beside this chunk, or the sources through tsx. */
function workerUrl(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-tsx.mjs", import.meta.url) : new URL("./worker.js", import.meta.url);
}

/** Bytes of artifact a module will read: what orders the queue (biggest first). */
async function estimateCost(mod: ModuleDef<any>, view: AcquisitionView): Promise<number> {
  if (!applies(mod.reads, view)) return 0;
  if (isWhole(mod.reads, view)) return WHOLE_COST;
  try {
    const files = await view.find(mod.reads);
    return files.reduce((a, f) => a + (f.size ?? 0) + 1, 0);
  } catch {
    return 0; // the module will report the problem itself
  }
}

export interface ParallelRun extends CheckRun {
  /** Evidence files the workers read (their views log their own reads). */
  inputs: InputFile[];
  /** Threads used. */
  jobs: number;
}

/**
 * Runs the modules in worker threads, or returns undefined when that is not possible (the view
 * cannot be reopened, the matcher was not built from sets) or not worth it (fewer than two
 * modules with work, or less than PARALLEL_MIN_BYTES of artifacts unless `force`).
 */
export async function runModulesParallel(opts: RunModulesOptions & { jobs: number; force?: boolean }): Promise<ParallelRun | undefined> {
  const { view } = opts;
  const reopen = view.reopenSpec?.();
  const indicators = matcherSources(opts.iocs);
  if (!reopen || !indicators || opts.jobs < 2) return undefined;
  const applicable = opts.modules.filter((m) => m.platform === view.platform);
  const cost = new Map<string, number>();
  for (const m of applicable) cost.set(m.name, await estimateCost(m, view));
  const totalCost = [...cost.values()].reduce((a, b) => a + b, 0);
  const withWork = applicable.filter((m) => cost.get(m.name)! > 0).length;
  if (withWork < 2 || (!opts.force && totalCost < PARALLEL_MIN_BYTES)) return undefined;
  const jobs = Math.min(opts.jobs, withWork);

  const progress = opts.progress ?? (() => {});
  const prefix = opts.prefix ?? "";
  const timeline = opts.timeline ?? new TimelineStore();
  const queue = applicable
    .map((m, i) => ({ name: m.name, i, cost: cost.get(m.name)! }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i)
    .map((x) => x.name);
  const setup: WorkerSetup = {
    reopen,
    indicators,
    outputDir: opts.outputDir,
    prefix,
    tempRoot: privateTempRoot(),
    numbering: applicable.map((m, i) => [m.name, i + 1]),
    total: applicable.length,
    queue,
    next: new SharedArrayBuffer(4),
  };
  const done = new Map<string, { coverage: Coverage; detections: Detection[] }>();
  const inputs: InputFile[] = [];

  // jobs - 1 workers; this thread is the last runner (one heap fewer than a coordinator thread).
  const exited: Promise<void>[] = [];
  for (let k = 1; k < jobs; k++) exited.push(startWorker(setup, opts.modules, done, timeline, inputs, progress));

  const numbering = { index: new Map(setup.numbering), total: setup.total };
  const byName = new Map(applicable.map((m) => [m.name, m]));
  for (let name = takeNext(setup); name !== undefined; name = takeNext(setup)) {
    const run = await runModules({ ...opts, modules: [byName.get(name)!], timeline, numbering });
    done.set(name, { coverage: run.coverage[0], detections: run.detections });
  }
  await Promise.all(exited);

  const coverage: Coverage[] = [];
  const detections: Detection[] = [];
  const warnings: Record<string, string[]> = {};
  for (const m of applicable) {
    const r = done.get(m.name) ?? { coverage: failedCoverage(opts.modules, m.name, "no thread ran it"), detections: [] };
    coverage.push(r.coverage);
    detections.push(...r.detections);
    if (r.coverage.warnings?.length) warnings[m.name] = r.coverage.warnings;
  }
  return { coverage, detections, timeline, warnings, inputs, jobs };
}

/** Starts one worker; resolves when it has exited, its results recorded in `done`. */
function startWorker(
  setup: WorkerSetup,
  modules: ModuleDef<any>[],
  done: Map<string, { coverage: Coverage; detections: Detection[] }>,
  timeline: TimelineStore,
  inputs: InputFile[],
  progress: ProgressFn,
): Promise<void> {
  return new Promise((exited) => {
    const worker = new Worker(workerUrl(), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const mine: string[] = [];
    let current: string | undefined;
    let handedOver = false;
    const stopped = (why: string) => {
      // The module it was running fails; the ones it finished keep their files and detections,
      // but their timeline events were in its store.
      if (current !== undefined && !done.has(current)) {
        done.set(current, { coverage: failedCoverage(modules, current, `the worker thread running it stopped: ${why}`), detections: [] });
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
          progress(m.line, m.transient);
          break;
        case "start":
          current = m.module;
          break;
        case "module":
          current = undefined;
          done.set(m.module, { coverage: m.coverage, detections: JSON.parse(m.detections) as Detection[] });
          mine.push(m.module);
          break;
        case "finished":
          handedOver = true;
          if (m.timeline) timeline.adopt(m.timeline);
          inputs.push(...m.inputs);
          break;
        case "failed":
          progress(`a worker thread could not open the acquisition (${m.message}); the other threads go on`);
          handedOver = true;
          break;
      }
    });
    worker.on("error", (e) => stopped(describeError(e)));
    worker.on("exit", (code) => {
      if (code !== 0 || !handedOver) stopped(code !== 0 ? `exit code ${code}` : "it ended early");
      exited();
    });
  });
}

function failedCoverage(modules: ModuleDef<any>[], name: string, reason: string): Coverage {
  const mod = modules.find((m) => m.name === name);
  return { module: name, title: mod?.title ?? name, status: "failed", reason };
}
