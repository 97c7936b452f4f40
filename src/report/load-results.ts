// Reads a results folder back into the result model: Vigil's own (info.json, coverage.json,
// alerts.json, timeline.csv) or MVT's (per-module *_detected.json, timeline.csv, info.json).
// The HTML report and `vigil report` are built from this, so a report can be rebuilt later.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { VigilError } from "../core/errors.ts";
import type { Coverage, Detection, Grade, IndicatorKind, RunInfo, TimelineEvent } from "../core/model.ts";
import { ALERTS_FILE, COVERAGE_FILE, INFO_FILE, MVT_DETECTED_FILE, MVT_INFO_FILE, readResultsFile } from "../core/results-schema.ts";
import { parseLooseTimestamp } from "../core/time.ts";
import { parseCsv } from "./csv.ts";

export interface LoadedResults {
  dir: string;
  origin: "vigil" | "mvt";
  info?: RunInfo;
  /** MVT's info.json as it is, when the folder is MVT's. */
  mvtInfo?: Record<string, unknown>;
  coverage?: Coverage[];
  detections: Detection[];
}

/** A results file, read and checked against the shape its readers rely on (core/results-schema.ts). */
const readJson = readResultsFile;

const MVT_TYPE: Record<string, IndicatorKind> = {
  "domain-name:value": "domain",
  domains: "domain",
  "url:value": "url",
  urls: "url",
  "process:name": "process",
  processes: "process",
  "email-addr:value": "email",
  emails: "email",
  "file:name": "file_name",
  "file:path": "file_path",
  file_paths: "file_path",
  "app:id": "app_id",
  app_ids: "app_id",
  "ipv4-addr:value": "ipv4",
  "android-property:name": "android_property",
  "configuration-profile:id": "configuration_profile",
};

function mvtTimestamp(rec: Record<string, unknown>): string | undefined {
  for (const k of ["isodate", "timestamp", "first_isodate", "last_seen", "date", "visit_date", "modified", "created"]) {
    const v = rec[k];
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return parseLooseTimestamp(v);
  }
  return undefined;
}

/** MVT writes one `<module>_detected.json` per module with detections; each record carries matched_indicator. */
function mvtDetections(dir: string, files: string[]): Detection[] {
  const out: Detection[] = [];
  for (const f of files.filter((x) => x.endsWith("_detected.json"))) {
    const module = f.replace(/_detected\.json$/, "");
    const data = readJson(join(dir, f), MVT_DETECTED_FILE);
    const recs = Array.isArray(data) ? data : [];
    for (const r of recs as Record<string, unknown>[]) {
      const mi = (r.matched_indicator ?? {}) as Record<string, unknown>;
      const type = MVT_TYPE[String(mi.type ?? "")] ?? "domain";
      const value = String(mi.value ?? "");
      out.push({
        module,
        grade: "medium" as Grade,
        kind: "indicator",
        title: `Known indicator ${value} (${String(mi.name ?? "IOC set")}) in ${module}`,
        matched: value,
        matched_indicator: {
          value,
          type,
          name: String(mi.name ?? ""),
          stix2_file_name: String(mi.stix2_file_name ?? ""),
          source: String(mi.stix2_file_name ?? ""),
          sha256: "",
        },
        artifact: module,
        timestamp: mvtTimestamp(r),
        record: r,
      });
    }
  }
  return out;
}

export function loadResults(dir: string): LoadedResults {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VigilError("not a results folder", { file: dir, code: "usage" });
  const files = readdirSync(dir);
  const has = (f: string) => files.includes(f);
  if (has("coverage.json") && has("alerts.json")) {
    const info = has("info.json") ? readJson(join(dir, "info.json"), INFO_FILE) : undefined;
    return {
      dir,
      origin: "vigil",
      info,
      coverage: readJson(join(dir, "coverage.json"), COVERAGE_FILE),
      detections: readJson(join(dir, "alerts.json"), ALERTS_FILE),
    };
  }
  const detectedFiles = files.filter((f) => f.endsWith("_detected.json"));
  const moduleFiles = files.filter((f) => f.endsWith(".json") && !["info.json", "command.log"].includes(f));
  if (!has("timeline.csv") && moduleFiles.length === 0) throw new VigilError("neither a Vigil nor an MVT results folder (no alerts.json, no module JSON files)", { file: dir, code: "usage" });
  return {
    dir,
    origin: "mvt",
    mvtInfo: has("info.json") ? readJson(join(dir, "info.json"), MVT_INFO_FILE) : undefined,
    detections: mvtDetections(dir, detectedFiles),
  };
}

/** Streams timeline.csv (MVT's column order: UTC Timestamp, Plugin, Event, Description). */
export async function* readTimeline(dir: string, file = "timeline.csv"): AsyncGenerator<TimelineEvent> {
  const path = join(dir, file);
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let header = true;
  let pending = "";
  for await (const line of rl) {
    // A quoted description may hold a newline: join lines until the quotes balance.
    pending = pending ? `${pending}\n${line}` : line;
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) continue;
    const row = parseCsv(pending + "\n").next().value as string[] | undefined;
    pending = "";
    if (!row) continue;
    if (header) {
      header = false;
      if (/timestamp/i.test(row[0] ?? "")) continue;
    }
    const ts = parseLooseTimestamp(row[0] ?? "");
    if (!ts) continue;
    yield { timestamp: ts, module: row[1] ?? "", event: row[2] ?? "", description: row[3] ?? "" };
  }
}
