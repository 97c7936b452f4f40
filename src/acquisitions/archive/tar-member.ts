// How one tar member's header becomes an entry the views list, or a refusal: its name judged
// (safety.ts), its type mapped, its link target kept inside the archive. Headers spread over
// several blocks (PAX records, GNU long names) reach here already merged by tar-stream.
import type { Header } from "tar-stream";
import { isoDate, type ArchiveEntry } from "./entry.ts";
import { checkEntryPath, linkEscapes, normaliseLink, type Refusal } from "./safety.ts";

export type Member =
  /** Listed; its body follows in the archive. */
  | { entry: ArchiveEntry }
  /** Refused. `always`: whatever the unsafe policy (device files, fifos), never an error. */
  | { refused: Refusal; always?: boolean }
  /** The archive's own root ("./"): nothing to list. */
  | { skip: true };

export function readMember(h: Header): Member {
  const checked = checkEntryPath(h.name);
  if ("reason" in checked) return { refused: { entry: h.name, reason: checked.reason } };
  if (!checked.path) return { skip: true };
  const path = checked.path;
  // tar-stream reports type flags it does not know (GNU sparse "S", volume labels) as null:
  // those members are read as plain files holding the bytes stored for them.
  const t = h.type ?? "file";
  const base = { path, size: h.size ?? 0, modified: isoDate(h.mtime), mode: h.mode, uid: h.uid, gid: h.gid };
  if (t === "file" || t === "contiguous-file") return { entry: { ...base, type: "file" } };
  if (t === "directory") return { entry: { ...base, type: "directory", size: 0 } };
  if (t === "symlink") {
    const target = h.linkname ?? "";
    if (linkEscapes(path, target)) return { refused: { entry: h.name, reason: `symlink to ${JSON.stringify(target)} escapes the archive` } };
    return { entry: { ...base, type: "symlink", size: 0, linkTarget: target } };
  }
  if (t === "link") {
    const target = normaliseLink(h.linkname ?? "");
    if (target === undefined || !target) return { refused: { entry: h.name, reason: `hard link to ${JSON.stringify(h.linkname)} escapes the archive` } };
    return { entry: { ...base, type: "file", size: 0, hardlinkTo: target } };
  }
  return { refused: { entry: h.name, reason: `${t} entries are never extracted` }, always: true };
}
