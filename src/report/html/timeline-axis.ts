// The report's timeline chart: which days get a bar. Days before 2007 (the first iPhone) are
// placeholder dates (a zero Unix or Mac time, an unset field), not times anything happened: they
// stay out of the axis, which would otherwise stretch over decades, and are listed beside the
// chart. Between two days with events, up to a week without any is drawn as empty days; a longer
// empty stretch is skipped, marked on the chart and named below it, so that a case spread over
// years does not shrink its busy days to hairlines.
import { FIRST_REAL_DAY } from "../summary.ts";
import type { ReportData } from "./data.ts";

/** Empty days drawn between two days with events; a longer stretch is skipped. */
export const MAX_EMPTY_DRAWN = 7;

export type Day = ReportData["days"][number];
/** A day of the chart, or a skipped empty stretch (from and to are its first and last empty day). */
export type Slot = Day | { gap: true; from: string; to: string; days: number };

export interface TimelineAxis {
  slots: Slot[];
  /** Days with a placeholder date, with their event counts. */
  placeholders: Day[];
  gaps: { from: string; to: string; days: number }[];
}

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `days` sorted by day, as the report data gives them. */
export function timelineAxis(days: Day[]): TimelineAxis {
  const placeholders = days.filter((d) => d.day < FIRST_REAL_DAY || Number.isNaN(dayMs(d.day)));
  const real = days.filter((d) => !placeholders.includes(d));
  const slots: Slot[] = [];
  const gaps: TimelineAxis["gaps"] = [];
  for (let i = 0; i < real.length; i++) {
    if (i > 0) {
      const prev = dayMs(real[i - 1].day);
      const empty = Math.round((dayMs(real[i].day) - prev) / DAY_MS) - 1;
      if (empty > MAX_EMPTY_DRAWN) {
        const gap = { from: dayOf(prev + DAY_MS), to: dayOf(prev + empty * DAY_MS), days: empty };
        gaps.push(gap);
        slots.push({ gap: true, ...gap });
      } else {
        for (let k = 1; k <= empty; k++) slots.push({ day: dayOf(prev + k * DAY_MS), count: 0, detections: 0 });
      }
    }
    slots.push(real[i]);
  }
  return { slots, placeholders, gaps };
}

export function isGap(s: Slot): s is Extract<Slot, { gap: true }> {
  return "gap" in s;
}
