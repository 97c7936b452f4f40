// Re-checking a previous results folder (Vigil's or MVT's) against the current indicators
// (`vigil check-iocs`), writing into a new folder and never into the input.
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeError, VigilError } from "../core/errors.ts";
import { english, msg, pickLanguage } from "../core/i18n/index.ts";
import { PARTIAL_SUFFIX, guardOutput, partialPath, writeOutputFile } from "../core/output-file.ts";
import { COVERAGE_FILE, readResultsFile } from "../core/results-schema.ts";
import { realPath } from "../core/real-path.ts";
import { isRegularFile } from "../core/regular-file.ts";
import type { Coverage, Detection, DeviceInfo, Exposure, InformationalAlert, RunInfo, Summary } from "../core/model.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";
import { recheckResults } from "../indicators/recheck.ts";
import { moduleOfSlug } from "../modules/mvt-names.ts";
import { alertsJson, alertsTimelineCsv } from "../report/alerts.ts";
import { informationalAlerts } from "../report/exposure.ts";
import { exportResults } from "../report/export.ts";
import { writeHtmlReport } from "../report/html/index.ts";
import { withMvtInfoFields } from "../report/info.ts";
import { datasetsForCheck } from "../indicators/datasets.ts";
import { loadResults } from "../report/load-results.ts";
import { writeJson } from "../report/results.ts";
import { timelineIsIso, writeTimelineInMvtForm } from "../report/timeline-copy.ts";
import { formatSummary, sortDetections, summarize } from "../report/summary.ts";
import { redactArgs } from "../core/secret-args.mjs";
import { runtimeInfo, VERSION } from "../core/version.ts";
import { CommandLog } from "./command-log.ts";
import { claimOutputDir } from "./output-dir.ts";
import { recheckWithModules } from "./recheck-modules.ts";
import { refuseIfLocked } from "../core/output-lock.ts";
import { makeProgress, PROGRESS_FORMATS, type ProgressFormat } from "./progress.ts";

export interface CheckIocsOptions {
  iocs?: string[];
  output?: string;
  json?: boolean;
  quiet?: boolean;
  /** Also write timesketch.jsonl (report/export-timesketch.ts). */
  timesketch?: boolean;
  /** "json": progress as JSON Lines on stderr (pipeline/progress.ts). */
  progress?: string;
  /** Language of the terminal summary (and of the report built later from info.json's lang). */
  lang?: string;
}

export async function checkIocs(resultsDir: string, opts: CheckIocsOptions, now = new Date()): Promise<{ exitCode: number; outputDir: string }> {
  const input = resolve(resultsDir);
  if (opts.lang !== undefined) pickLanguage(opts.lang);
  if (!existsSync(input) || !statSync(input).isDirectory()) throw new VigilError("not a results folder (expected a folder of <module>.json files)", { file: input, code: "usage" });
  const stamp = now.toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  const outputDir = resolve(opts.output ?? join(input, `check-iocs-${stamp}`));
  // The default sits inside the results folder as a new subfolder; anywhere else, refuse to
  // overwrite a previous run.
  if (existsSync(outputDir) && readdirSync(outputDir).some((n) => n === "alerts.json")) {
    throw new VigilError("folder already holds check-iocs results; choose another --output", { file: outputDir, code: "usage" });
  }
  if (existsSync(outputDir)) refuseIfLocked(outputDir);
  if (realPath(outputDir) === realPath(input)) {
    throw new VigilError("the output folder must not be the results folder being re-checked", { file: outputDir, code: "usage" });
  }
  const missing = (opts.iocs ?? []).filter((p) => p.trim() !== "" && !existsSync(p));
  if (missing.length) throw new VigilError("--iocs: no such file or folder", { file: missing.join(", "), code: "usage" });
  const log = new CommandLog(["check-iocs", ...process.argv.slice(3)]);
  if (opts.progress !== undefined && !PROGRESS_FORMATS.includes(opts.progress as ProgressFormat)) throw new VigilError(`--progress ${opts.progress}: expected ${PROGRESS_FORMATS.join(" or ")}`, { code: "usage" });
  const progress = log.tee(opts.progress === "json" ? makeProgress(opts.quiet, "json") : makeProgress(opts.quiet || opts.json));
  const started = now.toISOString();
  const loaded = await loadIndicatorsForRun(opts.iocs);
  for (const p of loaded.problems.slice(0, 20)) progress(`indicators: ${p}`);
  progress(`Indicators: ${loaded.sets.length} sets, ${loaded.matcher.count()} indicators${loaded.snapshot ? ` (${loaded.snapshot})` : ""}`);
  if (opts.iocs?.length && loaded.matcher.count() === 0) {
    throw new VigilError("no indicators could be loaded from the files given with --iocs", { file: opts.iocs.join(", "), code: "input" });
  }

  const r = recheckResults(input, loaded.matcher, moduleOfSlug);
  if (r.modules.length === 0) throw new VigilError("holds no module JSON files to re-check", { file: input, code: "usage" });
  // Vigil's own results: each module's records go through that module's check again.
  if (r.producer === "vigil") await recheckWithModules(input, originalKind(input), r, loaded.matcher);
  progress(`Re-checking ${r.producer === "vigil" ? "Vigil" : "MVT"} results in ${input}: ${r.modules.length} module files`);
  const claim = claimOutputDir(outputDir, "alerts.json");
  let summary: Summary;
  let carried: ReturnType<typeof carriedOver>;
  let detections: Detection[];
  let reportPath: string | undefined;
  const datasets = datasetsForCheck(now, { iocs: opts.iocs?.filter((p) => p.trim() !== "") });
  try {
    for (const m of r.modules) {
      if (m.detectedRecords.length > 0) writeJson(join(outputDir, `${m.file.slice(0, -5)}_detected.json`), m.detectedRecords);
      const what = m.coverage.status === "checked" ? `${m.records} records${m.detections.length ? `, ${m.detections.length} detections` : ""}` : `FAILED: ${m.coverage.reason}`;
      progress(`  ${m.module}: ${what}`);
    }
    // What the original run could not check is still unchecked: carry it over, so a re-check
    // of an incomplete run is not reported as complete.
    for (const c of originalGaps(input, r.producer)) {
      const message = msg("coverage.reason.original_gap", { reason: c.reason_message ?? c.reason ?? msg("coverage.reason.failed") });
      const gap = { status: "failed" as const, reason: english(message), reason_message: message };
      const again = r.coverage.find((x) => x.module === c.module);
      if (again) Object.assign(again, gap);
      else r.coverage.push({ module: c.module, title: c.title ?? c.module, ...gap });
    }
    // Behaviour signs, exposure and informational entries do not depend on the indicators: they
    // are carried over from the results as they were (MVT's alerts mapped by kind and level).
    carried = carriedOver(input, r.coverage);
    detections = sortDetections([...r.detections, ...carried.detections]);
    const alerts = alertsJson(detections, [...informationalAlerts(carried.exposure), ...carried.informational]);
    writeJson(join(outputDir, "alerts.json"), alerts);
    writeOutputFile(join(outputDir, "alerts_timeline.csv"), alertsTimelineCsv(alerts));
    writeJson(join(outputDir, "coverage.json"), r.coverage);
    writeJson(join(outputDir, "exposure.json"), carried.exposure);
    const info: RunInfo = {
      tool: "vigil",
      version: VERSION,
      command: ["check-iocs", ...redactArgs(process.argv.slice(3))],
      started,
      finished: new Date().toISOString(),
      acquisition: { kind: r.producer === "vigil" ? "vigil_results" : "mvt_results", path: input, encrypted: false, ...(carried.kind ? { original_kind: carried.kind } : {}) },
      ...(carried.device ? { device: carried.device } : {}),
      inputs: r.inputs,
      iocs: { snapshot: loaded.snapshot, ...("snapshot_message" in loaded && loaded.snapshot_message ? { snapshot_message: loaded.snapshot_message } : {}), sets: loaded.sets, errors: loaded.problems },
      lang: opts.lang,
      runtime: runtimeInfo(),
      datasets,
    };
    writeJson(join(outputDir, "info.json"), withMvtInfoFields(info));
    // The requirements of a meaningful check are those of the original acquisition's kind.
    summary = summarize({ detections, coverage: r.coverage, kind: carried.kind, exposure: carried.exposure, outputDir });
    writeJson(join(outputDir, "summary.json"), summary);
    // The events did not change: the original timeline goes with the new results (an older
    // Vigil's ISO 8601 times put in MVT's form), and the report is built from both.
    for (const f of ["timeline.csv", "timeline_detected.csv"]) {
      if (!existsSync(join(input, f))) continue;
      if (!isRegularFile(join(input, f))) throw new VigilError("not a regular file", { file: join(input, f), code: "json" });
      if (r.producer === "vigil" && timelineIsIso(join(input, f))) await writeTimelineInMvtForm(join(input, f), join(outputDir, f));
      else copyOutput(join(input, f), join(outputDir, f));
    }
    try {
      reportPath = await writeHtmlReport(outputDir);
    } catch (e) {
      progress(`report.html could not be written: ${describeError(e)}`);
    }
    if (opts.timesketch) await exportResults(outputDir, "timesketch", { out: join(outputDir, "timesketch.jsonl") });
    log.write(outputDir);
    claim.keep();
  } catch (e) {
    claim.discard();
    throw e;
  }
  if (opts.json) process.stdout.write(JSON.stringify({ ...summary, report: reportPath }, null, 2) + "\n");
  else process.stdout.write(formatSummary(summary, { topDetections: detections, lang: pickLanguage(opts.lang), device: carried.device, datasets, reportPath }) + "\n");
  return { exitCode: summary.exitCode, outputDir };
}

/**
 * What a re-check keeps from the results folder: its behaviour signs (Vigil's heuristics, or
 * MVT's alerts without a matched indicator, mapped by kind and level), its exposure and
 * informational entries, and the original acquisition's kind and device. Indicator matches are
 * not carried over: the re-check finds them again with the current indicators. When the
 * folder's alerts cannot be read, that is a coverage failure, never a silent loss.
 */
function carriedOver(dir: string, coverage: Coverage[]): { detections: Detection[]; exposure: Exposure[]; informational: InformationalAlert[]; kind?: string; device?: DeviceInfo } {
  try {
    const loaded = loadResults(dir);
    return {
      detections: loaded.detections.filter((d) => d.kind === "heuristic"),
      exposure: loaded.exposure,
      informational: loaded.informational.filter((i) => !i.exposure),
      kind: loaded.kind,
      device: loaded.info?.device,
    };
  } catch (e) {
    coverage.push({ module: "original_alerts", title: english(msg("module.original_alerts")), status: "failed", reason: describeError(e) });
    return { detections: [], exposure: [], informational: [] };
  }
}

/** Copies a results file under its temporary name first, as every results file is written. */
function copyOutput(from: string, to: string): void {
  guardOutput(to, () => {
    copyFileSync(from, partialPath(to));
    renameSync(partialPath(to), to);
  });
}

/** The acquisition kind a Vigil results folder's info.json names (a re-check's original kind). */
function originalKind(dir: string): string | undefined {
  try {
    if (!isRegularFile(join(dir, "info.json"))) return undefined;
    const info = JSON.parse(readFileSync(join(dir, "info.json"), "utf8")) as Partial<RunInfo>;
    return info.acquisition?.original_kind ?? info.acquisition?.kind;
  } catch {
    return undefined;
  }
}

/**
 * What the original run did not check: the modules its coverage.json lists as failed, and an
 * entry of its own when that cannot be known (coverage.json of a Vigil run missing or unreadable)
 * or the run did not finish (files left under their temporary name).
 */
function originalGaps(dir: string, producer: "vigil" | "mvt"): Coverage[] {
  const gaps: Coverage[] = [];
  const unfinished = readdirSync(dir).filter((n) => n.endsWith(PARTIAL_SUFFIX));
  if (unfinished.length) {
    const message = msg("coverage.reason.original_unfinished", { n: unfinished.length, path: join(dir, unfinished[0]) });
    gaps.push({ module: "original_run", title: english(msg("module.original_run")), status: "failed", reason: english(message), reason_message: message });
  }
  const file = join(dir, "coverage.json");
  const unknown = (why: string): Coverage => {
    const message = msg("coverage.reason.original_coverage_unknown", { why });
    return { module: "original_coverage", title: english(msg("module.original_coverage")), status: "failed", reason: english(message), reason_message: message };
  };
  if (!existsSync(file)) {
    if (producer === "vigil") gaps.push(unknown(`${file}: missing`));
    return gaps;
  }
  try {
    gaps.push(...readResultsFile(file, COVERAGE_FILE).filter((c) => c.status === "failed"));
  } catch (e) {
    gaps.push(unknown(describeError(e)));
  }
  return gaps;
}
