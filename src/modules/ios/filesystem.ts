// The filesystem walk of a full-filesystem dump: every file and folder, with its modification
// time, as MVT's filesystem module. A path that is a known spyware file is strong evidence it
// existed on the phone; a path component named like a known spyware process is medium (the
// name could be a coincidence, the location is not checked).
import { entryPages } from "../../acquisitions/view.ts";
import { batched, defineModule, type ModuleContext } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { Refusal } from "../../acquisitions/archive/safety.ts";
import { msg } from "../../core/i18n/index.ts";

export interface FilesystemRecord {
  path: string;
  modified?: string;
  size?: number;
  type?: "file" | "directory" | "symlink" | "special";
  /** A FIFO, socket or device: listed, never read. */
  special?: string;
  /** The name is not UTF-8: `path` shows its bytes escaped (\xNN), and the file was not read. */
  name_not_utf8?: boolean;
}

interface WithRefusals {
  refused(): Refusal[];
}

/**
 * The walk, in the view's pages of entries (an awaited step per entry cost more than the rest of
 * reading it).
 */
async function* recordPages(ctx: ModuleContext): AsyncIterable<FilesystemRecord[]> {
  const v = ctx.view as unknown as Partial<WithRefusals>;
  if (typeof v.refused === "function") {
    const refused = v.refused();
    for (const r of refused.slice(0, 50)) ctx.warn(`refused archive entry ${JSON.stringify(r.entry)}: ${r.reason}`);
    if (refused.length > 50) ctx.warn(`${refused.length - 50} more archive entries refused`);
  }
  // Consecutive entries share most of their folder: only components past the part shared
  // with the previous path are checked against process names, so a spyware-named folder
  // alerts once, not once per file inside it.
  let prev = "";
  let special = 0;
  let notUtf8 = 0;
  for await (const entries of entryPages(ctx.view)) {
    const page: FilesystemRecord[] = [];
    for (const e of entries) {
      const rec: FilesystemRecord = { path: e.path, modified: e.modified };
      if (e.size !== undefined && (e.type ?? "file") === "file") rec.size = e.size;
      if (e.type && e.type !== "file") rec.type = e.type;
      if (e.type === "special") {
        rec.special = String(e.meta?.special ?? "unknown type");
        special++;
      }
      if (e.meta?.nameNotUtf8) {
        rec.name_not_utf8 = true;
        if ((e.type ?? "file") === "file") notUtf8++;
      }
      let shared = 0;
      const n = Math.min(prev.length, e.path.length);
      while (shared < n && prev.charCodeAt(shared) === e.path.charCodeAt(shared)) shared++;
      let cut: number;
      // Same path or a parent of the previous one: every component was already checked.
      if (shared === e.path.length && (shared === prev.length || prev[shared] === "/")) cut = shared;
      // A child of the previous path: only the components past it are new.
      else if (shared === prev.length && e.path[shared] === "/") cut = shared + 1;
      // Otherwise back up to the start of the component the paths diverge in.
      else cut = e.path.lastIndexOf("/", shared - 1) + 1;
      newFrom.set(rec, cut);
      prev = e.path;
      page.push(rec);
    }
    yield page;
  }
  if (special) ctx.warn(`${special} FIFO(s), socket(s) or device(s) listed (type "special"), not read`);
  if (notUtf8) ctx.warn(`${notUtf8} file(s) whose name is not UTF-8 listed with the bytes escaped (\\xNN, name_not_utf8), not read`);
}

export default defineModule<FilesystemRecord>({
  name: "filesystem",
  title: "Filesystem walk (every file and folder)",
  platform: "ios",
  description:
    "Walks every entry of a full-filesystem dump, recording its path and modification time. Flags paths and file names that are known spyware files, and path components named like known spyware processes.",
  reads: { whole: ["ios_fs"] },
  records(ctx) {
    return batched(recordPages(ctx));
  },
  events: (r) => (r.modified ? [{ timestamp: r.modified, event: "entry_modified", description: r.path }] : []),
  check(r, ctx) {
    const from = newFrom.get(r) ?? 0;
    newFrom.delete(r);
    const out: DetectionInput[] = [];
    const full = "/" + r.path;
    const byPath = ctx.iocs.filePath(full);
    const byName = ctx.iocs.fileName(r.path.slice(r.path.lastIndexOf("/") + 1)).filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value)).map((m) => ({ ...m, matched: full }));
    if (byName.length) {
      out.push(
        ...fromMatches(byName, {
          grade: "strong",
          title: () => msg("det.filesystem.name", { path: full }),
          why: msg("det.filesystem.name.why"),
          artifact: r.path,
          timestamp: r.modified,
        }),
      );
    }
    if (byPath.length) {
      out.push(
        ...fromMatches(byPath, {
          grade: "strong",
          title: () => msg("det.filesystem.path", { path: full }),
          why: msg("det.filesystem.path.why"),
          artifact: r.path,
          timestamp: r.modified,
        }),
      );
    }
    let start = from;
    while (start < r.path.length) {
      let end = r.path.indexOf("/", start);
      if (end < 0) end = r.path.length;
      if (end > start) {
        const comp = r.path.slice(start, end);
        const ms = ctx.iocs.process(comp);
        if (ms.length) {
          const dir = r.path.slice(0, end);
          out.push(
            ...fromMatches(
              ms.filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value)).map((m) => ({ ...m, matched: "/" + dir })),
              {
                grade: "medium",
                title: (m) => msg("det.filesystem.process_name", { name: m.indicator.value, path: "/" + dir }),
                why: msg("det.filesystem.process_name.why"),
                artifact: dir,
                timestamp: r.modified,
              },
            ),
          );
        }
      }
      start = end + 1;
    }
    return out;
  },
});

/** Where each record's unchecked components start, handed from records() to check(). */
const newFrom = new WeakMap<FilesystemRecord, number>();
