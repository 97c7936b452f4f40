// A whole check: open the acquisition (told what the modules will read), load the indicators
// meanwhile, run the modules on each view (in worker threads when the acquisition is big), then
// write the results folder and the report, print the summary, and give the exit code.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { mergeSpecs } from "../acquisitions/spec-match.ts";
import type { AcquisitionView, ArtifactSpec } from "../acquisitions/view.ts";
import { describeError, VigilError } from "../core/errors.ts";
import type { Coverage, Detection, InputFile, ModuleExposure, RunInfo } from "../core/model.ts";
import { redactArgs } from "../core/secret-args.mjs";
import { runtimeInfo, VERSION } from "../core/version.ts";
import { datasetsForCheck } from "../indicators/datasets.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import type { ModuleDef } from "../modules/contract.ts";
import { deviceExposure } from "../rules/device-exposure.ts";
import { deviceFlawExposure } from "../rules/exploited-flaws.ts";
import { allModules, modulesFor } from "../modules/registry.ts";
import { exportResults } from "../report/export.ts";
import { writeHtmlReport } from "../report/html/index.ts";
import { pickLanguage } from "../core/i18n/index.ts";
import { writeResults, type TimelineHelper } from "../report/results.ts";
import { formatSummary } from "../report/summary.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { defaultJobs, PARALLEL_MIN_BYTES, runModulesParallel, startWorkers, type StartedWorkers } from "../parallel/pool.ts";
import { CommandLog } from "./command-log.ts";
import { mergeCoverage, refusedCoverage } from "./coverage.ts";
import { checkOutputDir, claimOutputDir, defaultOutputDir } from "./output-dir.ts";
import { makeProgress, PROGRESS_FORMATS, type ProgressFn } from "./progress.ts";
import { resultsFileSlug, runModules } from "./run-modules.ts";

/** What a check is asked to do (the check-* commands' shared options). */
export interface CheckOptions {
  iocs?: string[];
  output?: string;
  json?: boolean;
  lang?: string;
  quiet?: boolean;
  report?: boolean;
  /** Also write timesketch.jsonl into the results folder (report/export-timesketch.ts). */
  timesketch?: boolean;
  module?: string[];
  jobs?: string;
  /** false: print nothing on stdout (a case command prints the case's summary instead). */
  printSummary?: boolean;
  /** "json": progress as JSON lines on stderr, even with --json (for programs such as `vigil app`). */
  progress?: string;
}

/** The progress the options ask for: JSON lines with --progress json, else text unless --quiet or --json. */
export function progressFor(opts: CheckOptions): ProgressFn {
  return opts.progress === "json" ? makeProgress(opts.quiet, "json") : makeProgress(opts.quiet || opts.json);
}

/**
 * Opens the acquisition, given what the modules of the run read (their `reads` merged): the main
 * view, or the main view and nested ones (an androidqf bundle's backup and bugreport) whose module
 * outputs are prefixed with `prefix`.
 */
export type OpenAcquisition = (wanted: ArtifactSpec) => Promise<AcquisitionView | { view: AcquisitionView; prefix?: string }[]>;

export interface CheckOutcome {
  exitCode: number;
  outputDir: string;
  detections: Detection[];
  coverage: Coverage[];
}

/** Runs a whole check of the acquisition at `inputPath`, opened by `open`. */
export async function runCheck(
  kind: string,
  inputPath: string,
  open: OpenAcquisition,
  opts: CheckOptions,
  extra: {
    iocs?: Matcher;
    /** Bytes of artifacts the acquisition likely holds, guessed before it is opened (see startWorkers). */
    expectedBytes?: () => number;
    /** The acquisition is `vigil demo`'s synthetic backup: info.json and the report say so. */
    demo?: boolean;
  } = {},
): Promise<CheckOutcome> {
  const log = new CommandLog(process.argv.slice(2));
  const progress = log.tee(progressFor(opts));
  const started = new Date().toISOString();
  // Without --output, the folder is named after the time and made unique when it is created.
  const unique = opts.output === undefined;
  const outputDir = resolve(opts.output ?? defaultOutputDir(kind));
  checkOutputDir(outputDir, [inputPath], { unique });
  checkOptions(opts);
  const jobs = opts.jobs === undefined ? defaultJobs() : Number(opts.jobs);
  // Worker threads load Vigil's code while this thread opens the acquisition, when the run will
  // likely use them: --jobs given, or artifacts big enough for threads (runModulesParallel).
  const early = jobs > 1 && (opts.jobs !== undefined || (extra.expectedBytes?.() ?? 0) >= PARALLEL_MIN_BYTES) ? startWorkers(jobs - 1) : undefined;
  try {
    return await checkOpened(inputPath, open, opts, extra.iocs, { progress, log, started, outputDir, unique, jobs, early, demo: extra.demo });
  } finally {
    early?.end();
  }
}

/** runCheck, from the opening of the acquisition on. */
async function checkOpened(
  inputPath: string,
  open: OpenAcquisition,
  opts: CheckOptions,
  iocs: Matcher | undefined,
  setup: { progress: ProgressFn; log: CommandLog; started: string; outputDir: string; unique: boolean; jobs: number; early: StartedWorkers | undefined; demo?: boolean },
): Promise<CheckOutcome> {
  const { progress, log, started, jobs, early } = setup;
  // The opener extracts from an archive, in its first pass, what the modules of the run read.
  const wanted = mergeSpecs(selectedModules(opts, allModules).map((m) => m.reads));
  // The acquisition is opened first, so a wrong password or a path that is not an acquisition
  // fails before any output. The indicators load while the opening waits on its own work (key
  // derivation and file copies run off the main thread); their result is used only once the
  // acquisition is open.
  const opening = open(wanted);
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
  if (opts.module?.length && selectedModules(opts, modulesFor(main.platform)).length === 0) {
    for (const { view } of views) await view.close();
    throw new VigilError(`--module ${opts.module.join(", ")}: no such module for an ${main.platform} acquisition (see "vigil modules")`, { code: "usage" });
  }
  const claim = claimOutputDir(setup.outputDir, "info.json", { unique: setup.unique });
  const outputDir = claim.dir;

  const timeline = new TimelineStore();
  const workerInputs: InputFile[] = [];
  // Worker threads stay alive after the modules, to help write timeline.csv.
  const helpers: TimelineHelper[] = [];
  const endWorkers: (() => void)[] = [];
  let threads = 1;
  const coverage: Coverage[] = [];
  const detections: Detection[] = [];
  // What the phone was open to: from the device information first, then from the modules.
  const exposure: ModuleExposure[] = [...deviceExposure(main.device), ...deviceFlawExposure(main.device)].map((e) => ({ ...e, module: "device" }));
  const warnings: Record<string, string[]> = {};
  try {
    const perView: { prefix: string; coverage: Coverage[] }[] = [];
    // Results files the earlier views wrote: a nested view's file of the same name is prefixed.
    const taken: string[] = [];
    for (const { view, prefix } of views) {
      const modules = selectedModules(opts, modulesFor(view.platform));
      const base = { view, modules, iocs: loaded.matcher, outputDir, progress, timeline, prefix, taken: [...taken], wanted };
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
      for (const c of run.coverage) if (c.status === "checked" || (c.records ?? 0) > 0) taken.push(resultsFileSlug(c.module, view.specKey, prefix, taken));
      detections.push(...run.detections);
      exposure.push(...run.exposure);
    }
    for (const c of mergeCoverage(perView)) {
      coverage.push(c);
      if (c.warnings?.length) warnings[c.module] = c.warnings;
    }
    for (const { view, prefix } of views) {
      const refused = refusedCoverage(view, prefix ?? "");
      if (refused) coverage.push(refused);
    }
    // Archive and folder views hash their inputs in the background; wait so provenance is complete.
    for (const { view } of views) await (view as { settled?: () => Promise<void> }).settled?.();
    const inputs = mergeInputs([...views.flatMap((v) => v.view.inputsRead()), ...workerInputs]);
    // Always shown, --quiet or not: results from a file that changed under the check.
    for (const i of inputs) if (i.error) process.stderr.write(`vigil: warning: ${i.path}: ${i.error}\n`);
    const info: RunInfo = {
      tool: "vigil",
      version: VERSION,
      // Secrets given as options are recorded as "***" (and so shown in report.html).
      command: redactArgs(process.argv.slice(2)),
      started,
      finished: new Date().toISOString(),
      acquisition: { kind: main.kind, path: resolve(inputPath), encrypted: main.encrypted },
      ...(setup.demo ? { demo: true } : {}),
      device: main.device,
      inputs,
      iocs: { snapshot: loaded.snapshot, ...("snapshot_message" in loaded && loaded.snapshot_message ? { snapshot_message: loaded.snapshot_message } : {}), sets: loaded.sets, errors: loaded.problems },
      lang: opts.lang,
      threads,
      runtime: runtimeInfo(),
      // Dated at the check's start, so that a re-run of old evidence judges the data it had then.
      datasets: datasetsForCheck(new Date(started), { iocs: opts.iocs?.filter((p) => p.trim() !== "") }),
    };
    const written = await writeResults(outputDir, { coverage, detections, exposure, timeline, warnings }, info, helpers);
    let reportPath: string | undefined;
    if (opts.report !== false) {
      try {
        reportPath = await writeHtmlReport(outputDir, { lang: opts.lang, data: written.reportData });
      } catch (e) {
        // Said even with --quiet: the results are there, the page is not.
        process.stderr.write(`vigil: warning: report.html could not be written: ${describeError(e)}\n`);
      }
    }
    if (opts.timesketch) await exportResults(outputDir, "timesketch", { out: join(outputDir, "timesketch.jsonl") });
    log.write(outputDir);
    claim.keep();
    if (opts.printSummary === false) {
      // The caller reports.
    } else if (opts.json) {
      process.stdout.write(JSON.stringify({ ...written.summary, report: reportPath }, null, 2) + "\n");
    } else {
      process.stdout.write(formatSummary(written.summary, { reportPath, topDetections: written.detections, lang: pickLanguage(opts.lang), device: main.device, datasets: info.datasets }) + "\n");
    }
    return { exitCode: written.summary.exitCode, outputDir, detections: written.detections, coverage };
  } catch (e) {
    // No partial results left to look finished: what this check wrote is removed (once no
    // worker thread can write there any more).
    for (const end of endWorkers) end();
    claim.discard();
    throw e;
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
function checkOptions(opts: CheckOptions): void {
  if (opts.lang !== undefined) pickLanguage(opts.lang);
  if (opts.progress !== undefined && !(PROGRESS_FORMATS as readonly string[]).includes(opts.progress)) {
    throw new VigilError(`--progress ${opts.progress}: expected ${PROGRESS_FORMATS.join(" or ")}`, { code: "usage" });
  }
  const unknown = (opts.module ?? []).filter((n) => !allModules.some((m) => m.name === n));
  if (unknown.length) throw new VigilError(`unknown module ${unknown.map((n) => JSON.stringify(n)).join(", ")} (see "vigil modules")`, { code: "usage" });
  if (opts.jobs !== undefined && !/^[1-9]\d*$/.test(opts.jobs)) throw new VigilError(`--jobs ${opts.jobs}: expected a whole number of threads, 1 or more`, { code: "usage" });
  const missing = (opts.iocs ?? []).filter((p) => p.trim() !== "" && !existsSync(p));
  if (missing.length) throw new VigilError("--iocs: no such file or folder", { file: missing.join(", "), code: "usage" });
}

/** The modules --module names (all of them without it), on a given platform or any. */
function selectedModules(opts: CheckOptions, modules: ModuleDef<any>[]): ModuleDef<any>[] {
  return opts.module?.length ? modules.filter((m) => opts.module!.includes(m.name)) : modules;
}
