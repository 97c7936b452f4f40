// The app's results folder: one folder per check (named after the kind and the time, as the
// command line names them), and cases/ with one folder per case. Earlier checks and cases are
// listed from what their folders hold (info.json, summary.json, case.json). A cancelled check or
// case addition cleans up after itself (it stops as on SIGTERM).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CASE_FILE, initCase, loadCase, type OpenCase } from "../cases/case-folder.ts";
import type { RunInfo, Summary } from "../core/model.ts";
import { isRegularFile } from "../core/regular-file.ts";

export const CASES_DIR = "cases";

/** A JSON file's content; undefined when it is missing or damaged (or not a file: a FIFO would block the app). */
export function readJson<T>(path: string): T | undefined {
  if (!isRegularFile(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** A name usable as one folder name on every system: no separators or characters Windows refuses. */
export function folderName(name: string): string {
  const cleaned = name
    .normalize("NFC")
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, "-")
    .replace(/[. ]+$/, "")
    .trim()
    .slice(0, 80);
  const reserved = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(cleaned);
  return cleaned && !reserved ? cleaned : "case";
}

/** `base` in `parent`, or base-2, base-3... when it is taken. */
export function freeFolder(parent: string, base: string): string {
  for (let n = 1; ; n++) {
    const p = join(parent, n === 1 ? base : `${base}-${n}`);
    if (!existsSync(p)) return p;
  }
}

/** The results folder for a new check of `kind`. */
export function checkFolder(root: string, kind: string, now = new Date()): string {
  return freeFolder(root, `${kind}-${now.toISOString().replace(/[:]/g, "").replace(/\..*$/, "")}`);
}

export interface EarlierCheck {
  dir: string;
  kind?: string;
  input?: string;
  device?: string;
  started?: string;
  summary: Summary;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The checks in the results folder, newest first. */
export function earlierChecks(root: string): EarlierCheck[] {
  if (!existsSync(root)) return [];
  const out: EarlierCheck[] = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === CASES_DIR) continue;
    const dir = join(root, d.name);
    const summary = readJson<Summary>(join(dir, "summary.json"));
    if (!summary?.verdict) continue;
    const info = readJson<RunInfo>(join(dir, "info.json"));
    // A folder copied in from elsewhere may hold any values: only text is shown, and sorted on.
    out.push({ dir, kind: text(info?.acquisition?.kind), input: text(info?.acquisition?.path), device: text(info?.device?.name), started: text(info?.started), summary });
  }
  return out.sort((a, b) => (b.started ?? "").localeCompare(a.started ?? ""));
}

export interface CaseEntry {
  dir: string;
  id: string;
  name: string;
  created: string;
  acquisitions: { id: string; kind: string; input: string; exit_code: number }[];
  /** The case's summary.json, once built. */
  summary?: { verdict?: string; incomplete?: boolean; detections?: Record<string, number> };
  report: boolean;
}

function caseEntry(open: OpenCase): CaseEntry {
  return {
    dir: open.dir,
    id: open.info.id,
    name: open.info.name,
    created: open.info.created,
    acquisitions: open.info.acquisitions.map((a) => ({ id: a.id, kind: a.kind, input: a.input, exit_code: a.exit_code })),
    summary: readJson(join(open.dir, "summary.json")),
    report: existsSync(join(open.dir, "report.html")),
  };
}

/** The case folders in the results folder's cases/ and in `others` (the case archive's), each once. */
export function listCases(root: string, others: string[] = []): CaseEntry[] {
  const dirs = existsSync(join(root, CASES_DIR)) ? readdirSync(join(root, CASES_DIR)).map((n) => join(root, CASES_DIR, n)) : [];
  const seen = new Set<string>();
  const out: CaseEntry[] = [];
  for (const dir of [...dirs, ...others]) {
    if (!existsSync(join(dir, CASE_FILE))) continue;
    try {
      const e = caseEntry(loadCase(dir));
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    } catch {
      // A damaged case.json: the case commands say what is wrong with it.
    }
  }
  return out.sort((a, b) => b.created.localeCompare(a.created));
}

/** A new case in the results folder's cases/. */
export function newCase(root: string, name: string): CaseEntry {
  return caseEntry(initCase(freeFolder(join(root, CASES_DIR), folderName(name)), name));
}
