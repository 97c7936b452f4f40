// alerts.json and alerts_timeline.csv in MVT's shape: each entry leads with MVT's fields
// (level, module, message, event_time, event, matched_indicator) so scripts written for MVT's
// results read them as they are, followed by Vigil's own (grade, kind, rule, why, provenance).
// Reading back (load-results.ts) restores Vigil's model from the same entries.
import type { Detection, Grade, InformationalAlert } from "../core/model.ts";
import { toMvtTimestamp } from "../core/time.ts";
import { csvRow } from "./csv.ts";

export type MvtLevel = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL";

/**
 * MVT's level for a Vigil detection. MVT raises every indicator match as CRITICAL; a behaviour
 * sign takes the level of its grade. The verdict never follows the level: `grade` does.
 */
export function mvtLevel(d: Pick<Detection, "kind" | "grade">): MvtLevel {
  if (d.kind === "indicator") return "CRITICAL";
  const byGrade: Record<Grade, MvtLevel> = { strong: "HIGH", medium: "MEDIUM", weak: "LOW" };
  return byGrade[d.grade];
}

/** The module name MVT would give: its results file's slug (`aqf_packages`), else Vigil's module. */
function mvtModule(d: { module: string; results_file?: string }): string {
  return d.results_file ? d.results_file.replace(/\.json$/, "") : d.module;
}

/**
 * One alerts.json entry for a detection: MVT's fields first, then Vigil's (`vigil_module` is
 * Vigil's module name, `vigil_message` the catalog messages of its title, why and rule, which
 * MVT's `message` — a sentence — cannot hold).
 */
export function detectionAlert(d: Detection): Record<string, unknown> {
  const { record, module, results_file, message, ...rest } = d;
  return {
    level: mvtLevel(d),
    module: mvtModule(d),
    message: d.title,
    event_time: toMvtTimestamp(d.timestamp),
    event: record ?? {},
    matched_indicator: d.matched_indicator ?? null,
    vigil_module: module,
    ...rest,
    ...(message ? { vigil_message: message } : {}),
    ...(results_file ? { results_file } : {}),
  };
}

/** One alerts.json entry for an informational entry (exposure, MVT's INFO): never counted. */
export function informationalAlert(i: InformationalAlert): Record<string, unknown> {
  const { record, module, level, ...rest } = i;
  return {
    level,
    module,
    message: i.title,
    event_time: toMvtTimestamp(i.timestamp),
    event: record ?? {},
    matched_indicator: null,
    vigil_module: module,
    ...rest,
  };
}

/** The whole alerts.json: detections (strongest first), then the informational entries. */
export function alertsJson(detections: Detection[], informational: InformationalAlert[]): Record<string, unknown>[] {
  return [...detections.map(detectionAlert), ...informational.map(informationalAlert)];
}

/**
 * Reads an alerts.json entry Vigil wrote (this shape or an older one) back into its detection or
 * informational entry: Vigil's module name and the record come back from `vigil_module` and `event`.
 */
export function fromAlert(a: Record<string, unknown>): Detection | InformationalAlert {
  const out: Record<string, unknown> = { ...a };
  for (const k of ["level", "message", "event_time", "event", "vigil_module", "vigil_message"]) delete out[k];
  if (typeof a.vigil_module === "string") out.module = a.vigil_module;
  if (a.vigil_message && typeof a.vigil_message === "object") out.message = a.vigil_message;
  // An alerts.json of a Vigil before MVT's shape: `message` was the catalog messages.
  else if (a.message && typeof a.message === "object") out.message = a.message;
  const event = a.event;
  const emptyEvent = event === undefined || (typeof event === "object" && event !== null && !Array.isArray(event) && Object.keys(event).length === 0);
  if (!("record" in a) && !emptyEvent) out.record = event;
  if (out.matched_indicator === null) delete out.matched_indicator;
  if (a.kind === "informational") out.level = "INFORMATIONAL";
  return out as unknown as Detection | InformationalAlert;
}

export const ALERTS_TIMELINE_HEADER = ["Event Time", "Module", "Message", "Event"];

/**
 * alerts_timeline.csv as MVT writes it: the alerts that have a time, in time order, with MVT's
 * columns; informational entries are included, as MVT includes its INFO alerts.
 */
export function alertsTimelineCsv(alerts: Record<string, unknown>[]): string {
  const timed = alerts.filter((a) => typeof a.event_time === "string" && a.event_time !== "");
  timed.sort((a, b) => String(a.event_time).localeCompare(String(b.event_time)));
  return csvRow(ALERTS_TIMELINE_HEADER) + timed.map((a) => csvRow([String(a.event_time), String(a.module), String(a.message), JSON.stringify(a.event ?? {})])).join("");
}
