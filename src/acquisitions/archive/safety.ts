/**
 * What makes reading a hostile archive safe, in one place: the limits that stop zip and tar
 * bombs, the judgement of entry names and link targets, and the only way an entry is written
 * to disk (below a private temp folder, never over an existing file).
 *
 * Evidence archives come from phones that may be compromised, so every archive is treated as
 * hostile: entries are never extracted to where their name points, only into a private temp
 * folder, and only after their name has been checked.
 *
 * - `ArchiveLimits`, `DEFAULT_LIMITS`: `maxEntrySize` (bytes of one entry read or extracted),
 *   `maxTotalSize` (declared sum for a zip; decompressed bytes for a tar stream), `maxRatio`
 *   (uncompressed/compressed, checked once an entry or stream has produced `ratioFloor`
 *   bytes), `maxEntries`, `maxReadFile` (largest entry `readFile` loads into memory; stream
 *   the rest). Breaking a limit throws a VigilError naming the archive and the entry (code
 *   "archive_limit").
 * - `checkEntryPath(name, {backslashIsSeparator})`: the one place an entry name is judged.
 *   Refused: `..` components, absolute paths, drive letters / UNC names, NUL bytes.
 *   `linkEscapes(entryPath, target)`: whether a link, resolved inside the archive, leaves it
 *   (absolute targets are taken as relative to the archive root, the way a chroot would).
 * - Unsafe entries (the above, plus links escaping the root) are refused: never listed, read or
 *   extracted. With `onUnsafe: "error"` (default) opening or walking throws a VigilError naming
 *   the archive and the entry (code "archive_unsafe"); with "skip" they are collected as
 *   `Refusal`s. Device files, fifos and sockets are always skipped (and collected).
 */
import { createWriteStream, promises as fsp } from "node:fs";
import { join } from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { VigilError } from "../../core/errors.ts";
import { english, msg } from "../../core/i18n/index.ts";
import type { Message, MessageParams } from "../../core/model.ts";

export interface ArchiveLimits {
  maxEntrySize: number;
  maxTotalSize: number;
  maxRatio: number;
  ratioFloor: number;
  maxEntries: number;
  maxReadFile: number;
}

const GiB = 1024 ** 3;
/**
 * Generous enough for a full-filesystem dump (hundreds of GB, files of many GB), tight enough
 * that a bomb is stopped long before the disk fills: DEFLATE cannot exceed ~1032:1, so a
 * 500:1 ratio over 64 MiB only happens with crafted or pathological data.
 */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntrySize: 64 * GiB,
  maxTotalSize: 2048 * GiB,
  maxRatio: 500,
  ratioFloor: 64 * 1024 * 1024,
  maxEntries: 20_000_000,
  maxReadFile: 2 * GiB - 1,
};

export type UnsafePolicy = "error" | "skip";

export interface ArchiveOptions {
  limits?: Partial<ArchiveLimits>;
  onUnsafe?: UnsafePolicy;
  /** Name shown in errors instead of the path (e.g. "bundle.zip:backup.ab"). */
  display?: string;
}

export interface Refusal {
  entry: string;
  /** In English, for errors and logs. */
  reason: string;
  /** The same as a catalog message, for the report in the reader's language. */
  why?: Message;
}

/** A refusal of `entry` for the reason `archive.refused.<id>` of the catalogs. */
export function refusal(entry: string, id: string, params?: MessageParams): Refusal {
  const why = msg(`archive.refused.${id}`, params);
  return { entry, reason: english(why), why };
}

export function limitsOf(o?: ArchiveOptions): ArchiveLimits {
  return { ...DEFAULT_LIMITS, ...(o?.limits ?? {}) };
}

export function limitError(archive: string, entry: string | undefined, what: string): VigilError {
  return new VigilError(entry ? `entry ${JSON.stringify(entry)}: ${what}` : what, { file: archive, code: "archive_limit" });
}

export function unsafeError(archive: string, r: Refusal): VigilError {
  return new VigilError(`refused unsafe archive entry ${JSON.stringify(r.entry)}: ${r.reason}`, { file: archive, code: "archive_unsafe" });
}

/** Anything that needs the slow path: NUL, "." or ".." parts, "//", a leading "/" or drive, a trailing "/". */
const NEEDS_CHECK = /\0|(?:^|\/)\.\.?(?:\/|$)|\/\/|^\/|^[A-Za-z]:|\/$|^$/;

/** Judges one entry name. Returns the normalised path, or the reason it is refused. */
export function checkEntryPath(name: string, opts: { backslashIsSeparator?: boolean } = {}): { path: string } | Refusal {
  // Nearly every name is already clean; those skip the split and join.
  if (!NEEDS_CHECK.test(name) && !(opts.backslashIsSeparator && name.includes("\\"))) return { path: name };
  if (name.includes("\0")) return refusal(name, "nul");
  let n = opts.backslashIsSeparator ? name.replace(/\\/g, "/") : name;
  if (/^[A-Za-z]:/.test(n)) return refusal(name, "drive");
  if (n.startsWith("//") || n.startsWith("\\\\")) return refusal(name, "unc");
  if (n.startsWith("/")) return refusal(name, "absolute");
  const parts: string[] = [];
  for (const p of n.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") return refusal(name, "dotdot");
    parts.push(p);
  }
  n = parts.join("/");
  return { path: n };
}

/** Whether a link at entryPath pointing at target leaves the archive root. */
export function linkEscapes(entryPath: string, target: string): boolean {
  if (target.includes("\0") || /^[A-Za-z]:/.test(target) || target.startsWith("\\\\")) return true;
  const stack = target.startsWith("/") ? [] : entryPath.split("/").slice(0, -1);
  for (const p of target.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (stack.length === 0) return true;
      stack.pop();
    } else stack.push(p);
  }
  return false;
}

/** Resolves a hard-link target inside the archive (tar stores them relative to the root). */
export function normaliseLink(target: string): string | undefined {
  const r = checkEntryPath(target);
  return "path" in r ? r.path : undefined;
}

/** Fails a stream once it has carried more bytes than allowed, or a suspicious ratio. */
export class ByteGuard extends Transform {
  n = 0;
  constructor(
    private readonly max: number,
    private readonly onTooBig: () => Error,
    private readonly ratio?: { compressed: number; limits: ArchiveLimits; onRatio: () => Error },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.n += chunk.length;
    if (this.n > this.max) return cb(this.onTooBig());
    const r = this.ratio;
    if (r && this.n >= r.limits.ratioFloor && this.n / Math.max(1, r.compressed) > r.limits.maxRatio) return cb(r.onRatio());
    cb(null, chunk);
  }
}

let extracted = 0;

/**
 * A new file name below the private folder dir for an extracted entry. Not the entry's own
 * path: an archive may hold both "a" and "a/b", names past the file system's length limits, or
 * names that differ only by case, and one such pair must not make every other entry unreadable.
 */
export function extractedFile(dir: string): string {
  return join(dir, String(++extracted));
}

export async function writeNew(dest: string, body: Readable): Promise<void> {
  await fsp.mkdir(join(dest, ".."), { recursive: true, mode: 0o700 });
  // "wx": never overwrite, never write through an existing file or link.
  await pipeline(body, createWriteStream(dest, { flags: "wx", mode: 0o600 }));
}
