// The iPhone backups in a folder, described from their three small plists alone (Info.plist,
// Manifest.plist, Status.plist): device, iOS version, date, encryption, and whether the backup
// finished. Nothing else in a backup is read; its size is the sum of its files' sizes as the
// file system gives them. For `vigil backups` and the app's home page.
import { readFile, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describeError } from "../../core/errors.ts";
import { parsePlist, type PlistValue } from "../../formats/plist.ts";
import { backupPlaces, thisComputer } from "./places.ts";

export type BackupState = "complete" | "unfinished" | "damaged";

export interface FoundBackup {
  /** The backup folder. */
  dir: string;
  state: BackupState;
  /** Why it is unfinished or damaged, in one line. */
  problem?: string;
  deviceName?: string;
  /** "iPhone 13 Pro", else the model code ("iPhone14,2"). */
  model?: string;
  iosVersion?: string;
  build?: string;
  udid?: string;
  /** When the backup was made (ISO-8601, UTC). */
  date?: string;
  /** Manifest.plist says so; unknown when it is missing or unreadable. */
  encrypted?: boolean;
  /** Bytes of every file in the folder. */
  size?: number;
}

/** Names that only an iPhone backup folder holds. */
const MARKERS = ["Info.plist", "Manifest.plist", "Status.plist", "Manifest.db", "Manifest.mbdb"];
/** Subfolders looked at in one folder: a Backup folder holds one per device. */
const MAX_FOLDERS = 2000;

type Dict = Record<string, PlistValue>;

async function isFile(p: string): Promise<{ size: number } | undefined> {
  try {
    const st = await stat(p);
    return st.isFile() ? { size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

async function readDict(path: string): Promise<{ dict?: Dict; missing?: true; error?: string }> {
  let data: Buffer;
  try {
    // A FIFO in a plist's place would keep the read (and the listing of every backup) waiting for ever.
    if (!(await stat(path)).isFile()) return { error: "not a regular file" };
    data = await readFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? { missing: true } : { error: describeError(e) };
  }
  try {
    const v = parsePlist(data, path);
    if (v && typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date)) return { dict: v as Dict };
    return { error: "not a dictionary" };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const str = (v: PlistValue | undefined): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const date = (v: PlistValue | undefined): string | undefined => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : undefined);

/** True when `dir` holds any of a backup's own files. */
export async function looksLikeBackup(dir: string): Promise<boolean> {
  for (const m of MARKERS) if (await isFile(join(dir, m))) return true;
  return false;
}

/** Describes one backup folder from its plists. */
export async function describeBackup(dir: string): Promise<FoundBackup> {
  const out: FoundBackup = { dir: resolve(dir), state: "complete" };
  const problems: string[] = [];
  let unfinished = false;
  const info = await readDict(join(dir, "Info.plist"));
  const manifest = await readDict(join(dir, "Manifest.plist"));
  const status = await readDict(join(dir, "Status.plist"));
  const lockdown = (manifest.dict?.["Lockdown"] ?? {}) as Dict;
  const i = info.dict ?? {};
  out.deviceName = str(i["Device Name"]) ?? str(i["Display Name"]) ?? str(lockdown["DeviceName"]);
  out.model = str(i["Product Name"]) ?? str(i["Product Type"]) ?? str(lockdown["ProductType"]);
  out.iosVersion = str(i["Product Version"]) ?? str(lockdown["ProductVersion"]);
  out.build = str(i["Build Version"]) ?? str(lockdown["BuildVersion"]);
  out.udid = str(i["Unique Identifier"]) ?? str(i["Target Identifier"]) ?? str(lockdown["UniqueDeviceID"]);
  out.date = date(i["Last Backup Date"]) ?? date(status.dict?.["Date"]) ?? date(manifest.dict?.["Date"]);
  if (manifest.dict) out.encrypted = manifest.dict["IsEncrypted"] === true;

  const snapshot = str(status.dict?.["SnapshotState"]);
  if (snapshot && snapshot !== "finished") {
    unfinished = true;
    problems.push(`the backup did not finish (Status.plist: ${snapshot})`);
  }
  if (info.missing) problems.push("Info.plist is missing");
  else if (info.error) problems.push(`Info.plist cannot be read: ${info.error}`);
  if (manifest.error) problems.push(`Manifest.plist cannot be read: ${manifest.error}`);
  if (status.error) problems.push(`Status.plist cannot be read: ${status.error}`);
  const db = await isFile(join(dir, "Manifest.db"));
  if (!db) {
    if (await isFile(join(dir, "Manifest.mbdb"))) problems.push("made before iOS 10 (Manifest.mbdb), which Vigil does not read");
    else if (!unfinished) problems.push("Manifest.db is missing");
  } else if (db.size === 0) problems.push("Manifest.db is empty");
  if (problems.length) {
    // A backup cut short is unfinished, whatever else is missing because of it.
    out.state = unfinished ? "unfinished" : "damaged";
    out.problem = problems.join("; ");
  }
  out.size = await folderSize(dir);
  return out;
}

/** Sum of the sizes of every file below `dir` (links not followed). */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map(async (e) => (await isFile(join(dir, e.name)))?.size ?? 0));
  for (const s of sizes) total += s;
  for (const e of entries) if (e.isDirectory()) total += await folderSize(join(dir, e.name));
  return total;
}

/**
 * The backups in `dir`: `dir` itself when it is one, else its subfolders that are (and, for a
 * folder above Backup such as MobileSync, the level below them). Newest first.
 */
export async function findBackups(dir: string, depth = 2): Promise<FoundBackup[]> {
  if (await looksLikeBackup(dir)) return [await describeBackup(dir)];
  if (depth === 0) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: FoundBackup[] = [];
  for (const e of entries.slice(0, MAX_FOLDERS)) {
    if (!e.isDirectory()) continue;
    found.push(...(await findBackups(join(dir, e.name), depth - 1)));
  }
  return found.sort((a, b) => (b.date ?? "").localeCompare(a.date ?? "") || a.dir.localeCompare(b.dir));
}

export interface PlaceListing {
  dir: string;
  /** Which program keeps backups there; undefined for a folder the user named. */
  by?: string;
  exists: boolean;
  backups: FoundBackup[];
}

/** The backups in each place, in the order given (a backup found twice is listed once). */
export async function listPlaces(places: { dir: string; by?: string }[]): Promise<PlaceListing[]> {
  const seen = new Set<string>();
  const out: PlaceListing[] = [];
  for (const p of places) {
    const dir = resolve(p.dir);
    let exists = false;
    try {
      exists = (await stat(dir)).isDirectory();
    } catch {
      exists = false;
    }
    const backups = exists ? (await findBackups(dir)).filter((b) => !seen.has(b.dir)) : [];
    for (const b of backups) seen.add(b.dir);
    out.push({ dir, by: p.by, exists, backups });
  }
  return out;
}

/** The backups in this computer's places, then in the folders given (--in). */
export function backupsHere(extra: string[] = []): Promise<PlaceListing[]> {
  return listPlaces([...backupPlaces(thisComputer()), ...extra.map((dir) => ({ dir }))]);
}
