// How Manifest.db's rows are queried and read: picomatch patterns turned into SQLite conditions
// (a superset, filtered exactly afterwards), file types from the flags and mode, and times.
import { fromUnixSeconds } from "../../core/time.ts";
import type { FileEntry } from "../view.ts";

/** Which glob characters picomatch gives meaning to; a pattern without them is a literal. */
export const GLOB_CHARS = /[*?[\]{}()!+@\\]/;
const SIMPLE_GLOB = /^[^[\]{}()!+@\\]*$/;

/** A SQLite GLOB that matches a superset of what the picomatch pattern matches. */
export function sqlGlob(pattern: string): string {
  const esc = (s: string) => s.replace(/[[\]]/g, (c) => `[${c}]`);
  // "**/" and "/**" may match no folder at all in picomatch ("**/a.db" matches "a.db"), so they
  // become a bare "*" rather than "*/".
  if (SIMPLE_GLOB.test(pattern)) return esc(pattern).replace(/(?:^|\/)\*\*(?:\/|$)/g, "*").replace(/\*+/g, "*");
  const m = GLOB_CHARS.exec(pattern);
  const prefix = m ? pattern.slice(0, m.index) : pattern;
  return esc(prefix).replace(/[*?]/g, (c) => `[${c}]`) + "*";
}

export function condition(column: string, pattern: string, params: unknown[]): string | undefined {
  if (pattern === "**" || (pattern === "*" && column === "domain")) return undefined;
  if (!GLOB_CHARS.test(pattern)) {
    params.push(pattern);
    return `${column} = ?`;
  }
  params.push(sqlGlob(pattern));
  return `${column} GLOB ?`;
}

export function typeOfFlags(flags: number | null, mode: number | undefined): FileEntry["type"] {
  if (flags === 2) return "directory";
  if (flags === 4) return "symlink";
  if (flags === 1) return "file";
  // Non-standard writers (pyiosbackup's fixture has flags 0): fall back to the mode bits.
  if (mode !== undefined) {
    const fmt = mode & 0o170000;
    if (fmt === 0o040000) return "directory";
    if (fmt === 0o120000) return "symlink";
  }
  return "file";
}

// Backups hold many files stamped with the same second; Date#toISOString showed up in profiles.
const isoCache = new Map<number, string | undefined>();
export function isoSeconds(s: number | undefined): string | undefined {
  if (s === undefined || s === 0) return undefined;
  let v = isoCache.get(s);
  if (v === undefined) {
    v = fromUnixSeconds(s);
    if (isoCache.size > 100_000) isoCache.clear();
    isoCache.set(s, v);
  }
  return v;
}

/** A Files row as the view reads it. */
export interface Row {
  rowid: number;
  fileID: string;
  domain: string | null;
  relativePath: string | null;
  flags: number | null;
  file: Buffer | null;
}

const textOf = (v: unknown): string => (typeof v === "string" ? v : Buffer.isBuffer(v) ? v.toString("utf8") : String(v));

/**
 * The row with SQLite's dynamic types made the ones above: a damaged database or an odd writer
 * may hold a number, a blob or NULL where Manifest.db has text (made text), text where the
 * MBFile blob belongs (made bytes, then read as unreadable metadata), anything but an integer
 * in flags (made null). Changes the row in place.
 */
export function cleanRow(r: Row): Row {
  if (typeof r.fileID !== "string") r.fileID = r.fileID == null ? "" : textOf(r.fileID);
  if (r.domain !== null && typeof r.domain !== "string") r.domain = textOf(r.domain);
  if (r.relativePath !== null && typeof r.relativePath !== "string") r.relativePath = textOf(r.relativePath);
  if (r.flags !== null && !Number.isInteger(r.flags)) r.flags = null;
  if (r.file !== null && !Buffer.isBuffer(r.file)) r.file = Buffer.from(textOf(r.file));
  return r;
}

/**
 * A payload's name in the backup folder is its fileID, the SHA-1 of domain and path: anything
 * else (a damaged or crafted Manifest.db: "../../x") would name a file outside the backup.
 */
export const isFileId = (id: string): boolean => /^[0-9a-f]{40}$/i.test(id);

/** Why a row's payload is not looked for. */
export const notAFileId = (id: string): string => `Manifest.db gives this file the payload name ${JSON.stringify(id.slice(0, 80))}, not 40 hex digits: not read`;
