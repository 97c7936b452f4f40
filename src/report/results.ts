// Writes a results folder from one check run: timeline.csv (sorted, UTC), timeline_detected.csv,
// alerts.json, coverage.json, info.json and summary.json. Per-module JSON files were already
// streamed by the pipeline. Field and file names follow MVT where MVT has them.
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Coverage, Detection, RunInfo, Summary } from "../core/model.ts";
import { ReportDataCollector, type ReportData } from "./html/data.ts";
import type { CheckRun } from "../run.ts";
import { csvField, csvRow } from "./csv.ts";
import { toJson } from "./json-writer.ts";
import { sortDetections, summarize } from "./summary.ts";
import type { TimelineStore } from "./timeline-store.ts";

export const TIMELINE_HEADER = ["UTC Timestamp", "Plugin", "Event", "Description"];

/** Writes timeline.csv and timeline_detected.csv in one pass, feeding `collector` with every event. */
function writeTimelines(store: TimelineStore, dir: string, collector: ReportDataCollector): number {
  const all = openSync(join(dir, "timeline.csv"), "w");
  const hit = openSync(join(dir, "timeline_detected.csv"), "w");
  const header = csvRow(TIMELINE_HEADER);
  let buf = header;
  let hitBuf = header;
  let n = 0;
  try {
    store.forEachSorted((timestamp, module, event, description, detected) => {
      // Same text as csvRow([timestamp, module, event, description]), without the array.
      const row = `"${csvField(timestamp)}","${csvField(module)}","${csvField(event)}","${csvField(description)}"\r\n`;
      buf += row;
      if (detected) hitBuf += row;
      collector.addFields(timestamp, module, event, description);
      n++;
      if (buf.length > 1 << 20) {
        writeSync(all, buf);
        buf = "";
      }
    });
    writeSync(all, buf);
    writeSync(hit, hitBuf);
  } finally {
    closeSync(all);
    closeSync(hit);
  }
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
