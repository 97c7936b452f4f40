// What every check-* command shares: options, loading indicators, running the modules on one
// or more views, writing the results folder and the report, the terminal summary and exit code.
import type { Command } from "commander";
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { describeError, VigilError } from "../core/errors.ts";
import type { Coverage, Detection, InputFile, RunInfo } from "../core/model.ts";
import { EXIT } from "../core/model.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import { allModules, modulesFor } from "../modules/registry.ts";
import { pickLanguage } from "../report/i18n/index.ts";
import { writeHtmlReport } from "../report/html/index.ts";
import { writeResults, type TimelineHelper } from "../report/results.ts";
import { formatSummary } from "../report/summary.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { defaultJobs, PARALLEL_MIN_BYTES, runModulesParallel, startWorkers, type StartedWorkers } from "../parallel/pool.ts";
import { runModules, type ProgressFn } from "../run.ts";
import { runtimeInfo, VERSION } from "../core/version.ts";

export interface CheckCliOptions {
  iocs?: string[];
  output?: string;
  json?: boolean;
  lang?: string;
  quiet?: boolean;
  report?: boolean;
  module?: string[];
  jobs?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest indicator snapshot", collect)
    .option("-o, --output <dir>", "results folder (default: ./vigil-results/<kind>-<time>)")
    .option("-m, --module <name>", "run only this module (repeatable)", collect)
    .option("-j, --jobs <n>", "threads running modules (default: one per CPU core, for big acquisitions; 1: no worker threads)")
    .option("--json", "print the summary as JSON on stdout")
    .option("--lang <code>", "report language (en, fr); default: from the system locale")
    .option("--no-report", "do not write report.html")
    .option("-q, --quiet", "no progress on stderr");
}

export function makeProgress(quiet?: boolean): ProgressFn {
  const tty = process.stderr.isTTY;
  let transientShown = false;
  return (line, transient) => {
    if (quiet) return;
    if (transient) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      transientShown = true;
      return;
    }
    if (transientShown) process.stderr.write("\r\x1b[K");
    transientShown = false;
    process.stderr.write(line + "\n");
  };
}

function defaultOutputDir(kind: string): string {
  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  return resolve("vigil-results", `${kind}-${stamp}`);
}

/** Refuses an output folder inside the evidence: evidence is never written to. */
function checkOutputDir(out: string, inputs: string[]): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const o = real(out);
  for (const input of inputs) {
    const i = real(input);
    if (o === i || o.startsWith(i + sep)) throw new VigilError("the results folder must not be inside the evidence", { file: out, code: "usage" });
  }
  let up = resolve(out);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new VigilError("not a folder", { file: up, code: "usage" });
  if (existsSync(out) && readdirSync(out).some((f) => f === "info.json")) {
    throw new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });
  }
}

/**
 * Creates the results folder one level at a time: Node's recursive mkdir spins forever where
 * mkdir answers ENOENT for an existing parent (under /proc, for one), and the user gets no error.
 */
export function makeOutputDir(out: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = resolve(out); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, mode);
    } catch (e) {
      throw new VigilError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  }
}

export interface CheckOutcome {
  exitCode: number;
  outputDir: string;
  detections: Detection[];
  coverage: Coverage[];
}

/**
 * Runs a whole check. `open` returns the main view, plus nested ones (an androidqf bundle's
 * backup and bugreport) whose module outputs are prefixed with `prefix`.
 */
export async function runCheck(
  kind: string,
  inputPath: string,
  open: () => Promise<AcquisitionView | { view: AcquisitionView; prefix?: string }[]>,
  opts: CheckCliOptions,
  extra: {
    iocs?: Matcher;
    /** Bytes of artifacts the acquisition likely holds, guessed before it is opened (see startWorkers). */
    expectedBytes?: () => number;
  } = {},
): Promise<CheckOutcome> {
  const progress = makeProgress(opts.quiet || opts.json);
  const started = new Date().toISOString();
  const outputDir = resolve(opts.output ?? defaultOutputDir(kind));
  checkOutputDir(outputDir, [inputPath]);
  checkOptions(opts);
  const jobs = opts.jobs === undefined ? defaultJobs() : Number(opts.jobs);
  // Worker threads load Vigil's code while this thread opens the acquisition, when the run will
  // likely use them: --jobs given, or artifacts big enough for threads (runModulesParallel).
  const early = jobs > 1 && (opts.jobs !== undefined || (extra.expectedBytes?.() ?? 0) >= PARALLEL_MIN_BYTES) ? startWorkers(jobs - 1) : undefined;
  try {
    return await checkOpened(inputPath, open, opts, extra.iocs, { progress, started, outputDir, jobs, early });
  } finally {
    early?.end();
  }
}

/** runCheck, from the opening of the acquisition on. */
async function checkOpened(
  inputPath: string,
  open: () => Promise<AcquisitionView | { view: AcquisitionView; prefix?: string }[]>,
  opts: CheckCliOptions,
  iocs: Matcher | undefined,
  setup: { progress: ProgressFn; started: string; outputDir: string; jobs: number; early: StartedWorkers | undefined },
): Promise<CheckOutcome> {
  const { progress, started, outputDir, jobs, early } = setup;
  // The acquisition is opened first, so a wrong password or a path that is not an acquisition
  // fails before any output. The indicators load while the opening waits on its own work (key
  // derivation and file copies run off the main thread); their result is used only once the
  // acquisition is open.
  const opening = open();
  opening.catch(() => {}); // awaited below; a rejection must not count as unhandled meanwhile
  let loaded: Awaited<ReturnType<typeof loadIndicatorsForRun>> | { matcher: Matcher; sets: Matcher["sets"]; problems: string[]; snapshot: undefined } | undefined;
  let loadError: unknown;
  try {
    loaded = iocs ? { matcher: iocs, sets: iocs.sets, problems: [] as string[], snapshot: undefined } : await loadIndicatorsForRun(opts.iocs);
  } catch (e) {
    loadError = e;
  }
  const opened = await opening;
  const views = Array.isArray(opened) ? opened : [{ view: opened, prefix: "" }];
  const main = views[0].view;
  if (!loaded) {
    for (const { view } of views) await view.close();
    throw loadError;
  }
  progress(`Checking ${main.kind.replace(/_/g, " ")} ${main.root}${main.encrypted ? " (encrypted)" : ""}`);
  for (const p of loaded.problems.slice(0, 20)) progress(`indicators: ${p}`);
  if (loaded.problems.length > 20) progress(`indicators: ... ${loaded.problems.length - 20} more problems (see info.json)`);
  progress(`Indicators: ${loaded.sets.length} sets, ${loaded.matcher.count()} indicators${loaded.snapshot ? ` (${loaded.snapshot})` : ""}`);
  if (opts.iocs?.length && loaded.matcher.count() === 0) {
    // A mistyped or unreadable --iocs must not turn into a "no known traces" verdict.
    for (const { view } of views) await view.close();
    throw new VigilError("no indicators could be loaded from the files given with --iocs", { file: opts.iocs.join(", "), code: "input" });
  }
  if (opts.module?.length && !modulesFor(main.platform).some((m) => opts.module!.includes(m.name))) {
    for (const { view } of views) await view.close();
    throw new VigilError(`--module ${opts.module.join(", ")}: no such module for an ${main.platform} acquisition (see "vigil modules")`, { code: "usage" });
  }
  makeOutputDir(outputDir);

  const timeline = new TimelineStore();
  const workerInputs: InputFile[] = [];
  // Worker threads stay alive after the modules, to help write timeline.csv.
  const helpers: TimelineHelper[] = [];
  const endWorkers: (() => void)[] = [];
  let threads = 1;
  const coverage: Coverage[] = [];
  const detections: Detection[] = [];
  const warnings: Record<string, string[]> = {};
  try {
    const perView: { prefix: string; coverage: Coverage[] }[] = [];
    for (const { view, prefix } of views) {
      let modules = modulesFor(view.platform);
      if (opts.module?.length) modules = modules.filter((m) => opts.module!.includes(m.name));
      const base = { view, modules, iocs: loaded.matcher, outputDir, progress, timeline, prefix };
      const parallel = jobs > 1 ? await runModulesParallel({ ...base, jobs, force: opts.jobs !== undefined, started: early }) : undefined;
      // Started workers the first view did not use would only hold memory.
      early?.end();
      const run = parallel ?? (await runModules(base));
      if (parallel) {
        workerInputs.push(...parallel.inputs);
        helpers.push(...parallel.helpers);
        endWorkers.push(parallel.end);
      }
      threads = Math.max(threads, parallel?.jobs ?? 1);
      perView.push({ prefix: prefix ?? "", coverage: run.coverage });
      detections.push(...run.detections);
    }
    for (const c of mergeCoverage(perView)) {
      coverage.push(c);
      if (c.warnings?.length) warnings[c.module] = c.warnings;
    }
    // Unsafe archive members were never read: what they held could not be checked.
    for (const { view, prefix } of views) {
      const refused = (view as { refused?: () => { entry: string; reason: string }[] }).refused?.() ?? [];
      if (refused.length) {
        coverage.push({
          module: `${prefix ?? ""}unsafe_archive_entries`,
          title: "Unsafe archive entries (refused, never read)",
          status: "failed",
          reason: `${view.root}: ${refused.length} unsafe entr${refused.length === 1 ? "y" : "ies"} refused, e.g. ${JSON.stringify(refused[0].entry)}: ${refused[0].reason}`,
          warnings: refused.slice(0, 50).map((r) => `${JSON.stringify(r.entry)}: ${r.reason}`),
        });
      }
    }
    // Archive and folder views hash their inputs in the background; wait so provenance is complete.
    for (const { view } of views) await (view as { settled?: () => Promise<void> }).settled?.();
    const inputs = mergeInputs([...views.flatMap((v) => v.view.inputsRead()), ...workerInputs]);
    // Always shown, --quiet or not: results from a file that changed under the check.
    for (const i of inputs) if (i.error) process.stderr.write(`vigil: warning: ${i.path}: ${i.error}\n`);
    const info: RunInfo = {
      tool: "vigil",
      version: VERSION,
      command: process.argv.slice(2),
      started,
      finished: new Date().toISOString(),
      acquisition: { kind: main.kind, path: resolve(inputPath), encrypted: main.encrypted },
      device: main.device,
      inputs,
      iocs: { snapshot: loaded.snapshot, sets: loaded.sets, errors: loaded.problems },
      lang: opts.lang,
      threads,
      runtime: runtimeInfo(),
    };
    const written = await writeResults(outputDir, { coverage, detections, timeline, warnings }, info, helpers);
    let reportPath: string | undefined;
    if (opts.report !== false) {
      try {
        reportPath = await writeHtmlReport(outputDir, { lang: opts.lang, data: written.reportData });
      } catch (e) {
        progress(`report.html could not be written: ${describeError(e)}`);
      }
    }
    if (opts.json) {
      process.stdout.write(JSON.stringify({ ...written.summary, report: reportPath }, null, 2) + "\n");
    } else {
      process.stdout.write(formatSummary(written.summary, { reportPath, topDetections: written.detections }) + "\n");
    }
    return { exitCode: written.summary.exitCode, outputDir, detections: written.detections, coverage };
  } finally {
    for (const end of endWorkers) end();
    timeline.close();
    for (const { view } of views) await view.close();
  }
}

/** One entry per evidence file, by path: the same list whether modules ran in one thread or several. */
function mergeInputs(inputs: InputFile[]): InputFile[] {
  const seen = new Map<string, InputFile>();
  // A file one thread hashed and another could not (it vanished in between) keeps its hash.
  for (const i of inputs) if (!seen.has(i.path) || (seen.get(i.path)!.error && !i.error)) seen.set(i.path, i);
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Rejects options that would otherwise produce a misleading result, before any work. */
function checkOptions(opts: CheckCliOptions): void {
  if (opts.lang !== undefined) pickLanguage(opts.lang);
  const unknown = (opts.module ?? []).filter((n) => !allModules.some((m) => m.name === n));
  if (unknown.length) throw new VigilError(`unknown module ${unknown.map((n) => JSON.stringify(n)).join(", ")} (see "vigil modules")`, { code: "usage" });
  if (opts.jobs !== undefined && !/^[1-9]\d*$/.test(opts.jobs)) throw new VigilError(`--jobs ${opts.jobs}: expected a whole number of threads, 1 or more`, { code: "usage" });
  const missing = (opts.iocs ?? []).filter((p) => p.trim() !== "" && !existsSync(p));
  if (missing.length) throw new VigilError("--iocs: no such file or folder", { file: missing.join(", "), code: "usage" });
}

/**
 * One coverage list for a check made of several views (an androidqf bundle and the backup or
 * bugreport inside it). Each view lists every module of its platform, so a module that one view
 * checked would also appear as "not applicable" from the others: those entries are dropped.
 * A module checked (or absent, or failed) in more than one view keeps one entry per view, the
 * nested ones named with their output-file prefix (backup_sms, as backup_sms.json).
 */
export function mergeCoverage(perView: { prefix: string; coverage: Coverage[] }[]): Coverage[] {
  const relevant = new Map<string, number>();
  for (const { coverage } of perView) for (const c of coverage) if (c.status !== "not_applicable") relevant.set(c.module, (relevant.get(c.module) ?? 0) + 1);
  const out: Coverage[] = [];
  const seen = new Set<string>();
  for (const { prefix, coverage } of perView) {
    for (const c of coverage) {
      const n = relevant.get(c.module) ?? 0;
      if (c.status === "not_applicable") {
        if (n > 0 || seen.has(c.module)) continue;
        seen.add(c.module);
        out.push(c);
        continue;
      }
      out.push(n > 1 && prefix ? { ...c, module: `${prefix}${c.module}` } : c);
    }
  }
  return out;
}

/** Wraps a command action: one-line errors, documented exit codes, stack only with VIGIL_DEBUG. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (e) {
      if (process.env.VIGIL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.stderr.write(`vigil: error: ${describeError(e)}\n`);
      process.exitCode = e instanceof VigilError && e.code === "usage" ? EXIT.usage : EXIT.error;
    }
  };
}
