// The retro-hunt matches saved in a case folder (retro-hunts/<time>.json, one file per hunt that
// found something new in the case), and the detections they stand for in the case report.
import { existsSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { describeError } from "../core/errors.ts";
import { english, hasMessage, msg } from "../core/i18n/index.ts";
import { writeOutputFile } from "../core/output-file.ts";
import { GRADES, type Detection, type Grade, type IndicatorKind } from "../core/model.ts";
import { readResultsFile, type ResultsFileKind } from "../core/results-schema.ts";

export const RETRO_HUNTS_DIR = "retro-hunts";

export interface RetroMatch {
  acquisition: string;
  module: string;
  field: string;
  /** The archived value that matched, and what kind of value it is (url, domain, process...). */
  value: string;
  kind: string;
  first_seen?: string;
  last_seen?: string;
  count: number;
  indicator: { value: string; type: IndicatorKind; set: string; source: string; sha256: string };
  grade: Grade;
}

export interface RetroHuntFile {
  ran: string;
  /** Which indicators the hunt used ("indicator snapshot of ..."). */
  indicators: string;
  matches: RetroMatch[];
}

const str = v.string();
/** What the case report reads of a saved hunt (see core/results-schema.ts). */
const RETRO_HUNT_FILE: ResultsFileKind<RetroHuntFile> = {
  schema: v.looseObject({
    ran: str,
    matches: v.array(
      v.looseObject({
        acquisition: str,
        module: str,
        field: str,
        value: str,
        first_seen: v.optional(str),
        indicator: v.looseObject({ value: str, type: str, set: str, source: str, sha256: str }),
        grade: v.picklist(GRADES),
      }),
    ),
  }),
  expected: "a retro-hunt file (ran, matches with their indicator and grade)",
};

function stamp(iso: string): string {
  return iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Writes one hunt's new matches into the case folder; returns the file's path. */
export function saveRetroHunt(caseDir: string, hunt: RetroHuntFile): string {
  const dir = join(caseDir, RETRO_HUNTS_DIR);
  mkdirSync(dir, { recursive: true });
  let path = join(dir, `${stamp(hunt.ran)}.json`);
  for (let n = 2; existsSync(path); n++) path = join(dir, `${stamp(hunt.ran)}-${n}.json`);
  writeOutputFile(path, JSON.stringify(hunt, null, 2) + "\n");
  return path;
}

export function retroMatchDetection(m: RetroMatch, ran: string): Detection {
  // The kind of indicator in the re-check's words (det.recheck.kind.<type>), else its id.
  const kind = hasMessage(`det.recheck.kind.${m.indicator.type}`) ? msg(`det.recheck.kind.${m.indicator.type}`) : m.indicator.type.replace(/_/g, " ");
  const title = msg("case.retro.title", { date: ran.slice(0, 10), set: m.indicator.set, kind, module: m.module, acquisition: m.acquisition, value: m.value });
  const why = msg(`case.retro.why.${m.grade}`);
  return {
    module: m.module,
    grade: m.grade,
    kind: "indicator",
    title: english(title),
    why: english(why),
    message: { title, why },
    matched: m.value,
    matched_indicator: { value: m.indicator.value, type: m.indicator.type, name: m.indicator.set, stix2_file_name: m.indicator.source, source: m.indicator.source, sha256: m.indicator.sha256 },
    artifact: `${m.acquisition}/${m.module}.json (${m.field})`,
    timestamp: m.first_seen,
  };
}

/** Every retro-hunt match saved in the case folder, as detections; and the files that could not be read. */
export function retroHuntDetections(caseDir: string): { detections: Detection[]; problems: string[] } {
  const dir = join(caseDir, RETRO_HUNTS_DIR);
  const out: Detection[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    // No retro-hunt yet. Anything else there (a file, a link to nothing or looping: a case folder
    // damaged or crafted) may hide saved matches, and is said.
    if ((e as NodeJS.ErrnoException).code === "ENOENT" && !lstatSync(dir, { throwIfNoEntry: false })) return { detections: out, problems };
    problems.push(`${RETRO_HUNTS_DIR}: not a folder that can be read (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`);
    return { detections: out, problems };
  }
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    try {
      const f = readResultsFile(join(dir, name), RETRO_HUNT_FILE);
      for (const m of f.matches) out.push(retroMatchDetection(m, f.ran));
    } catch (e) {
      // The archive still holds its matches (vigil hunt); the report says the file is damaged.
      problems.push(describeError(e).replace(dir, RETRO_HUNTS_DIR));
    }
  }
  return { detections: out, problems };
}
