// Writes a results folder from one check run: timeline.csv (sorted, UTC), timeline_detected.csv,
// alerts.json, coverage.json, exposure.json, info.json and summary.json. Per-module JSON files were already
// streamed by the pipeline. Field and file names follow MVT where MVT has them.
import { statSync } from "node:fs";
import { join } from "node:path";
import { OutputFile, outputError, writeOutputFile } from "../core/output-file.ts";
import type { Coverage, Detection, ModuleExposure, RunInfo, Summary } from "../core/model.ts";
import { ReportDataCollector, type CollectorPart, type ContextWindows, type ReportData } from "./html/data.ts";
import { alertsJson, alertsTimelineCsv } from "./alerts.ts";
import { csvRow } from "./csv.ts";
import { withMvtInfoFields } from "./info.ts";
import { toJson } from "./json-writer.ts";
import { describeExposure, informationalAlerts } from "./exposure.ts";
import { sortDetections, spanOfDays, summarize } from "./summary.ts";
import { splitRanges, writeMerged, writeMergedAt, type RowRange } from "./timeline-merge.ts";
import type { TimelineStore } from "./timeline-store.ts";

export const TIMELINE_HEADER = ["UTC Timestamp", "Plugin", "Event", "Description"];

/** What a check's modules produced, as the pipeline hands it over to be written. */
export interface CheckRun {
  coverage: Coverage[];
  detections: Detection[];
  /** What the phone was open to, as the modules and the device information said (never a detection). */
  exposure: ModuleExposure[];
  timeline: TimelineStore;
  warnings: Record<string, string[]>;
}

/**
 * Another thread that can merge a part of the timeline (see pool.ts): writes the rows of `range`
 * of the sorted `files` at their place in the file `out` after its header of `at` bytes
 * (writeMergedAt), gathering report data for the given context windows. Resolves undefined when
 * it could not; the part is then merged here.
 */
export interface TimelineHelper {
  merge(files: string[], range: RowRange, out: string, at: number, windows: ContextWindows): Promise<{ rows: number; part: CollectorPart } | undefined>;
}

/** Below this many bytes of spilled rows, timeline.csv is merged by this thread alone. */
const PARALLEL_MERGE_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Writes timeline.csv and timeline_detected.csv, feeding `collector` with every event. With
 * helper threads, a big timeline is cut into time ranges: this thread merges the first into
 * timeline.csv while each helper writes another at its place further on in the same file.
 */
async function writeTimelines(store: TimelineStore, dir: string, collector: ReportDataCollector, helpers: TimelineHelper[], minBytes: number): Promise<number> {
  const header = csvRow(TIMELINE_HEADER);
  // `path` in the body is the file being written (its temporary name), for the helper threads.
  const write = async (file: string, body: (fd: number, path: string) => number | Promise<number>): Promise<number> => {
    const out = new OutputFile(join(dir, file));
    try {
      out.write(header);
      const n = await body(out.fd, out.tmp);
      out.commit();
      return n;
    } catch (e) {
      out.discard();
      throw outputError(e, out.path);
    }
  };
  // A timeline still all in memory is small: it is not written out just to be cut in parts.
  const files = helpers.length && store.spilled ? store.spillFiles() : [];
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  const ranges = bytes >= minBytes ? splitRanges(files, helpers.length + 1) : [];
  const at = Buffer.byteLength(header);
  const n = await write("timeline.csv", (fd, path) => (ranges.length > 1 ? writeInParts(path, fd, at, files, ranges, collector, helpers) : store.writeSorted(fd, collector)));
  await write("timeline_detected.csv", (fd) => store.writeSortedDetected(fd));
  return n;
}

/** `fd`: `path` opened with its header of `at` bytes written. */
async function writeInParts(path: string, fd: number, at: number, files: string[], ranges: RowRange[], collector: ReportDataCollector, helpers: TimelineHelper[]): Promise<number> {
  const windows = collector.contextWindows();
  const parts = ranges.slice(1).map((range, i) => ({ range, done: helpers[i].merge(files, range, path, at, windows) }));
  let n = writeMerged(files, fd, ranges[0], collector);
  for (const p of parts) {
    const r = await p.done;
    if (r) {
      collector.absorb(r.part);
      n += r.rows;
    } else {
      n += writeMergedAt(files, path, at, p.range, collector);
    }
  }
  return n;
}

/** Writes a JSON results file (under a temporary name until complete). */
export function writeJson(path: string, value: unknown): void {
  writeOutputFile(path, toJson(value, 2) + "\n");
}

export interface WrittenResults {
  summary: Summary;
  detections: Detection[];
  coverage: Coverage[];
  timelineEvents: number;
  /** What report.html needs from the timeline, gathered in the same pass. */
  reportData: ReportData;
}

/**
 * `helpers`: other threads that merge parts of a big timeline.csv (from `mergeMinBytes` of
 * spilled rows; tests lower it).
 */
export async function writeResults(
  outputDir: string,
  run: CheckRun,
  info: RunInfo,
  helpers: TimelineHelper[] = [],
  mergeMinBytes = PARALLEL_MERGE_MIN_BYTES,
): Promise<WrittenResults> {
  const detections = sortDetections(run.detections);
  const exposure = describeExposure(run.exposure);
  const collector = new ReportDataCollector(detections);
  const events = await writeTimelines(run.timeline, outputDir, collector, helpers, mergeMinBytes);
  const reportData = collector.finish();
  const alerts = alertsJson(detections, informationalAlerts(exposure));
  writeJson(join(outputDir, "alerts.json"), alerts);
  writeOutputFile(join(outputDir, "alerts_timeline.csv"), alertsTimelineCsv(alerts));
  writeJson(join(outputDir, "coverage.json"), run.coverage);
  writeJson(join(outputDir, "exposure.json"), exposure);
  writeJson(join(outputDir, "info.json"), withMvtInfoFields(info));
  const summary = summarize({ detections, coverage: run.coverage, kind: info.acquisition.kind, exposure, span: spanOfDays(reportData.days), outputDir });
  writeJson(join(outputDir, "summary.json"), { ...summary, timeline_events: events });
  return { summary, detections, coverage: run.coverage, timelineEvents: events, reportData };
}
