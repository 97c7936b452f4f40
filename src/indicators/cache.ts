// Where indicator snapshots live: per-user cache folders written by `vigil iocs update` and
// `vigil iocs import` (newest wins), else the snapshot bundled with Vigil.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { DATA_DIR } from "../core/paths.ts";
import { english, msg } from "../core/i18n/index.ts";
import type { Message } from "../core/model.ts";

export const BUNDLED_SNAPSHOT = join(DATA_DIR, "iocs");

export function vigilHome(): string {
  if (process.env.VIGIL_HOME) return resolve(process.env.VIGIL_HOME);
  if (process.env.XDG_CACHE_HOME) return join(resolve(process.env.XDG_CACHE_HOME), "vigil");
  return join(homedir(), ".cache", "vigil");
}

export function cacheRoot(): string {
  return join(vigilHome(), "iocs");
}

export interface SnapshotSource {
  /** Top folder of the snapshot holding this source's files. */
  dir: string;
  repo?: string;
  commit?: string;
  url?: string;
  license?: string;
}

export interface SnapshotInfo {
  /** ISO time the snapshot was made (or, for the bundled one, when its data was taken). */
  created: string;
  /** How it was made: "bundled", "update <index url>", "import <folder>". */
  source: string;
  sources?: SnapshotSource[];
}

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  url?: string;
}

export interface DefaultIndicators {
  paths: string[];
  kind: "cache" | "bundled" | "none";
  dir?: string;
  info?: SnapshotInfo;
  /** One line for info.json and the terminal (English), and the same as a catalog message for the report. */
  description: string;
  message: Message;
}

const STAMP = /^\d{8}T\d{6}(?:\d{3})?Z(?:-\d+)?$/;

function readInfo(dir: string): SnapshotInfo | undefined {
  try {
    const doc = JSON.parse(readFileSync(join(dir, "snapshot.json"), "utf8")) as SnapshotInfo;
    return typeof doc.created === "string" ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Complete cache snapshots (with a manifest) under `root` (the indicator cache by default), newest first. */
export function listCachedSnapshots(root = cacheRoot()): { dir: string; info?: SnapshotInfo }[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => STAMP.test(n) && existsSync(join(root, n, "manifest.json")))
    .sort()
    .reverse()
    .map((n) => ({ dir: join(root, n), info: readInfo(join(root, n)) }));
}

/** The newest cached snapshot, else the bundled one, and a line that says which. */
export function defaultIndicatorPaths(): DefaultIndicators {
  const cached = listCachedSnapshots()[0];
  if (cached) {
    const date = cached.info?.created ?? "unknown date";
    const message = msg("iocs.snapshot.cached", { date, dir: cached.dir });
    return { paths: [cached.dir], kind: "cache", dir: cached.dir, info: cached.info, description: english(message), message };
  }
  if (existsSync(BUNDLED_SNAPSHOT)) {
    const info = readInfo(BUNDLED_SNAPSHOT);
    const message = info ? msg("iocs.snapshot.bundled", { date: info.created.slice(0, 10) }) : msg("iocs.snapshot.bundled_undated");
    return {
      paths: [BUNDLED_SNAPSHOT],
      kind: "bundled",
      dir: BUNDLED_SNAPSHOT,
      info,
      description: english(message),
      message,
    };
  }
  const message = msg("iocs.snapshot.none");
  return { paths: [], kind: "none", description: english(message), message };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.(\d{3})Z$/, "$1Z");
}

export interface PendingSnapshot {
  /** Temporary folder to write into; renamed into place by commit(). */
  dir: string;
  write(relPath: string, data: Buffer, url?: string): void;
  commit(info: SnapshotInfo): string;
  abort(): void;
}

/**
 * A new snapshot folder (under `root`, the indicator cache by default) that becomes visible only when complete: files go to a hidden
 * temporary folder, and commit() writes the manifest and renames it into place, so a failed
 * update never leaves a half-written snapshot as the newest one.
 */
export function beginSnapshot(now = new Date(), root = cacheRoot()): PendingSnapshot {
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.partial-${stamp(now)}-${randomBytes(4).toString("hex")}`);
  mkdirSync(tmp);
  const files: ManifestFile[] = [];
  return {
    dir: tmp,
    write(relPath, data, url) {
      const parts = relPath.split(/[\\/]+/).filter(Boolean);
      if (parts.length === 0 || parts.some((p) => p === "." || p === "..")) throw new Error(`unsafe path in snapshot: ${relPath}`);
      const dest = join(tmp, ...parts);
      if (!dest.startsWith(tmp + sep)) throw new Error(`unsafe path in snapshot: ${relPath}`);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, data);
      files.push({ path: parts.join("/"), sha256: createHash("sha256").update(data).digest("hex"), size: data.length, ...(url ? { url } : {}) });
    },
    commit(info) {
      writeFileSync(join(tmp, "snapshot.json"), JSON.stringify(info, null, 2) + "\n");
      writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ created: info.created, source: info.source, files }, null, 2) + "\n");
      let name = stamp(now);
      for (let n = 1; existsSync(join(root, name)); n++) name = `${stamp(now)}-${n}`;
      const final = join(root, name);
      renameSync(tmp, final);
      return final;
    },
    abort() {
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
