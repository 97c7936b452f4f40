// A plain folder as an acquisition view: walked with streamed opendir, never following a
// symlink (symlinks are listed, never followed); reads refuse any path that resolves outside
// the root, and every file read is hashed for provenance.
import { createHash } from "node:crypto";
import { createReadStream, lstatSync, promises as fsp, readlinkSync, realpathSync, statSync, type Dirent } from "node:fs";
import { join, sep } from "node:path";
import { VigilError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import type { InputFile } from "../../core/model.ts";
import { openSqliteFile } from "../../formats/sqlite.ts";
import { HashedRead, hashedInput } from "../hash.ts";
import type { ArtifactSpec, FileEntry } from "../view.ts";
import { findFast, viewBasics, type BaseView, type BaseViewOptions } from "./base-view.ts";
import { checkEntryPath } from "./safety.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A file name as shown: its UTF-8 text, or, for bytes that are not UTF-8, the name with every
 * byte past ASCII written as \xNN (and a backslash as \\), flagged so that nothing reads it
 * by that name.
 */
export function shownName(raw: Buffer): { name: string; escaped: boolean } {
  try {
    return { name: UTF8.decode(raw), escaped: false };
  } catch {
    let out = "";
    for (const b of raw) out += b === 0x5c ? "\\\\" : b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
    return { name: out, escaped: true };
  }
}

function specialKind(ent: Dirent<Buffer>): string | undefined {
  if (ent.isFIFO()) return "fifo";
  if (ent.isSocket()) return "socket";
  if (ent.isBlockDevice()) return "block device";
  if (ent.isCharacterDevice()) return "character device";
  return undefined;
}

/**
 * Streams a folder's entries one listing at a time, never following a symlink. Names are read
 * as bytes: one that is not UTF-8 is listed escaped (meta.nameNotUtf8), and FIFOs, sockets and
 * devices are listed as "special" (meta.special); neither is ever read. Stats are synchronous:
 * on a million-file dump an awaited lstat per file (a thread-pool round trip each) dominated
 * the walk.
 */
export async function* walkFolder(dir: string | Buffer, rel: string, display: string, underEscaped = false): AsyncGenerator<FileEntry> {
  // Folders still to list, the next one last. A stack rather than one nested generator per
  // level: each entry of a folder N levels down went up through N generators (7 s of CPU for
  // 20,000 files 1,000 folders deep), in the same order.
  const todo: { bytes: Buffer; rel: string; escaped: boolean }[] = [{ bytes: typeof dir === "string" ? Buffer.from(dir) : dir, rel, escaped: underEscaped }];
  const SLASH = Buffer.from("/");
  for (let at = todo.pop(); at; at = todo.pop()) {
    const { bytes: dirBytes, rel, escaped: inEscaped } = at;
    let d;
    try {
      d = await fsp.opendir(dirBytes as unknown as string, { bufferSize: 256, encoding: "buffer" } as unknown as Parameters<typeof fsp.opendir>[1]);
    } catch (e) {
      throw new VigilError(`cannot list ${rel || "."} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
    }
    const subdirs: { bytes: Buffer; rel: string; escaped: boolean }[] = [];
    for await (const ent of d as unknown as AsyncIterable<Dirent<Buffer>>) {
      const { name, escaped } = shownName(ent.name);
      const p = rel ? `${rel}/${name}` : name;
      const full = Buffer.concat([dirBytes, SLASH, ent.name]);
      // Below a folder whose name is not UTF-8, no path can be read by its name either.
      const flag = escaped || inEscaped ? { nameNotUtf8: true } : undefined;
      if (ent.isDirectory()) {
        subdirs.push({ bytes: full, rel: p, escaped: escaped || inEscaped });
        yield { path: p, type: "directory", meta: flag };
      } else if (ent.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = readlinkSync(full).toString();
        } catch {
          target = undefined;
        }
        yield { path: p, type: "symlink", meta: target !== undefined || flag ? { ...flag, ...(target !== undefined ? { linkTarget: target } : {}) } : undefined };
      } else if (ent.isFile()) {
        let st;
        try {
          st = lstatSync(full);
        } catch {
          yield { path: p, meta: { ...flag, unreadable: true } };
          continue;
        }
        yield { path: p, size: st.size, modified: fromDate(st.mtime), changed: fromDate(st.ctime), created: st.birthtimeMs ? fromDate(st.birthtime) : undefined, meta: { mode: st.mode & 0o7777, ...flag } };
      } else {
        const kind = specialKind(ent) ?? "unknown type";
        let modified: string | undefined;
        try {
          modified = fromDate(lstatSync(full).mtime);
        } catch {
          modified = undefined;
        }
        yield { path: p, type: "special", modified, meta: { special: kind, ...flag } };
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) todo.push(subdirs[i]);
  }
}

/** A plain folder as an acquisition view; symlinks are listed, never followed. */
export function openFolderView(path: string, opts: BaseViewOptions): BaseView {
  const display = opts.display ?? path;
  let rootReal: string;
  try {
    rootReal = realpathSync(path);
    if (!statSync(rootReal).isDirectory()) throw new VigilError("not a folder", { file: display });
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`cannot open folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
  }
  // Only a fixed sub-folder applies to a folder ("auto" and root-finding functions are for archives).
  const prefix = typeof opts.prefix === "string" && opts.prefix !== "auto" ? opts.prefix.replace(/^\/+|\/+$/g, "") : "";
  const base = prefix ? join(rootReal, prefix) : rootReal;
  const read = new Map<string, InputFile>();
  const hashes: Promise<unknown>[] = [];

  /** The real file for a view path, refusing anything that resolves outside the root. */
  const real = async (p: string): Promise<string> => {
    const checked = checkEntryPath(p);
    if ("reason" in checked) throw new VigilError(`refused path ${JSON.stringify(p)}: ${checked.reason}`, { file: display, code: "archive_unsafe" });
    const full = join(base, ...checked.path.split("/"));
    let r: string;
    try {
      r = await fsp.realpath(full);
    } catch (e) {
      throw new VigilError(`cannot read ${checked.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
    }
    if (r !== full && !(r + sep).startsWith(rootReal + sep)) {
      throw new VigilError(`refused ${checked.path}: it resolves outside the acquisition folder`, { file: display, code: "archive_unsafe" });
    }
    const st = await fsp.lstat(full);
    if (!st.isFile() && !(st.isSymbolicLink() && (await fsp.stat(full)).isFile())) throw new VigilError(`${checked.path} is not a regular file`, { file: display });
    return r;
  };
  /** Files read by readInPlace, by path: hashed by that read, finished when the view settles. */
  const readers = new Map<string, HashedRead>();
  const record = (p: string, data?: Buffer, file?: string, reader?: HashedRead) => {
    if (read.has(p)) return;
    if (data) {
      read.set(p, { path: join(display, p), size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
    } else if (reader) {
      read.set(p, { path: join(display, p), size: 0, sha256: "" });
      readers.set(p, reader);
    } else if (file) {
      read.set(p, { path: join(display, p), size: 0, sha256: "" });
      hashes.push(hashedInput(file, join(display, p)).then((h) => read.set(p, h)));
    }
  };

  const view: BaseView = {
    ...viewBasics(opts, path),
    find: (spec: ArtifactSpec) => findFast(view, spec),
    entries: () => walkFolder(base, "", display),
    async entry(p) {
      const checked = checkEntryPath(p);
      if ("reason" in checked) return undefined;
      const full = join(base, ...checked.path.split("/"));
      try {
        const st = await fsp.lstat(full);
        if (st.isDirectory()) return { path: checked.path, type: "directory" };
        if (st.isSymbolicLink()) return { path: checked.path, type: "symlink", meta: { linkTarget: await fsp.readlink(full) } };
        if (!st.isFile()) return undefined;
        return { path: checked.path, size: st.size, modified: fromDate(st.mtime), changed: fromDate(st.ctime), meta: { mode: st.mode & 0o7777 } };
      } catch {
        return undefined;
      }
    },
    async readFile(e) {
      const f = await real(e.path);
      const data = await fsp.readFile(f);
      record(e.path, data);
      return data;
    },
    async openStream(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return createReadStream(f);
    },
    async openSqlite(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return openSqliteFile(f, e.path);
    },
    async localPath(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return f;
    },
    async inPlacePath(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return f;
    },
    async readInPlace(e) {
      const f = await real(e.path);
      const reader = new HashedRead(f, join(display, e.path));
      // A file read before is already hashed: this read's hash goes unused.
      record(e.path, undefined, f, reader);
      return reader;
    },
    // Entries still being hashed have neither a hash nor an error yet.
    inputsRead: () => [...read.values()].filter((i) => i.sha256 || i.error),
    refused: () => [],
    async settled() {
      await Promise.all([...hashes, ...[...readers].map(async ([p, r]) => read.set(p, await r.hashed()))]);
    },
    async close() {
      await Promise.all([...readers.values()].map((r) => r.close()));
    },
  };
  return view;
}
