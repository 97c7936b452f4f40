import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ReportDataCollector } from "./html/data.js";
import { csvField, csvRow } from "./csv.js";
import { toJson } from "./json-writer.js";
import { sortDetections, summarize } from "./summary.js";
const TIMELINE_HEADER = ["UTC Timestamp", "Plugin", "Event", "Description"];
function writeTimelines(store, dir, collector) {
  const all = openSync(join(dir, "timeline.csv"), "w");
  const hit = openSync(join(dir, "timeline_detected.csv"), "w");
  const header = csvRow(TIMELINE_HEADER);
  let buf = header;
  let hitBuf = header;
  let n = 0;
  try {
    store.forEachSorted((timestamp, module, event, description, detected) => {
      const row = `"${csvField(timestamp)}","${csvField(module)}","${csvField(event)}","${csvField(description)}"\r
`;
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
function writeJson(path, value) {
  writeFileSync(path, toJson(value, 2) + "\n");
}
function writeResults(outputDir, run, info) {
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
export {
  TIMELINE_HEADER,
  writeJson,
  writeResults
};
