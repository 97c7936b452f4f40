import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { VigilError } from "../core/errors.js";
import { parseLooseTimestamp } from "../core/time.js";
import { parseCsv } from "./csv.js";
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new VigilError(`malformed JSON: ${e.message}`, { file: path, code: "json" });
  }
}
const MVT_TYPE = {
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
  "configuration-profile:id": "configuration_profile"
};
function mvtTimestamp(rec) {
  for (const k of ["isodate", "timestamp", "first_isodate", "last_seen", "date", "visit_date", "modified", "created"]) {
    const v = rec[k];
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return parseLooseTimestamp(v);
  }
  return void 0;
}
function mvtDetections(dir, files) {
  const out = [];
  for (const f of files.filter((x) => x.endsWith("_detected.json"))) {
    const module = f.replace(/_detected\.json$/, "");
    const data = readJson(join(dir, f));
    const recs = Array.isArray(data) ? data : [];
    for (const r of recs) {
      const mi = r.matched_indicator ?? {};
      const type = MVT_TYPE[String(mi.type ?? "")] ?? "domain";
      const value = String(mi.value ?? "");
      out.push({
        module,
        grade: "medium",
        kind: "indicator",
        title: `Known indicator ${value} (${String(mi.name ?? "IOC set")}) in ${module}`,
        matched: value,
        matched_indicator: {
          value,
          type,
          name: String(mi.name ?? ""),
          stix2_file_name: String(mi.stix2_file_name ?? ""),
          source: String(mi.stix2_file_name ?? ""),
          sha256: ""
        },
        artifact: module,
        timestamp: mvtTimestamp(r),
        record: r
      });
    }
  }
  return out;
}
function loadResults(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VigilError("not a results folder", { file: dir, code: "usage" });
  const files = readdirSync(dir);
  const has = (f) => files.includes(f);
  if (has("coverage.json") && has("alerts.json")) {
    const info = has("info.json") ? readJson(join(dir, "info.json")) : void 0;
    return {
      dir,
      origin: "vigil",
      info,
      coverage: readJson(join(dir, "coverage.json")),
      detections: readJson(join(dir, "alerts.json"))
    };
  }
  const detectedFiles = files.filter((f) => f.endsWith("_detected.json"));
  const moduleFiles = files.filter((f) => f.endsWith(".json") && !["info.json", "command.log"].includes(f));
  if (!has("timeline.csv") && moduleFiles.length === 0) throw new VigilError("neither a Vigil nor an MVT results folder (no alerts.json, no module JSON files)", { file: dir, code: "usage" });
  return {
    dir,
    origin: "mvt",
    mvtInfo: has("info.json") ? readJson(join(dir, "info.json")) : void 0,
    detections: mvtDetections(dir, detectedFiles)
  };
}
async function* readTimeline(dir, file = "timeline.csv") {
  const path = join(dir, file);
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let header = true;
  let pending = "";
  for await (const line of rl) {
    pending = pending ? `${pending}
${line}` : line;
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) continue;
    const row = parseCsv(pending + "\n").next().value;
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
export {
  loadResults,
  readTimeline
};
