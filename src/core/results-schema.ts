// The shapes of the files of a results folder that Vigil reads back (`vigil report`,
// `check-iocs`): what the readers rely on is checked when a file is read, and a file of another
// shape is refused with one line naming it and saying what was expected, instead of failing
// later somewhere in the report. Objects may hold more fields (a newer Vigil's, MVT's).
// valibot: a schema library whose functions are bundled only where used (a few kB here).
import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import { VigilError } from "./errors.ts";
import { isRegularFile } from "./regular-file.ts";
import { deeperThan } from "./nesting.ts";
import { GRADES, type Coverage, type Detection, type Exposure, type Grade, type InformationalAlert, type RunInfo } from "./model.ts";

const str = v.string();
const optStr = v.optional(str);
const optNum = v.optional(v.number());

/** A JSON object: valibot's object schemas also take an array (as an object of its indexes). */
const notArray = <S extends v.GenericSchema>(schema: S) =>
  v.pipe(
    v.unknown(),
    v.check((x) => !Array.isArray(x), "expected Object, found Array"),
    schema,
  );

export const COVERAGE_STATUSES = ["checked", "absent", "failed", "not_applicable"] as const;

const coverageEntry = v.looseObject({
  module: str,
  title: str,
  status: v.picklist(COVERAGE_STATUSES),
  records: optNum,
  skipped: optNum,
  reason: optStr,
  artifacts: v.optional(v.array(str)),
  warnings: v.optional(v.array(str)),
  detections: optNum,
});

const detection = v.looseObject({
  module: str,
  grade: v.picklist(GRADES),
  kind: v.picklist(["indicator", "heuristic"]),
  title: str,
  why: optStr,
  matched: str,
  // null where the detection matched no indicator, as MVT writes alerts.json.
  matched_indicator: v.nullish(
    v.looseObject({ value: str, type: str, id: optStr, name: str, stix2_file_name: optStr, source: optStr, sha256: optStr, also_in: v.optional(v.array(str)) }),
  ),
  rule: v.optional(v.looseObject({ id: str, description: str })),
  artifact: str,
  timestamp: optStr,
  record: v.optional(v.unknown()),
  // An MVT alert carried over by check-iocs: its level and words, shown in the report.
  mvt: v.optional(v.looseObject({ level: str, message: str })),
});

/** An entry of alerts.json that never counts (exposure mirrored there, MVT's INFO alerts). */
const informational = v.looseObject({
  module: str,
  level: str,
  kind: v.literal("informational"),
  title: str,
  why: optStr,
  exposure: optStr,
  artifact: optStr,
  timestamp: optStr,
  record: v.optional(v.unknown()),
});

/** An entry of exposure.json; its kind may be one a newer Vigil knows (its own words are kept). */
const exposure = v.looseObject({
  kind: str,
  level: v.picklist(["risk", "info"]),
  params: notArray(v.record(str, v.union([str, v.number()]))),
  module: str,
  title: str,
  what_it_means: str,
  artifact: optStr,
  timestamp: optStr,
});

const runInfo = v.looseObject({
  tool: v.literal("vigil"),
  version: str,
  command: v.array(str),
  started: str,
  finished: optStr,
  acquisition: v.looseObject({ kind: str, path: str, encrypted: v.boolean(), original_kind: optStr }),
  device: v.optional(v.looseObject({ platform: v.optional(v.picklist(["ios", "android", "network"])) })),
  inputs: v.array(v.looseObject({ path: str, sha256: str, size: v.number(), error: optStr })),
  iocs: v.looseObject({
    snapshot: optStr,
    sets: v.array(v.looseObject({ name: str, source: str, sha256: str, loadedAt: str, indexName: optStr, counts: v.record(str, v.number()) })),
    errors: v.array(str),
  }),
  lang: optStr,
  threads: optNum,
  // The data sets the check used (core/model.ts DatasetInfo), listed in the report.
  datasets: v.optional(
    v.array(v.looseObject({ name: str, kind: str, path: str, source: str, date: optStr, sha256: optStr, version: optStr, age_days: optNum, stale: v.boolean() })),
  ),
});

/**
 * summary.json of a check (read back by the case commands) or of a case: the fields they use.
 * A verdict this Vigil does not know (a newer one's) is kept; it ranks below the known ones.
 */
const summary = notArray(
  v.looseObject({
    verdict: str,
    incomplete: v.optional(v.boolean()),
    detections: v.optional(notArray(v.record(str, v.number()))),
    exitCode: optNum,
  }),
);

/** A results file Vigil reads back: its schema and, for messages, what it should be. */
export interface ResultsFileKind<T> {
  schema: v.GenericSchema<unknown, unknown>;
  expected: string;
  /** Only for the type: what a valid file is read as. */
  readonly _type?: T;
}

export const COVERAGE_FILE: ResultsFileKind<Coverage[]> = { schema: v.array(coverageEntry), expected: "a list of coverage entries (module, title, status)" };
export const ALERTS_FILE: ResultsFileKind<(Detection | InformationalAlert)[]> = {
  // Told apart by kind, so that an entry is checked against the fields of its own kind.
  schema: v.array(v.variant("kind", [detection, informational])),
  expected: "a list of detections (module, grade, kind, title, matched, artifact) and informational entries",
};
export const EXPOSURE_FILE: ResultsFileKind<Exposure[]> = { schema: v.array(exposure), expected: "a list of exposure entries (kind, level, params, module, title, what_it_means)" };
export const INFO_FILE: ResultsFileKind<RunInfo> = { schema: runInfo, expected: "Vigil's run information (tool, version, command, acquisition, inputs, iocs)" };

export const SUMMARY_FILE: ResultsFileKind<{ verdict: string; incomplete?: boolean; detections?: Record<Grade, number>; exitCode?: number }> = {
  schema: summary,
  expected: "a summary (verdict, incomplete, detections)",
};

/** MVT's info.json: only an object is expected of it. */
export const MVT_INFO_FILE: ResultsFileKind<Record<string, unknown>> = { schema: notArray(v.record(str, v.unknown())), expected: "a JSON object" };
/**
 * MVT's `<module>_detected.json`: its alerts (level, module, message, event, matched_indicator)
 * or, from older MVT, the flagged records, each with the indicator it matched. MVT writes a
 * null matched_indicator for an alert that matched none.
 */
export const MVT_DETECTED_FILE: ResultsFileKind<Record<string, unknown>[]> = {
  schema: v.array(notArray(v.looseObject({ matched_indicator: v.nullish(notArray(v.record(str, v.unknown()))) }))),
  expected: "a list of records (objects), each with its matched_indicator",
};
/** MVT's alerts.json: a list; entries that are not MVT alerts send the reader to the _detected.json files. */
export const MVT_ALERTS_FILE: ResultsFileKind<unknown[]> = { schema: v.array(v.unknown()), expected: "a list of alerts" };

/** "[3].status" for the path of a valibot issue; "" at the top of the file. */
function where(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((p) => (typeof p.key === "number" ? `[${p.key}]` : `.${String(p.key)}`)).join("").replace(/^\./, "");
}

/** Checks `data` read from `file` against `kind`; throws a one-line VigilError naming the file. */
export function validateResults<T>(file: string, data: unknown, kind: ResultsFileKind<T>): T {
  const r = v.safeParse(kind.schema, data);
  if (r.success) return data as T;
  const issue = r.issues[0];
  const at = where(issue);
  const last = issue.path?.[issue.path.length - 1];
  const missing = issue.received === "undefined" && typeof last?.key === "string";
  const found = missing ? "missing" : issue.type !== "check" && issue.expected ? `expected ${issue.expected}, found ${issue.received}` : issue.message;
  throw new VigilError(`not ${kind.expected}: ${at ? `${at}: ` : ""}${found}`, { file, code: "schema" });
}

/**
 * Nesting no results file Vigil or MVT writes reaches. JSON.parse reads any depth, but
 * JSON.stringify (detected records, the report's record views) overflows the stack on a few
 * thousand levels.
 */
export const MAX_RESULTS_DEPTH = 512;

/** Reads and checks a results file. */
export function readResultsFile<T>(file: string, kind: ResultsFileKind<T>): T {
  let data: unknown;
  if (existsSync(file) && !isRegularFile(file)) throw new VigilError("not a regular file", { file, code: "json" });
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VigilError(code ? `cannot read (${code})` : `malformed JSON: ${(e as Error).message.split("\n")[0]}`, { file, code: "json" });
  }
  if (deeperThan(data, MAX_RESULTS_DEPTH)) throw new VigilError(`not ${kind.expected}: nested more than ${MAX_RESULTS_DEPTH} levels deep`, { file, code: "schema" });
  return validateResults(file, data, kind);
}
