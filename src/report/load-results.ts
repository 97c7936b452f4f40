// Reads a results folder back into the result model: Vigil's own (info.json, coverage.json,
// alerts.json, timeline.csv) or MVT's (per-module *_detected.json, timeline.csv, info.json).
// The HTML report and `vigil report` are built from this, so a report can be rebuilt later.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "../core/errors.ts";
import { isRegularFile } from "../core/regular-file.ts";
import type { Coverage, Detection, Exposure, InformationalAlert, ModuleExposure, RunInfo, TimelineEvent } from "../core/model.ts";
import { ALERTS_FILE, COVERAGE_FILE, EXPOSURE_FILE, INFO_FILE, MVT_ALERTS_FILE, MVT_DETECTED_FILE, MVT_INFO_FILE, readResultsFile } from "../core/results-schema.ts";
import { timelineToIso } from "../core/time.ts";
import { readLines } from "../formats/lines.ts";
import { parseCsv } from "./csv.ts";
import { describeExposure } from "./exposure.ts";
import { fromAlert } from "./alerts.ts";
import { mapMvtAlerts, type MappedAlerts } from "./mvt-alerts.ts";

export interface LoadedResults {
  dir: string;
  origin: "vigil" | "mvt";
  info?: RunInfo;
  /** MVT's info.json as it is, when the folder is MVT's. */
  mvtInfo?: Record<string, unknown>;
  /** The acquisition kind the results come from, when known (Vigil's info.json). */
  kind?: string;
  coverage?: Coverage[];
  detections: Detection[];
  /** Entries that never count as detections: exposure mirrored in alerts.json, MVT's INFO alerts. */
  informational: InformationalAlert[];
  /** What the phone was open to (exposure.json, or MVT's alerts mapped). */
  exposure: Exposure[];
}

/** A results file, read and checked against the shape its readers rely on (core/results-schema.ts). */
const readJson = readResultsFile;

/**
 * MVT's alerts: from alerts.json when it holds MVT's alert list (every module's alerts), else
 * from each `<module>_detected.json` (older MVT wrote only these).
 */
function mvtAlerts(dir: string, files: string[]): MappedAlerts {
  if (files.includes("alerts.json")) {
    const all = readJson(join(dir, "alerts.json"), MVT_ALERTS_FILE);
    if (all.length && all.every((a) => a && typeof a === "object" && "level" in a)) return mapMvtAlerts(all, "unknown");
  }
  const out: MappedAlerts = { detections: [], exposure: [], informational: [] };
  for (const f of files.filter((x) => x.endsWith("_detected.json"))) {
    const data = readJson(join(dir, f), MVT_DETECTED_FILE);
    const m = mapMvtAlerts(data, f.replace(/_detected\.json$/, ""));
    out.detections.push(...m.detections);
    out.exposure.push(...m.exposure);
    out.informational.push(...m.informational);
  }
  return out;
}

/**
 * Older Vigil versions reported an outdated iOS and an old Android patch level as weak rules
 * (ios-outdated, android-outdated-security-patch). Read back, they are exposure, never signs.
 */
function fromLegacyRules(all: Detection[]): { detections: Detection[]; exposure: Exposure[] } {
  const detections: Detection[] = [];
  const found: ModuleExposure[] = [];
  for (const d of all) {
    const base = { module: d.module, artifact: d.artifact, level: "risk" as const };
    if (d.rule?.id === "ios-outdated") {
      found.push({ ...base, kind: "outdated_os", params: { os: "iOS", version: d.matched, newest: /iOS ([\d.]+) is available/.exec(d.title)?.[1] ?? "?" } });
    } else if (d.rule?.id === "android-outdated-security-patch") {
      const m = /\((\d+) months older than the (\S+) bulletin\)/.exec(d.title);
      found.push({ ...base, kind: "old_security_patch", params: { patch: d.matched, months: m ? Number(m[1]) : "?", bulletin: m?.[2] ?? "?" } });
    } else {
      detections.push(d);
    }
  }
  return { detections, exposure: describeExposure(found) };
}

export function loadResults(dir: string): LoadedResults {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VigilError("not a results folder", { file: dir, code: "usage" });
  const files = readdirSync(dir);
  const has = (f: string) => files.includes(f);
  if (has("coverage.json") && has("alerts.json")) {
    const info = has("info.json") ? readJson(join(dir, "info.json"), INFO_FILE) : undefined;
    // alerts.json lists the detections, then informational entries that never count.
    // In MVT's shape (report/alerts.ts): Vigil's module and the record come back from vigil_module and event.
    const list = readJson(join(dir, "alerts.json"), ALERTS_FILE).map((a) => fromAlert(a as unknown as Record<string, unknown>));
    const detections = list.filter((a): a is Detection => a.kind === "indicator" || a.kind === "heuristic");
    // Results of an older Vigil have no exposure.json: their exposure is still among the detections.
    const legacy = has("exposure.json") ? undefined : fromLegacyRules(detections);
    const exposure = legacy ? legacy.exposure : readJson(join(dir, "exposure.json"), EXPOSURE_FILE);
    return {
      dir,
      origin: "vigil",
      info,
      kind: info?.acquisition?.original_kind ?? info?.acquisition?.kind,
      coverage: readJson(join(dir, "coverage.json"), COVERAGE_FILE),
      detections: legacy ? legacy.detections : detections,
      informational: list.filter((a): a is InformationalAlert => a.kind === "informational"),
      exposure,
    };
  }
  const moduleFiles = files.filter((f) => f.endsWith(".json") && !["info.json", "command.log"].includes(f));
  if (!has("timeline.csv") && moduleFiles.length === 0) throw new VigilError("neither a Vigil nor an MVT results folder (no alerts.json, no module JSON files)", { file: dir, code: "usage" });
  const mapped = mvtAlerts(dir, files);
  return {
    dir,
    origin: "mvt",
    mvtInfo: has("info.json") ? readJson(join(dir, "info.json"), MVT_INFO_FILE) : undefined,
    detections: mapped.detections,
    informational: mapped.informational,
    exposure: describeExposure(mapped.exposure),
  };
}

/**
 * A quoted field longer than this is taken for a stray quote: the lines it swallowed are skipped,
 * and said. A line longer than this is skipped too: held whole, a line past 512 MB of text would
 * throw (V8's longest string) while the file is read.
 */
const MAX_QUOTED = 16 * 1024 * 1024;

/** A timeline.csv up to this size is read at once. */
const SMALL_FILE = 64 * 1024;

/** The text with each lone CR made a LF: rows end at LF, CRLF or CR, as readline splits them. */
async function* crAsLf(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let held = "";
  for await (const chunk of chunks) {
    let text = held + chunk;
    // A CR at the end of a chunk may be the first half of a CRLF.
    held = text.endsWith("\r") ? "\r" : "";
    if (held) text = text.slice(0, -1);
    yield text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
  }
  if (held) yield "\n";
}

/**
 * Streams timeline.csv (MVT's column order: UTC Timestamp, Plugin, Event, Description). Rows it
 * cannot read are skipped and told to `problem` (by default a warning on stderr), never dropped
 * in silence: a quote never closed, or a row without a readable time.
 */
export async function* readTimeline(dir: string, file = "timeline.csv", problem: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`)): AsyncGenerator<TimelineEvent> {
  const path = join(dir, file);
  if (!existsSync(path)) return;
  if (!isRegularFile(path)) throw new VigilError("not a regular file", { file: path, code: "json" });
  let long = 0;
  // A small file is read at once, so that its descriptor is not held while its reader waits (the
  // case timeline keeps a reader open on every acquisition's timeline until the merge reaches it).
  const chunks = statSync(path).size <= SMALL_FILE ? [readFileSync(path, "utf8")] : createReadStream(path, "utf8");
  const lines = readLines(crAsLf(chunks), { maxLine: MAX_QUOTED, onLong: (_n, length) => (long = length) });
  let header = true;
  let pending = "";
  // Quotes in `pending`, counted line by line: counting them again in the whole of `pending` at
  // each line was quadratic after a stray quote (every later line joins it).
  let quotes = 0;
  let lineNo = 0;
  let openedAt = 0;
  let untimed = 0;
  for await (const line of lines) {
    lineNo++;
    if (long) {
      problem(`${path}: line ${lineNo} is ${long.toLocaleString("en")} characters long, past ${MAX_QUOTED / 1024 / 1024} MB; ${pending ? `lines ${openedAt} to ${lineNo} were` : "it was"} skipped`);
      long = 0;
      pending = "";
      quotes = 0;
      continue;
    }
    // A quoted description may hold a newline: join lines until the quotes balance.
    if (!pending) openedAt = lineNo;
    pending = pending ? `${pending}\n${line}` : line;
    for (let q = line.indexOf('"'); q >= 0; q = line.indexOf('"', q + 1)) quotes++;
    if (quotes % 2 === 1) {
      if (pending.length > MAX_QUOTED) {
        problem(`${path}: line ${openedAt} opens a quoted field that runs past ${MAX_QUOTED / 1024 / 1024} MB; lines ${openedAt} to ${lineNo} were skipped`);
        pending = "";
        quotes = 0;
      }
      continue;
    }
    const row = parseCsv(pending + "\n").next().value as string[] | undefined;
    pending = "";
    quotes = 0;
    if (!row) continue;
    if (header) {
      header = false;
      if (/timestamp/i.test(row[0] ?? "")) continue;
    }
    const ts = timelineToIso(row[0] ?? "");
    if (!ts) {
      untimed++;
      continue;
    }
    yield { timestamp: ts, module: row[1] ?? "", event: row[2] ?? "", description: row[3] ?? "" };
  }
  if (pending) problem(`${path}: line ${openedAt} opens a quoted field that is never closed; lines ${openedAt} to ${lineNo} could not be read`);
  if (untimed) problem(`${path}: ${untimed} row${untimed === 1 ? "" : "s"} without a readable time ${untimed === 1 ? "was" : "were"} skipped`);
}
