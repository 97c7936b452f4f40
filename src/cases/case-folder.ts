// A case folder: case.json (the case's name, id and acquisitions), one results folder per
// acquisition under acquisitions/ (written by the check as a single check writes it, never
// rewritten), and the case's own outputs beside them (timeline.csv, correlations.json,
// summary.json, provenance.json, report.html, retro-hunts/). case.json is replaced atomically,
// and commands that change the case hold case.lock.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as v from "valibot";
import { VigilError } from "../core/errors.ts";
import { onInterrupt } from "../core/interrupt.ts";
import { writeOutputFile } from "../core/output-file.ts";
import { lockFolder } from "../core/output-lock.ts";
import { readResultsFile, type ResultsFileKind } from "../core/results-schema.ts";

export const CASE_FILE = "case.json";
export const ACQUISITIONS_DIR = "acquisitions";
const LOCK_FILE = "case.lock";

export interface CaseAcquisition {
  /** "01-ios_backup": its order in the case and its kind; also its folder's name. */
  id: string;
  kind: string;
  /** The input path, absolute, as given. */
  input: string;
  added: string;
  /** Its results folder, relative to the case folder. */
  results: string;
  /** The check's exit code. */
  exit_code: number;
}

export interface CaseInfo {
  vigil_case: 1;
  /** Random: two cases with the same name stay apart in a shared archive. */
  id: string;
  name: string;
  created: string;
  acquisitions: CaseAcquisition[];
}

export interface OpenCase {
  dir: string;
  info: CaseInfo;
}

export function writeCaseJson(dir: string, info: CaseInfo): void {
  writeOutputFile(join(dir, CASE_FILE), JSON.stringify(info, null, 2) + "\n");
}

/** Creates a case in `dir` (new or empty). */
export function initCase(dir: string, name: string, now = new Date()): OpenCase {
  const abs = resolve(dir);
  if (!name.trim()) throw new VigilError("give the case a name (--name)", { code: "usage" });
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new VigilError("exists and is not a folder", { file: abs, code: "usage" });
    if (existsSync(join(abs, CASE_FILE))) throw new VigilError("is already a case folder", { file: abs, code: "usage" });
    if (readdirSync(abs).length) throw new VigilError("is not empty; give a new or empty folder for the case", { file: abs, code: "usage" });
  }
  mkdirSync(join(abs, ACQUISITIONS_DIR), { recursive: true });
  const info: CaseInfo = { vigil_case: 1, id: randomUUID(), name: name.trim(), created: now.toISOString(), acquisitions: [] };
  writeCaseJson(abs, info);
  return { dir: abs, info };
}

const str = v.string();
/**
 * What the case commands read of case.json. A case folder may come from someone else: an
 * acquisition's results folder must lie in the case's acquisitions/ (as `case add` writes it),
 * never elsewhere on the machine that opens the case.
 */
const CASE_JSON: ResultsFileKind<CaseInfo> = {
  schema: v.looseObject({
    vigil_case: v.literal(1),
    id: str,
    name: str,
    created: str,
    acquisitions: v.pipe(
      v.array(
        v.looseObject({
          id: str,
          kind: str,
          input: str,
          added: str,
          results: v.pipe(
            str,
            v.check((r) => /^acquisitions\/[^/\\\0]+$/.test(r) && r !== "acquisitions/." && r !== "acquisitions/..", "expected a folder in acquisitions/"),
          ),
          exit_code: v.number(),
        }),
      ),
      // Listed twice, an acquisition would count twice in the case's verdict and counts.
      v.check((l) => new Set(l.map((a) => a.id)).size === l.length && new Set(l.map((a) => a.results)).size === l.length, "an acquisition listed twice"),
    ),
  }),
  expected: "a Vigil case file (vigil_case, id, name, created, acquisitions)",
};

/** Reads a case folder's case.json. */
export function loadCase(dir: string): OpenCase {
  const abs = resolve(dir);
  const path = join(abs, CASE_FILE);
  if (!existsSync(path)) throw new VigilError(`not a case folder (no ${CASE_FILE}); create one with "vigil case init"`, { file: abs, code: "usage" });
  return { dir: abs, info: readResultsFile(path, CASE_JSON) };
}

/** The next acquisition id of a case, for an acquisition of `kind`. */
export function nextAcquisitionId(info: CaseInfo, kind: string): string {
  const used = new Set(info.acquisitions.map((a) => a.id));
  for (let n = info.acquisitions.length + 1; ; n++) {
    const id = `${String(n).padStart(2, "0")}-${kind}`;
    if (!used.has(id)) return id;
  }
}

/**
 * Runs `fn` holding the case's lock (case.lock, taken as a results folder's: see
 * core/output-lock.ts), so two commands never change one case at once. A lock left by a
 * process that no longer runs is taken over.
 */
export async function withCaseLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockFolder(dir, {
    file: LOCK_FILE,
    refusal: (at, pid) =>
      new VigilError(pid > 0 ? `another Vigil command (process ${pid}) is working on this case; try again when it is done` : `another Vigil command is working on this case (${LOCK_FILE}); try again when it is done`, { file: at, code: "usage" }),
  });
  // Stopped by Ctrl-C or SIGTERM, the command lets the case go (its other clean-ups run first).
  const off = onInterrupt(() => lock.release(), ["SIGINT", "SIGTERM"]);
  try {
    return await fn();
  } finally {
    off();
    lock.release();
  }
}
