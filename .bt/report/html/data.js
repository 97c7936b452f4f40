import { readTimeline } from "../load-results.js";
import { sortDetections } from "../summary.js";
const CONTEXT_WINDOW_MS = 60 * 60 * 1e3;
const CONTEXT_EACH_SIDE = 6;
const MAX_CONTEXT_DETECTIONS = 200;
class ReportDataCollector {
  detections;
  detDays = /* @__PURE__ */ new Map();
  windows;
  ctx;
  perDay = /* @__PURE__ */ new Map();
  lo = 0;
  curDay = "";
  curCount = 0;
  total = 0;
  constructor(detections) {
    this.detections = sortDetections(detections);
    for (const d of this.detections) if (d.timestamp) this.detDays.set(d.timestamp.slice(0, 10), (this.detDays.get(d.timestamp.slice(0, 10)) ?? 0) + 1);
    const withTime = this.detections.map((d, i) => ({ i, t: d.timestamp ? Date.parse(d.timestamp) : NaN })).filter((x) => Number.isFinite(x.t)).slice(0, MAX_CONTEXT_DETECTIONS);
    this.ctx = new Map(withTime.map((x) => [x.i, { t: x.t, before: [], after: [] }]));
    this.windows = [...this.ctx.entries()].sort((a, b) => a[1].t - b[1].t);
  }
  add(e) {
    this.addFields(e.timestamp, e.module, e.event, e.description);
  }
  /** add() without an event object: the results writer calls it once per timeline event. */
  addFields(timestamp, module, event, description) {
    this.total++;
    if (this.curDay.length === 10 && timestamp.startsWith(this.curDay)) this.curCount++;
    else {
      this.flushDay();
      this.curDay = timestamp.slice(0, 10);
      this.curCount = 1;
    }
    const windows = this.windows;
    if (!windows.length) return;
    const t = this.parseTime(timestamp);
    while (this.lo < windows.length && windows[this.lo][1].t + CONTEXT_WINDOW_MS < t) this.lo++;
    for (let k = this.lo; k < windows.length && windows[k][1].t - CONTEXT_WINDOW_MS <= t; k++) {
      const c = windows[k][1];
      const ev = { timestamp, module, event, description };
      if (t < c.t) {
        c.before.push(ev);
        if (c.before.length > CONTEXT_EACH_SIDE) c.before.shift();
      } else if (c.after.length < CONTEXT_EACH_SIDE + 1) {
        c.after.push(ev);
      }
    }
  }
  parsedDay = "";
  parsedDayMs = NaN;
  /**
   * Date.parse, with a fast path for the "YYYY-MM-DDTHH:MM:SS.sssZ" form every module writes:
   * the day is parsed once per day and the time of day read digit by digit (Date.parse on a
   * million events cost more than the rest of the report data).
   */
  parseTime(ts) {
    if (ts.length !== 24 || ts.charCodeAt(10) !== 84 || ts.charCodeAt(23) !== 90 || ts.charCodeAt(13) !== 58 || ts.charCodeAt(16) !== 58 || ts.charCodeAt(19) !== 46) {
      return Date.parse(ts);
    }
    if (!ts.startsWith(this.parsedDay) || this.parsedDay.length !== 10) {
      this.parsedDay = ts.slice(0, 10);
      this.parsedDayMs = Date.parse(`${this.parsedDay}T00:00:00.000Z`);
    }
    const h = digits2(ts, 11);
    const m = digits2(ts, 14);
    const sec = digits2(ts, 17);
    const ms = digits2(ts, 20) * 10 + digit(ts, 22);
    if (!(h < 24 && m < 60 && sec < 60 && ms >= 0) || Number.isNaN(this.parsedDayMs)) return Date.parse(ts);
    return this.parsedDayMs + h * 36e5 + m * 6e4 + sec * 1e3 + ms;
  }
  flushDay() {
    if (this.curCount) this.perDay.set(this.curDay, (this.perDay.get(this.curDay) ?? 0) + this.curCount);
    this.curCount = 0;
  }
  finish() {
    this.flushDay();
    const days = [.../* @__PURE__ */ new Set([...this.perDay.keys(), ...this.detDays.keys()])].sort().map((day) => ({ day, count: this.perDay.get(day) ?? 0, detections: this.detDays.get(day) ?? 0 }));
    const context = this.detections.map((_, i) => {
      const c = this.ctx.get(i);
      return c ? [...c.before, ...c.after] : void 0;
    });
    return { detections: this.detections, context, days, totalEvents: this.total };
  }
}
function digit(s, i) {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}
function digits2(s, i) {
  return digit(s, i) * 10 + digit(s, i + 1);
}
async function gatherReportData(results) {
  const c = new ReportDataCollector(results.detections);
  for await (const e of readTimeline(results.dir)) c.add(e);
  return c.finish();
}
export {
  CONTEXT_WINDOW_MS,
  ReportDataCollector,
  gatherReportData
};
