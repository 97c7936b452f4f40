// A case folder: case.json (the case's name, id and acquisitions), one results folder per
// acquisition under acquisitions/ (written by the check as a single check writes it, never
// rewritten), and the case's own outputs beside them (timeline.csv, correlations.json,
// summary.json, provenance.json, report.html, retro-hunts/). case.json is replaced atomically,
// and commands that change the case hold case.lock.
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { VigilError } from "../core/errors.ts";

export const CASE_FILE = "case.json";
export const ACQUISITIONS_DIR = "acquisitions";
export const LOCK_FILE = "case.lock";

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

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function writeCaseJson(dir: string, info: CaseInfo): void {
  writeAtomic(join(dir, CASE_FILE), JSON.stringify(info, null, 2) + "\n");
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

/** Reads a case folder's case.json. */
export function loadCase(dir: string): OpenCase {
  const abs = resolve(dir);
  const path = join(abs, CASE_FILE);
  if (!existsSync(path)) throw new VigilError(`not a case folder (no ${CASE_FILE}); create one with "vigil case init"`, { file: abs, code: "usage" });
  let info: CaseInfo;
  try {
    info = JSON.parse(readFileSync(path, "utf8")) as CaseInfo;
  } catch (e) {
    throw new VigilError(`malformed JSON (${(e as Error).message})`, { file: path, code: "json" });
  }
  if (info?.vigil_case !== 1 || typeof info.id !== "string" || !Array.isArray(info.acquisitions)) throw new VigilError("not a Vigil case file", { file: path, code: "json" });
  return { dir: abs, info };
}

/** The next acquisition id of a case, for an acquisition of `kind`. */
export function nextAcquisitionId(info: CaseInfo, kind: string): string {
  const used = new Set(info.acquisitions.map((a) => a.id));
  for (let n = info.acquisitions.length + 1; ; n++) {
    const id = `${String(n).padStart(2, "0")}-${kind}`;
    if (!used.has(id)) return id;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` holding the case's lock, so two commands never change one case at once. A lock left
 * by a process that no longer runs is taken over.
 */
export async function withCaseLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
        throw new VigilError(`another Vigil command is working on this case (${LOCK_FILE}); try again when it is done`, { file: dir, code: "usage" });
      }
      const holder = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
        throw new VigilError(`another Vigil command (process ${holder}) is working on this case; try again when it is done`, { file: dir, code: "usage" });
      }
      rmSync(path, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
