// One archive member as the zip and tar readers report it, and how it is shown to modules.
import type { FileEntry } from "../view.ts";

export interface ArchiveEntry {
  /** Normalised, safe path inside the archive (no leading "./", no trailing "/"). */
  path: string;
  type: "file" | "directory" | "symlink";
  size: number;
  compressedSize?: number;
  /** UTC ISO-8601. */
  modified?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkTarget?: string;
  /** A tar hard link: the archive path whose data this entry shares. */
  hardlinkTo?: string;
  /** Why the member's bytes cannot be restored exactly (a tar sparse format Vigil does not read): reading it fails with this. */
  unrestorable?: string;
}

/** UTC ISO-8601, or undefined for a missing or invalid date. */
export function isoDate(d: Date | undefined): string | undefined {
  if (!d) return undefined;
  const t = d.getTime();
  return Number.isFinite(t) ? d.toISOString() : undefined;
}

/** The entry as a view lists it, at `path` (its archive path less the acquisition's root folder). */
export function toFileEntry(a: ArchiveEntry, path: string): FileEntry {
  // Called for every entry of a dump of millions: meta is only built when there is some.
  let meta: Record<string, unknown> | undefined;
  if (a.mode !== undefined) (meta ??= {}).mode = a.mode;
  if (a.uid !== undefined) (meta ??= {}).uid = a.uid;
  if (a.gid !== undefined) (meta ??= {}).gid = a.gid;
  if (a.linkTarget !== undefined) (meta ??= {}).linkTarget = a.linkTarget;
  if (a.hardlinkTo !== undefined) (meta ??= {}).hardlinkTo = a.hardlinkTo;
  if (a.compressedSize !== undefined) (meta ??= {}).compressedSize = a.compressedSize;
  return { path, size: a.size, modified: a.modified, type: a.type === "file" ? undefined : a.type, meta };
}
