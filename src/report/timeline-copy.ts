// A timeline carried into a new results folder (check-iocs): MVT's folders and Vigil's current
// ones are copied as they are; the ISO 8601 times of a folder written by an older Vigil are put
// in MVT's form, so every timeline.csv Vigil writes has the one form its readers sort on.
import { closeSync, openSync, readSync } from "node:fs";
import { basename, dirname } from "node:path";
import { OutputFile } from "../core/output-file.ts";
import { csvRow } from "./csv.ts";
import { readTimeline } from "./load-results.ts";
import { TIMELINE_HEADER } from "./results.ts";
import { timelineRow } from "./timeline-row.ts";

/** Whether the first row of the timeline at `path` holds an ISO 8601 time (an older Vigil's). */
export function timelineIsIso(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    const text = buf.toString("utf8", 0, readSync(fd, buf, 0, buf.length, 0));
    const second = text.split("\n")[1] ?? "";
    return /^"?[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"?,/.test(second);
  } finally {
    closeSync(fd);
  }
}

/** Writes the timeline at `from` to `to` with its times in MVT's form; returns the number of rows. */
export async function writeTimelineInMvtForm(from: string, to: string): Promise<number> {
  const out = new OutputFile(to);
  let n = 0;
  try {
    out.write(csvRow(TIMELINE_HEADER));
    let buf: string[] = [];
    for await (const e of readTimeline(dirname(from), basename(from))) {
      buf.push(timelineRow(e.timestamp, e.module, e.event, e.description));
      n++;
      if (buf.length >= 4096) {
        out.write(buf.join(""));
        buf = [];
      }
    }
    if (buf.length) out.write(buf.join(""));
    out.commit();
  } catch (e) {
    out.discard();
    throw e;
  }
  return n;
}
