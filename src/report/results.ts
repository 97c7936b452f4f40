// Writes a results folder from one check run: timeline.csv (sorted, UTC), timeline_detected.csv,
// alerts.json, coverage.json, info.json and summary.json. Per-module JSON files were already
// streamed by the pipeline. Field and file names follow MVT where MVT has them.
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Coverage, Detection, RunInfo, Summary } from "../core/model.ts";
import type { CheckRun } from "../run.ts";
import { csvRow } from "./csv.ts";
import { toJson } from "./json-writer.ts";
import { sortDetections, summarize } from "./summary.ts";
import type { TimelineStore } from "./timeline-store.ts";

export const TIMELINE_HEADER = ["UTC Timestamp", "Plugin", "Event", "Description"];

function writeTimeline(store: TimelineStore, path: string, onlyDetected: boolean): number {
  const fd = openSync(path, "w");
  let buf = csvRow(TIMELINE_HEADER);
  let n = 0;
  try {
    for (const e of store.sorted(onlyDetected)) {
      buf += csvRow([e.timestamp, e.module, e.event, e.description]);
      n++;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
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
}

export function writeResults(outputDir: string, run: CheckRun, info: RunInfo): WrittenResults {
  const events = writeTimeline(run.timeline, join(outputDir, "timeline.csv"), false);
  writeTimeline(run.timeline, join(outputDir, "timeline_detected.csv"), true);
  const detections = sortDetections(run.detections);
  writeJson(join(outputDir, "alerts.json"), detections);
  writeJson(join(outputDir, "coverage.json"), run.coverage);
  writeJson(join(outputDir, "info.json"), info);
  const summary = summarize(detections, run.coverage, outputDir);
  writeJson(join(outputDir, "summary.json"), { ...summary, timeline_events: events });
  return { summary, detections, coverage: run.coverage, timelineEvents: events };
}
