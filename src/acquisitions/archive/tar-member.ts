// How one tar member's header becomes an entry the views list, or a refusal: its name judged
// (safety.ts), its type mapped, its link target kept inside the archive. Headers spread over
// several blocks (PAX records, GNU long names) reach here already merged by tar-stream.
import type { Header } from "tar-stream";
import { isoDate, type ArchiveEntry } from "./entry.ts";
import { checkEntryPath, linkEscapes, normaliseLink, refusal, type Refusal } from "./safety.ts";
import { sparseLayout, type SparseLayout } from "./tar-sparse.ts";

export type Member =
  /**
   * Listed; its body follows in the archive. `sparse`: the body is a sparse file's stored data,
   * to restore (tar-sparse.ts). `unrestorable`: the file cannot be restored exactly; it is listed
   * so that what reads it fails with this reason instead of finding it absent.
   */
  | { entry: ArchiveEntry; sparse?: SparseLayout; unrestorable?: string }
  /** Refused. `always`: whatever the unsafe policy (device files, fifos), never an error. */
  | { refused: Refusal; always?: boolean }
  /** The archive's own root ("./"): nothing to list. */
  | { skip: true };

export function readMember(h: Header): Member {
  // tar-stream gives a member's PAX records as `pax` (not in its types).
  const pax = (h as { pax?: Record<string, string> | null }).pax;
  const sparse = h.type === "file" || h.type === "contiguous-file" ? sparseLayout(pax) : undefined;
  // A sparse file's real name is in its PAX records (the header names GNUSparseFile.<pid>/...).
  const name = sparse && pax?.["GNU.sparse.name"] ? pax["GNU.sparse.name"] : h.name;
  const checked = checkEntryPath(name);
  if ("reason" in checked) return { refused: checked };
  if (!checked.path) return { skip: true };
  const path = checked.path;
  const base = { path, size: h.size ?? 0, modified: isoDate(h.mtime), mode: h.mode, uid: h.uid, gid: h.gid };
  if (sparse) {
    if ("problem" in sparse) return { entry: { ...base, type: "file" }, unrestorable: sparse.problem };
    return { entry: { ...base, type: "file", size: sparse.realSize }, sparse };
  }
  // tar-stream reports type flags it does not know (GNU's old sparse "S", multi-volume parts,
  // volume labels) as null: their stored bytes are not the file, so they are never read as one.
  if (h.type === null || h.type === undefined) return { entry: { ...base, type: "file" }, unrestorable: "member of a type Vigil cannot restore exactly (GNU sparse or multi-volume)" };
  const t = h.type;
  if (t === "file" || t === "contiguous-file") return { entry: { ...base, type: "file" } };
  if (t === "directory") return { entry: { ...base, type: "directory", size: 0 } };
  if (t === "symlink") {
    const target = h.linkname ?? "";
    if (linkEscapes(path, target)) return { refused: refusal(h.name, "symlink_escapes", { target: JSON.stringify(target) }) };
    return { entry: { ...base, type: "symlink", size: 0, linkTarget: target } };
  }
  if (t === "link") {
    const target = normaliseLink(h.linkname ?? "");
    if (target === undefined || !target) return { refused: refusal(h.name, "hardlink_escapes", { target: JSON.stringify(h.linkname) }) };
    return { entry: { ...base, type: "file", size: 0, hardlinkTo: target } };
  }
  return { refused: refusal(h.name, "never_extracted", { type: t }), always: true };
}
