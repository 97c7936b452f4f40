// A results folder as JSON Lines that Timesketch imports as it is (its JSONL importer,
// timesketch/lib/utils.py read_and_validate_jsonl, version 20231025): one line per timeline
// event with the three fields Timesketch requires (`message`, `datetime` in ISO 8601,
// `timestamp_desc`) and `timestamp` in microseconds, plus Vigil's `module`, `plugin` and `event`;
// the events of records that matched carry the detection's grade, indicator and rule and the
// tag `vigil-detection`; each dated detection is a line of its own as well.
import type { Detection, Grade } from "../core/model.ts";
import { GRADES } from "../core/model.ts";
import { parseLooseTimestamp } from "../core/time.ts";
import { moduleOfPlugin } from "../modules/mvt-names.ts";
import type { LoadedResults } from "./load-results.ts";
import { readTimeline } from "./load-results.ts";

export const DETECTION_TAG = "vigil-detection";

/** Microseconds since the epoch of an ISO 8601 UTC time (Timesketch's `timestamp`). */
function micros(iso: string): number {
  return Date.parse(iso) * 1000;
}

function strongest(ds: Detection[]): Detection {
  return ds.reduce((a, b) => (GRADES.indexOf(b.grade) < GRADES.indexOf(a.grade) ? b : a));
}

/** The detection fields of a line: grade, kind, indicator (value, type, set) and rule. */
function detectionFields(d: Detection): Record<string, unknown> {
  return {
    grade: d.grade,
    detection_kind: d.kind,
    detection_title: d.title,
    ...(d.matched_indicator ? { indicator: d.matched_indicator.value, indicator_type: d.matched_indicator.type, ioc_set: d.matched_indicator.name, ioc_source: d.matched_indicator.source } : {}),
    ...(d.rule ? { rule: d.rule.id } : {}),
    artifact: d.artifact,
  };
}

function tags(grade: Grade): string[] {
  return [DETECTION_TAG, `vigil-grade-${grade}`];
}

/**
 * The JSON Lines of a results folder (Vigil's or MVT's), in time order for the timeline's events
 * and then the detections' own lines. Yields one line (without its newline) at a time.
 */
export async function* timesketchLines(results: LoadedResults, acquisition?: string): AsyncGenerator<string> {
  // A detection marks the timeline events of its module at its time.
  const byEvent = new Map<string, Detection[]>();
  for (const d of results.detections) {
    if (!d.timestamp) continue;
    const k = `${d.module}\0${d.timestamp}`;
    const list = byEvent.get(k);
    if (list) list.push(d);
    else byEvent.set(k, [d]);
  }
  const common = acquisition ? { acquisition } : {};
  for await (const e of readTimeline(results.dir)) {
    const module = moduleOfPlugin(e.module);
    const hit = byEvent.get(`${module}\0${e.timestamp}`);
    const line: Record<string, unknown> = {
      message: e.description || e.event,
      datetime: e.timestamp,
      timestamp: micros(e.timestamp),
      timestamp_desc: e.event,
      module,
      plugin: e.module,
      event: e.event,
      ...common,
    };
    if (hit) {
      const d = strongest(hit);
      Object.assign(line, detectionFields(d), { tag: tags(d.grade) });
    }
    yield JSON.stringify(line);
  }
  for (const d of results.detections) {
    // A detection whose time is no time (a damaged alerts.json) has no line, as an undated one.
    const at = d.timestamp && parseLooseTimestamp(d.timestamp);
    if (!at) continue;
    yield JSON.stringify({
      message: `[${d.grade}] ${d.title}`,
      datetime: at,
      timestamp: micros(at),
      timestamp_desc: "Detection",
      module: d.module,
      event: "detection",
      ...common,
      ...detectionFields(d),
      tag: tags(d.grade),
    });
  }
}
