// Gathers what the HTML report shows from a results folder, streaming the timeline once:
// events per day for the overview, and the events around each detection for context.
// A case with a million events gives a few thousand day buckets, never a million rows.
import type { Detection } from "../../core/model.ts";
import { readTimeline, type LoadedResults } from "../load-results.ts";
import { sortDetections } from "../summary.ts";

export const CONTEXT_WINDOW_MS = 60 * 60 * 1000;
const CONTEXT_EACH_SIDE = 6;
/** Detailed context is gathered for this many detections (strongest first); the rest link to the day. */
const MAX_CONTEXT_DETECTIONS = 200;

export interface ContextEvent {
  timestamp: string;
  module: string;
  event: string;
  description: string;
}

export interface ReportData {
  detections: Detection[];
  /** Index-aligned with detections; undefined when no context was gathered. */
  context: (ContextEvent[] | undefined)[];
  days: { day: string; count: number; detections: number }[];
  totalEvents: number;
}

export async function gatherReportData(results: LoadedResults): Promise<ReportData> {
  const detections = sortDetections(results.detections);
  const detDays = new Map<string, number>();
  for (const d of detections) if (d.timestamp) detDays.set(d.timestamp.slice(0, 10), (detDays.get(d.timestamp.slice(0, 10)) ?? 0) + 1);

  type Ctx = { t: number; before: ContextEvent[]; after: ContextEvent[] };
  const withTime = detections
    .map((d, i) => ({ i, t: d.timestamp ? Date.parse(d.timestamp) : NaN }))
    .filter((x) => Number.isFinite(x.t))
    .slice(0, MAX_CONTEXT_DETECTIONS);
  const ctx = new Map<number, Ctx>(withTime.map((x) => [x.i, { t: x.t, before: [], after: [] }]));
  // Sorted by time so each event only looks at detections whose window can contain it.
  const windows = [...ctx.entries()].sort((a, b) => a[1].t - b[1].t);

  const perDay = new Map<string, number>();
  let total = 0;
  let lo = 0;
  for await (const e of readTimeline(results.dir)) {
    total++;
    const day = e.timestamp.slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    if (!windows.length) continue;
    const t = Date.parse(e.timestamp);
    while (lo < windows.length && windows[lo][1].t + CONTEXT_WINDOW_MS < t) lo++;
    for (let k = lo; k < windows.length && windows[k][1].t - CONTEXT_WINDOW_MS <= t; k++) {
      const c = windows[k][1];
      const ev = { timestamp: e.timestamp, module: e.module, event: e.event, description: e.description };
      if (t < c.t) {
        c.before.push(ev);
        if (c.before.length > CONTEXT_EACH_SIDE) c.before.shift();
      } else if (c.after.length < CONTEXT_EACH_SIDE + 1) {
        c.after.push(ev);
      }
    }
  }
  const days = [...new Set([...perDay.keys(), ...detDays.keys()])]
    .sort()
    .map((day) => ({ day, count: perDay.get(day) ?? 0, detections: detDays.get(day) ?? 0 }));
  const context = detections.map((_, i) => {
    const c = ctx.get(i);
    return c ? [...c.before, ...c.after] : undefined;
  });
  return { detections, context, days, totalEvents: total };
}
