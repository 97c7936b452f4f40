// Gathers what the HTML report shows from a results folder, streaming the timeline once:
// events per day for the overview, and the events around each detection for context.
// A case with a million events gives a few thousand day buckets, never a million rows.
import type { Detection } from "../../core/model.ts";
import { timelineToIso } from "../../core/time.ts";
import { readTimeline, type LoadedResults } from "../load-results.ts";
import { sortDetections } from "../summary.ts";
import { decodeRow } from "../timeline-row.ts";

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

/** [detection index, detection time in ms] of each detection whose context is gathered. */
export type ContextWindows = [number, number][];

/** What a collector of one part of the timeline gathered (ReportDataCollector.partState). */
export interface CollectorPart {
  perDay: [string, number][];
  total: number;
  context: [number, ContextEvent[], ContextEvent[]][];
}

export interface ReportData {
  detections: Detection[];
  /** Index-aligned with detections; undefined when no context was gathered. */
  context: (ContextEvent[] | undefined)[];
  days: { day: string; count: number; detections: number }[];
  totalEvents: number;
}

/**
 * Builds the report's timeline data from events given in time order: per-day counts and the
 * events around each detection. Fed by the results writer while it writes timeline.csv, or by
 * reading timeline.csv back (`vigil report`).
 */
export class ReportDataCollector {
  private detections: Detection[];
  private detDays = new Map<string, number>();
  private windows: [number, { t: number; before: ContextEvent[]; after: ContextEvent[] }][];
  private ctx: Map<number, { t: number; before: ContextEvent[]; after: ContextEvent[] }>;
  private perDay = new Map<string, number>();
  /** Windows before `lo` are behind the events (or their "after" is full). */
  private lo = 0;
  /** Windows before `crossed` have had an event at or after their time. */
  private crossed = 0;
  /**
   * The last CONTEXT_EACH_SIDE events placed (time, how to decode it, decoded once asked): a
   * window's "before" is taken from here when the events reach its time, instead of every event
   * being decoded and pushed into the "before" of every window ahead of it.
   */
  private recent: { t: number; fields: () => ContextEvent; ev: ContextEvent | undefined }[] = [];
  private curDay = "";
  private curCount = 0;
  total = 0;

  /** `part`: the context windows of the whole run's collector, for a collector of one part (forPart). */
  constructor(detections: Detection[], part?: ContextWindows) {
    this.detections = sortDetections(detections);
    for (const d of this.detections) if (d.timestamp) this.detDays.set(d.timestamp.slice(0, 10), (this.detDays.get(d.timestamp.slice(0, 10)) ?? 0) + 1);
    const withTime =
      part ??
      this.detections
        .map((d, i): [number, number] => [i, d.timestamp ? Date.parse(d.timestamp) : NaN])
        .filter((x) => Number.isFinite(x[1]))
        .slice(0, MAX_CONTEXT_DETECTIONS);
    this.ctx = new Map(withTime.map(([i, t]) => [i, { t, before: [], after: [] }]));
    // Sorted by time so each event only looks at detections whose window can contain it.
    this.windows = [...this.ctx.entries()].sort((a, b) => a[1].t - b[1].t);
  }

  /**
   * A collector for one part of the timeline, fed in another thread (the rows of a time range):
   * its partState() is then absorbed by the whole run's collector.
   */
  static forPart(windows: ContextWindows): ReportDataCollector {
    return new ReportDataCollector([], windows);
  }

  /** The detections' context windows ([detection index, time]), for forPart(). */
  contextWindows(): ContextWindows {
    return [...this.ctx.entries()].map(([i, c]) => [i, c.t]);
  }

  /** What a part's collector gathered, for absorb(). */
  partState(): CollectorPart {
    this.flushDay();
    this.flushRecent();
    return { perDay: [...this.perDay.entries()], total: this.total, context: [...this.ctx.entries()].map(([i, c]) => [i, c.before, c.after]) };
  }

  /**
   * Adds what a part's collector gathered from rows that all come after the rows this one saw:
   * the same result as having seen them here, in order.
   */
  absorb(part: CollectorPart): void {
    this.flushDay();
    this.flushRecent();
    this.curDay = "";
    this.curDayNum = NaN;
    for (const [day, n] of part.perDay) this.perDay.set(day, (this.perDay.get(day) ?? 0) + n);
    this.total += part.total;
    for (const [i, before, after] of part.context) {
      const c = this.ctx.get(i);
      if (!c) continue;
      c.before = [...c.before, ...before].slice(-CONTEXT_EACH_SIDE);
      c.after = [...c.after, ...after].slice(0, CONTEXT_EACH_SIDE + 1);
    }
  }

  add(e: ContextEvent): void {
    this.addFields(e.timestamp, e.module, e.event, e.description);
  }

  /** add() without an event object. */
  addFields(timestamp: string, module: string, event: string, description: string): void {
    this.countDay(timestamp, 0);
    if (this.dayInWindow) this.place(timestamp, () => ({ timestamp, module, event, description }));
  }

  /**
   * A timeline.csv row (as made by timelineRow): the results writer calls this once per event.
   * Only the day is read from most rows; a row is parsed only when it falls near a detection.
   */
  addRow(row: string): void {
    this.countDay(row, 1);
    if (this.dayInWindow) this.place(row.slice(1, row.indexOf('"', 1)), () => decodeRow(row));
  }

  /**
   * addRow() for a row held as bytes, with its timestamp as the number YYYYMMDDHHMMSSmmm (NaN
   * when not in that form): most rows are counted from the number alone, without a string.
   */
  addRowBytes(buf: Buffer, start: number, end: number, key: number): void {
    const day = Math.floor(key / 1e9);
    if (key === key && day === this.curDayNum) {
      this.total++;
      this.curCount++;
      if (this.dayInWindow) {
        // The buffer is reused: a row decoded later is copied out now.
        const row = buf.toString("utf8", start, end);
        this.place(buf.toString("latin1", start + 1, start + 27), () => decodeRow(row));
      }
      return;
    }
    this.addRow(buf.toString("utf8", start, end));
    this.curDayNum = key === key ? day : NaN;
  }

  /** The current day as the number YYYYMMDD when it came from addRowBytes. */
  private curDayNum = NaN;

  /** Counts an event on the day that starts at `s[at]`. */
  private countDay(s: string, at: number): void {
    this.total++;
    // Events come in time order, so a day's events are contiguous: count them without a map
    // lookup (and a day string) per event. Any order still counts right.
    if (this.curDay.length === 10 && s.startsWith(this.curDay, at)) this.curCount++;
    else {
      this.flushDay();
      this.curDay = s.slice(at, at + 10);
      this.curDayNum = NaN;
      this.curCount = 1;
      this.dayInWindow = this.windowsTouch(this.curDay);
    }
  }

  /** Whether any detection's context window overlaps the day (true when the day does not parse). */
  private windowsTouch(day: string): boolean {
    if (!this.windows.length) return false;
    const start = Date.parse(`${day}T00:00:00.000Z`);
    if (!Number.isFinite(start)) return true;
    return this.windows.some(([, c]) => c.t + CONTEXT_WINDOW_MS >= start && c.t - CONTEXT_WINDOW_MS < start + 86_400_000);
  }

  private dayInWindow = false;

  /**
   * Places an event (given in time order) in the context windows: for a window it reaches or
   * passes, the events just before it (from `recent`); then the event itself in the "after" of
   * windows at or before it.
   */
  private place(timestamp: string, fields: () => ContextEvent): void {
    const windows = this.windows;
    const t = this.parseTime(timestamp);
    if (t !== t) return; // no time: in no window
    for (; this.crossed < windows.length && windows[this.crossed][1].t <= t; this.crossed++) this.takeRecent(windows[this.crossed][1]);
    while (this.lo < this.crossed && (windows[this.lo][1].t + CONTEXT_WINDOW_MS < t || windows[this.lo][1].after.length > CONTEXT_EACH_SIDE)) this.lo++;
    let ev: ContextEvent | undefined;
    for (let k = this.lo; k < this.crossed; k++) {
      const c = windows[k][1];
      if (c.t + CONTEXT_WINDOW_MS >= t && c.after.length < CONTEXT_EACH_SIDE + 1) c.after.push((ev ??= fields()));
    }
    const recent = this.recent;
    if (recent.length === CONTEXT_EACH_SIDE) recent.shift();
    recent.push({ t, fields, ev });
  }

  /** Adds the recent events within a window's reach before it to its "before" (the last CONTEXT_EACH_SIDE kept). */
  private takeRecent(c: { t: number; before: ContextEvent[] }): void {
    const add: ContextEvent[] = [];
    for (const r of this.recent) if (r.t + CONTEXT_WINDOW_MS >= c.t && r.t < c.t) add.push((r.ev ??= r.fields()));
    if (add.length) c.before = c.before.length ? [...c.before, ...add].slice(-CONTEXT_EACH_SIDE) : add;
  }

  /** Gives the windows not yet reached the recent events, which are then forgotten (a part ends, or one is absorbed). */
  private flushRecent(): void {
    for (let k = this.crossed; k < this.windows.length; k++) this.takeRecent(this.windows[k][1]);
    this.recent.length = 0;
  }

  private parsedDay = "";
  private parsedDayMs = NaN;

  /**
   * Date.parse, with a fast path for the "YYYY-MM-DDTHH:MM:SS.sssZ" form every module writes and
   * timeline.csv's "YYYY-MM-DD HH:MM:SS.ffffff": the day is parsed once per day and the time of
   * day read digit by digit (Date.parse on a million events cost more than the rest of the
   * report data).
   */
  private parseTime(ts: string): number {
    const iso = ts.length === 24 && ts.charCodeAt(10) === 0x54 && ts.charCodeAt(23) === 0x5a;
    const mvt = ts.length === 26 && ts.charCodeAt(10) === 0x20;
    if (!(iso || mvt) || ts.charCodeAt(13) !== 0x3a || ts.charCodeAt(16) !== 0x3a || ts.charCodeAt(19) !== 0x2e) {
      const t = timelineToIso(ts);
      return t ? Date.parse(t) : NaN;
    }
    if (!ts.startsWith(this.parsedDay) || this.parsedDay.length !== 10) {
      this.parsedDay = ts.slice(0, 10);
      this.parsedDayMs = Date.parse(`${this.parsedDay}T00:00:00.000Z`);
    }
    const h = digits2(ts, 11);
    const m = digits2(ts, 14);
    const sec = digits2(ts, 17);
    const ms = digits2(ts, 20) * 10 + digit(ts, 22);
    if (!(h < 24 && m < 60 && sec < 60 && ms >= 0) || Number.isNaN(this.parsedDayMs)) return Date.parse(timelineToIso(ts) ?? ts);
    return this.parsedDayMs + h * 3_600_000 + m * 60_000 + sec * 1000 + ms;
  }

  private flushDay(): void {
    if (this.curCount) this.perDay.set(this.curDay, (this.perDay.get(this.curDay) ?? 0) + this.curCount);
    this.curCount = 0;
  }

  finish(): ReportData {
    this.flushDay();
    this.flushRecent();
    const days = [...new Set([...this.perDay.keys(), ...this.detDays.keys()])]
      .sort()
      .map((day) => ({ day, count: this.perDay.get(day) ?? 0, detections: this.detDays.get(day) ?? 0 }));
    const context = this.detections.map((_, i) => {
      const c = this.ctx.get(i);
      return c ? [...c.before, ...c.after] : undefined;
    });
    return { detections: this.detections, context, days, totalEvents: this.total };
  }
}

/** The digit at i (NaN when it is not one). */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 0x30;
  return c >= 0 && c <= 9 ? c : NaN;
}

function digits2(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

export async function gatherReportData(results: LoadedResults): Promise<ReportData> {
  const c = new ReportDataCollector(results.detections);
  for await (const e of readTimeline(results.dir)) c.add(e);
  return c.finish();
}
