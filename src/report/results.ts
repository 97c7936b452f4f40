// Writes a results folder from one check run: timeline.csv (sorted, UTC), timeline_detected.csv,
// alerts.json, coverage.json, info.json and summary.json. Per-module JSON files were already
// streamed by the pipeline. Field and file names follow MVT where MVT has them.
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Coverage, Detection, RunInfo, Summary } from "../core/model.ts";
import { ReportDataCollector, type ReportData } from "./html/data.ts";
import type { CheckRun } from "../run.ts";
import { csvRow } from "./csv.ts";
import { toJson } from "./json-writer.ts";
import { sortDetections, summarize } from "./summary.ts";
import type { TimelineStore } from "./timeline-store.ts";

export const TIMELINE_HEADER = ["UTC Timestamp", "Plugin", "Event", "Description"];

/** Writes timeline.csv and timeline_detected.csv, feeding `collector` with every event. */
function writeTimelines(store: TimelineStore, dir: string, collector: ReportDataCollector): number {
  const header = csvRow(TIMELINE_HEADER);
  const write = (file: string, body: (fd: number) => number): number => {
    const fd = openSync(join(dir, file), "w");
    try {
      writeSync(fd, header);
      return body(fd);
    } finally {
      closeSync(fd);
    }
  };
  const n = write("timeline.csv", (fd) => store.writeSorted(fd, collector));
  write("timeline_detected.csv", (fd) => store.writeSortedDetected(fd));
  return n;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, toJson(value, 2) + "\n");
}

export interface WrittenResults {
  summary: Summary;
  detections: Detection[];
  coverage: Coverage[];
  timelineEvents: number;
  /** What report.html needs from the timeline, gathered in the same pass. */
  reportData: ReportData;
}

export function writeResults(outputDir: string, run: CheckRun, info: RunInfo): WrittenResults {
  const detections = sortDetections(run.detections);
  const collector = new ReportDataCollector(detections);
  const events = writeTimelines(run.timeline, outputDir, collector);
  writeJson(join(outputDir, "alerts.json"), detections);
  writeJson(join(outputDir, "coverage.json"), run.coverage);
  writeJson(join(outputDir, "info.json"), info);
  const summary = summarize(detections, run.coverage, outputDir);
  writeJson(join(outputDir, "summary.json"), { ...summary, timeline_events: events });
  return { summary, detections, coverage: run.coverage, timelineEvents: events, reportData: collector.finish() };
}
