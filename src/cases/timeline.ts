// The case's timeline: every acquisition's timeline.csv (each already in time order) merged as
// it streams, each row naming its acquisition, with the correlated detections as rows of their
// own. Its columns are the ones Timesketch's CSV import needs (datetime, timestamp_desc,
// message) followed by the acquisition, the module and the event kind, so the file can be
// uploaded to Timesketch as it is.
import type { Detection, TimelineEvent } from "../core/model.ts";
import { dropTop, heapify, siftDown } from "../core/heap.ts";
import { OutputFile } from "../core/output-file.ts";
import { moduleOfPlugin } from "../modules/mvt-names.ts";
import { csvRow } from "../report/csv.ts";
import { readTimeline } from "../report/load-results.ts";
import type { AcquisitionResults } from "./acquisition-results.ts";

export const CASE_TIMELINE_HEADER = ["datetime", "timestamp_desc", "message", "acquisition", "module", "event"];

interface Head {
  acquisition: string;
  /** Its place among the timelines: of two events at one time, the earlier timeline's comes first. */
  order: number;
  it: AsyncIterator<TimelineEvent>;
  ev: TimelineEvent;
}

const before = (a: Head, b: Head) => a.ev.timestamp < b.ev.timestamp || (a.ev.timestamp === b.ev.timestamp && a.order < b.order);

/** Writes the merged timeline to `path`; returns the number of rows. */
export async function writeCaseTimeline(path: string, acqs: AcquisitionResults[], correlated: Detection[]): Promise<number> {
  const heads: Head[] = [];
  const start = async (acquisition: string, it: AsyncIterator<TimelineEvent>) => {
    const r = await it.next();
    if (!r.done) heads.push({ acquisition, order: heads.length, it, ev: r.value });
  };
  for (const a of acqs) if (!a.problem) await start(a.acq.id, readTimeline(a.dir)[Symbol.asyncIterator]());
  const rows = correlated
    .filter((d) => d.timestamp)
    .map((d): TimelineEvent => ({ timestamp: d.timestamp!, module: "correlation", event: d.rule?.id ?? "correlation", description: `[${d.grade}] ${d.title}` }))
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  await start("case", (async function* () {
    yield* rows;
  })());
  // Written under a temporary name until complete (core/output-file.ts).
  const out = new OutputFile(path);
  let n = 0;
  let buf: string[] = [];
  let chars = 0;
  const flush = () => {
    if (buf.length) out.write(buf.join(""));
    buf = [];
    chars = 0;
  };
  try {
    out.write(csvRow(CASE_TIMELINE_HEADER));
    // A heap: a case folder received may list thousands of acquisitions, and a scan of every
    // head for each row was quadratic.
    heapify(heads, before);
    while (heads.length) {
      const h = heads[0];
      // Each acquisition's timeline.csv names MVT's plugins; the case names Vigil's modules.
      const row = csvRow([h.ev.timestamp, h.ev.event, h.ev.description, h.acquisition, moduleOfPlugin(h.ev.module), h.ev.event]);
      buf.push(row);
      chars += row.length;
      n++;
      if (chars > 1 << 20) flush();
      const r = await h.it.next();
      if (r.done) dropTop(heads, before);
      else {
        h.ev = r.value;
        siftDown(heads, 0, before);
      }
    }
    flush();
    out.commit();
  } catch (e) {
    out.discard();
    throw e;
  }
  return n;
}
