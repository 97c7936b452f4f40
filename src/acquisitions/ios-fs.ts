// iOS full-filesystem dumps: an extracted folder (the root holding private/var/..., or a folder
// with that root one level down, e.g. "filesystem/"), or a .tar/.tar.gz/.zip of one.
//
// A dump has a million files or more, so nothing lists it into memory:
// - a folder is walked with streamed opendir, and `find` walks only under each glob's literal
//   base folder;
// - a tar is read in one streaming pass that records every entry (path, size, mtime, type) in a
//   private SQLite index and extracts only the files the run's modules name in `reads.fs`
//   (given as `wanted`) into a private temp folder (later requests for other files cost one
//   more pass);
// - a zip's central directory is indexed into the same SQLite index.
// Unsafe archive members ("..", absolute names, links leaving the root) are refused and listed
// by `refused()`; the filesystem module reports them as coverage warnings.
import Database from "better-sqlite3";
import { createReadStream, type Dir, promises as fsp, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import type { Readable } from "node:stream";
import { VigilError } from "../core/errors.ts";
import type { DeviceInfo, InputFile } from "../core/model.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";
import { parsePlist } from "../formats/plist.ts";
import { openSqliteBuffer } from "../formats/sqlite.ts";
import { newerIosRelease } from "../indicators/ios-releases.ts";
import {
  type ArchiveEntry,
  type BaseView,
  extractTar,
  openFolderView,
  type Refusal,
  walkFolder,
  ZipArchive,
} from "./archive.ts";
import { hashedInput } from "./hash.ts";
import { applies } from "./spec-match.ts";
import type { AcquisitionView, ArtifactSpec, FileEntry, SqliteHandle } from "./view.ts";

export interface IosFsOptions {
  /** What the run's modules read (their `reads` merged): a tar extracts these files in its first pass. */
  wanted?: ArtifactSpec;
}

export const SYSTEM_VERSION_PLIST = "System/Library/CoreServices/SystemVersion.plist";

export interface IosFsView extends AcquisitionView {
  /** Archive members refused as unsafe (empty for a folder). */
  refused(): Refusal[];
  /** Entries recorded (archives) — for progress and the benchmark. */
  entryCount?: number;
}

/** The fs globs the modules want, plus what the opener itself reads. */
export function wantedFsGlobs(wanted: ArtifactSpec = {}): string[] {
  return [...new Set([SYSTEM_VERSION_PLIST, ...(wanted.fs ?? [])])];
}

/**
 * Answers "does any of these globs match this path" with a few Map lookups: globs are grouped
 * by their literal base folder, and only the groups of the path's ancestors are tested.
 */
export class GlobIndex {
  private exact = new Set<string>();
  /** Globs whose last segment is a literal name, by that name. */
  private byName = new Map<string, ((s: string) => boolean)[]>();
  /** The others, by their literal base folder. */
  private byBase = new Map<string, ((s: string) => boolean)[]>();
  private anywhere: ((s: string) => boolean)[] = [];
  constructor(globs: string[]) {
    const add = (map: Map<string, ((s: string) => boolean)[]>, k: string, m: (s: string) => boolean) => {
      const l = map.get(k) ?? [];
      l.push(m);
      map.set(k, l);
    };
    for (const g of globs) {
      const s = picomatch.scan(g);
      if (!s.isGlob) {
        this.exact.add(g);
        continue;
      }
      const m = picomatch(g, { dot: true });
      const last = g.slice(g.lastIndexOf("/") + 1);
      if (!picomatch.scan(last).isGlob) add(this.byName, last, m);
      else if (!s.base) this.anywhere.push(m);
      else add(this.byBase, s.base, m);
    }
    this.bases = [...this.byBase].map(([k, v]) => [k + "/", v]);
  }
  private bases: [string, ((s: string) => boolean)[]][] = [];
  matches(p: string): boolean {
    if (this.exact.has(p)) return true;
    const named = this.byName.get(p.slice(p.lastIndexOf("/") + 1));
    if (named) for (const m of named) if (m(p)) return true;
    for (const m of this.anywhere) if (m(p)) return true;
    // A handful of bases: startsWith on each beats slicing every ancestor of every path.
    for (const [base, l] of this.bases) {
      if (p.startsWith(base)) for (const m of l) if (m(p)) return true;
    }
    return false;
  }
  /** Also matches the -wal/-journal companions of a matching SQLite file. */
  matchesWithCompanions(p: string): boolean {
    if (this.matches(p)) return true;
    if (p.charCodeAt(p.length - 4) !== 45 /* - */ && p.charCodeAt(p.length - 8) !== 45) return false;
    const m = /-(wal|journal|shm)$/.exec(p);
    return !!m && this.matches(p.slice(0, m.index));
  }
}

const MARKER = "private/var/";

/** Where the dump's root starts inside an archive path ("" or "filesystem/"), from a path under private/var/. */
function rootPrefixOf(p: string): string | undefined {
  if (p.startsWith(MARKER) || p === "private/var") return "";
  const i = p.indexOf("/" + MARKER);
  if (i >= 0) return p.slice(0, i + 1);
  if (p.endsWith("/private/var")) return p.slice(0, p.length - "private/var".length);
  return undefined;
}

async function readDevice(view: Pick<AcquisitionView, "readFile">, find: (p: string) => Promise<FileEntry | undefined>): Promise<Partial<DeviceInfo>> {
  const e = await find(SYSTEM_VERSION_PLIST);
  if (!e) return {};
  try {
    const v = parsePlist(await view.readFile(e), SYSTEM_VERSION_PLIST) as Record<string, unknown>;
    const out: Partial<DeviceInfo> = {};
    if (typeof v.ProductVersion === "string") out.osVersion = v.ProductVersion;
    if (typeof v.ProductBuildVersion === "string") out.build = v.ProductBuildVersion;
    if (typeof v.ProductName === "string") out.productName = v.ProductName;
    const newer = out.osVersion ? newerIosRelease(out.osVersion) : undefined;
    if (newer) out.newerOsAvailable = newer.version;
    return out;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Folder

/** The folder that is the dump's root: the given one or a child holding private/var. */
export function findFolderRoot(path: string): string {
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (isDir(join(path, "private", "var"))) return "";
  let children: string[] = [];
  try {
    children = childFolders(path);
  } catch (e) {
    throw new VigilError(`cannot open folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path });
  }
  const hits = children.filter((c) => isDir(join(path, c, "private", "var")));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) throw new VigilError(`holds several filesystem dumps (${hits.join(", ")}); give one of them`, { file: path });
  throw new VigilError("not an iOS filesystem dump: no private/var folder at its top or one level down", { file: path });
}

function childFolders(p: string): string[] {
  // Sorted so the error message and the choice do not depend on directory order.
  return readdirSync(p, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

async function openFolder(path: string): Promise<IosFsView> {
  const prefix = findFolderRoot(path);
  const base: BaseView = openFolderView(path, { kind: "ios_fs", platform: "ios", specKey: "fs", prefix: prefix || undefined, root: path });
  const rootDir = prefix ? join(path, prefix) : path;

  /** The folder at view path `dir`, to read entry by entry; undefined when it cannot be listed. */
  async function listDir(dir: string): Promise<Dir | undefined> {
    try {
      return await fsp.opendir(join(rootDir, ...dir.split("/").filter(Boolean)), { bufferSize: 256 });
    } catch {
      return undefined;
    }
  }

  /** Files under `dir` (a view path), walking at most `depth` levels (Infinity for all), optionally only those named `name`. */
  async function* under(dir: string, depth: number, name?: string): AsyncGenerator<FileEntry> {
    const d = await listDir(dir);
    if (!d) return;
    const subs: string[] = [];
    for await (const ent of d) {
      const p = dir ? `${dir}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (depth > 1) subs.push(p);
      } else if (ent.isFile() && (name === undefined || ent.name === name)) {
        yield { path: p };
      }
    }
    for (const s of subs) yield* under(s, depth - 1, name);
  }

  /**
   * Candidate files for a glob, following it segment by segment: a literal segment is one
   * lookup, a wildcard segment one listing, and only "**" walks a whole subtree.
   */
  async function* expand(dir: string, segs: string[], i: number): AsyncGenerator<FileEntry> {
    const seg = segs[i];
    if (seg.includes("**")) {
      // "private/var/**/Cache.db": only files of that name are worth matching.
      const last = segs[segs.length - 1];
      yield* under(dir, Infinity, picomatch.scan(last).isGlob ? undefined : last);
      return;
    }
    const last = i === segs.length - 1;
    if (!picomatch.scan(seg).isGlob) {
      const p = dir ? `${dir}/${seg}` : seg;
      if (last) yield { path: p };
      else yield* expand(p, segs, i + 1);
      return;
    }
    const m = picomatch(seg, { dot: true });
    const d = await listDir(dir);
    if (!d) return;
    const subs: string[] = [];
    for await (const ent of d) {
      if (!m(ent.name)) continue;
      const p = dir ? `${dir}/${ent.name}` : ent.name;
      if (last) {
        if (ent.isFile()) yield { path: p };
      } else if (ent.isDirectory()) subs.push(p);
    }
    for (const sub of subs) yield* expand(sub, segs, i + 1);
  }

  const view: IosFsView = {
    ...base,
    async find(spec: ArtifactSpec): Promise<FileEntry[]> {
      if (!applies(spec, view)) return [];
      const out = new Map<string, FileEntry>();
      for (const g of spec.fs ?? []) {
        const s = picomatch.scan(g);
        if (!s.isGlob) {
          const e = await base.entry(g);
          if (e && (e.type ?? "file") === "file") out.set(e.path, e);
          continue;
        }
        const m = picomatch(g, { dot: true });
        for await (const e of expand(s.base, s.glob.split("/"), 0)) {
          if (!out.has(e.path) && m(e.path)) {
            const full = await base.entry(e.path);
            if (full && (full.type ?? "file") === "file") out.set(e.path, full);
          }
        }
      }
      return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    refused: () => [],
    entries: () => walkFolder(rootDir, "", rootDir),
  };
  view.device = { ...view.device, ...(await readDevice(view, (p) => base.entry(p))) };
  return view;
}

// ---------------------------------------------------------------------------------------------
// Archives: a SQLite index of every entry

const TYPE_CODE = { file: 0, directory: 1, symlink: 2 } as const;
const TYPE_NAME = ["file", "directory", "symlink"] as const;

class EntryIndex {
  readonly dir = privateTempDir("fsindex");
  readonly db = new Database(join(this.dir, "entries.db"));
  private ins: Database.Statement;
  private insMany: Database.Statement;
  // Rows go in 64 at a time: one native call per row was the indexing pass's largest cost.
  private static readonly BATCH = 64;
  private batch: unknown[] = [];
  private pending = 0;
  count = 0;
  constructor() {
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec("CREATE TABLE e (path TEXT NOT NULL, name TEXT NOT NULL, size INTEGER, mtime TEXT, type INTEGER, link TEXT, hardlink TEXT)");
    const row = "(?, ?, ?, ?, ?, ?, ?)";
    this.ins = this.db.prepare(`INSERT INTO e VALUES ${row}`);
    this.insMany = this.db.prepare(`INSERT INTO e VALUES ${Array(EntryIndex.BATCH).fill(row).join(", ")}`);
    this.db.exec("BEGIN");
  }
  add(a: ArchiveEntry): void {
    this.batch.push(a.path, a.path.slice(a.path.lastIndexOf("/") + 1), a.type === "file" ? a.size : null, a.modified ?? null, TYPE_CODE[a.type], a.linkTarget ?? null, a.hardlinkTo ?? null);
    this.count++;
    if (this.batch.length === EntryIndex.BATCH * 7) {
      this.insMany.run(this.batch);
      this.batch = [];
      if (++this.pending >= 300) {
        this.db.exec("COMMIT; BEGIN");
        this.pending = 0;
      }
    }
  }
  finish(): void {
    for (let i = 0; i < this.batch.length; i += 7) this.ins.run(this.batch.slice(i, i + 7));
    this.batch = [];
    if (this.db.inTransaction) this.db.exec("COMMIT");
    // Most module globs end in a literal file name ("*/Library/Safari/History.db"): the name
    // index finds those without scanning every container; the path index serves the rest.
    this.db.exec("CREATE INDEX e_path ON e(path); CREATE INDEX e_name ON e(name)");
  }
  close(): void {
    if (this.db.open) this.db.close();
    removeTempDir(this.dir);
  }
}

interface Row {
  rowid: number;
  path: string;
  name: string;
  size: number | null;
  mtime: string | null;
  type: number;
  link: string | null;
  hardlink: string | null;
}

function rowEntry(r: Row, prefixLen: number): FileEntry {
  const e: FileEntry = { path: r.path.slice(prefixLen) };
  if (r.size !== null) e.size = r.size;
  if (r.mtime) e.modified = r.mtime;
  if (r.type !== 0) e.type = TYPE_NAME[r.type];
  if (r.link !== null || r.hardlink !== null) e.meta = r.link !== null ? { linkTarget: r.link } : { hardlinkTo: r.hardlink };
  return e;
}

/**
 * A SQLite GLOB pattern matching at least what the picomatch glob matches (SQLite's "*" also
 * crosses "/"), so SQLite discards most rows before JavaScript sees them; picomatch decides.
 */
function sqliteGlob(prefix: string, g: string): string {
  const lit = (x: string) => x.replace(/[[*?]/g, (c) => `[${c}]`);
  if (/[[\]{}()!+@]/.test(g)) return lit(prefix) + "*";
  return lit(prefix) + g.replace(/\*\*\/?/g, "*");
}

/** Upper bound for a range scan of every path starting with `p`. */
const after = (p: string) => p + "\u{10FFFF}";

interface ArchiveReader {
  /** A local file holding the archive entry `inner` (full archive path). */
  local(inner: string): Promise<string>;
  stream(inner: string): Promise<Readable>;
  close(): Promise<void>;
  input(): InputFile | undefined;
}

function indexedView(opts: {
  path: string;
  index: EntryIndex;
  prefix: string;
  reader: ArchiveReader;
  refused: Refusal[];
}): IosFsView {
  const { index, prefix, reader } = opts;
  const db = index.db;
  const pl = prefix.length;
  const byPath = db.prepare("SELECT rowid, * FROM e WHERE path = ? LIMIT 1");
  const range = db.prepare("SELECT rowid, * FROM e WHERE path >= ? AND path < ? AND type = 0 AND path GLOB ?");
  const byName = db.prepare("SELECT rowid, * FROM e WHERE name = ? AND type = 0");
  const all = db.prepare("SELECT rowid, * FROM e WHERE rowid > ? ORDER BY rowid LIMIT 512");
  const lookup = (p: string): Row | undefined => byPath.get(prefix + p) as Row | undefined;
  const innerOf = (e: FileEntry) => {
    // Hard links read their target's data.
    let r = lookup(e.path);
    for (let i = 0; r?.hardlink && i < 32; i++) r = byPath.get(r.hardlink) as Row | undefined;
    return r?.path ?? prefix + e.path;
  };
  const view: IosFsView = {
    kind: "ios_fs",
    platform: "ios",
    root: opts.path,
    encrypted: false,
    device: { platform: "ios" },
    specKey: "fs",
    entryCount: index.count,
    async find(spec) {
      if (!applies(spec, view)) return [];
      const out = new Map<string, FileEntry>();
      for (const g of spec.fs ?? []) {
        const s = picomatch.scan(g);
        if (!s.isGlob) {
          const r = lookup(g);
          if (r && r.type === 0) out.set(g, rowEntry(r, pl));
          continue;
        }
        const m = picomatch(g, { dot: true });
        const last = g.slice(g.lastIndexOf("/") + 1);
        const rows = !/[*?[\]{}()!+@]/.test(last)
          ? (byName.iterate(last) as Iterable<Row>)
          : (range.iterate(prefix + (s.base ? s.base + "/" : ""), after(prefix + (s.base ? s.base + "/" : "")), sqliteGlob(prefix, g)) as Iterable<Row>);
        for (const r of rows) {
          if (pl && !r.path.startsWith(prefix)) continue;
          const p = r.path.slice(pl);
          if (!out.has(p) && m(p)) out.set(p, rowEntry(r, pl));
        }
      }
      return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async *entryPages() {
      // Pages by rowid so no statement stays open while the consumer runs other queries.
      let last = 0;
      for (;;) {
        const rows = all.all(last) as Row[];
        if (rows.length === 0) return;
        const page: FileEntry[] = [];
        for (const r of rows) {
          if (pl && !r.path.startsWith(prefix)) continue;
          if (r.path.length === pl) continue;
          page.push(rowEntry(r, pl));
        }
        if (page.length) yield page;
        last = rows[rows.length - 1].rowid;
      }
    },
    async *entries() {
      for await (const page of view.entryPages!()) yield* page;
    },
    async readFile(e) {
      return fsp.readFile(await reader.local(innerOf(e)));
    },
    openStream: (e) => reader.stream(innerOf(e)),
    async openSqlite(e): Promise<SqliteHandle> {
      const data = await fsp.readFile(await reader.local(innerOf(e)));
      const wal = lookup(e.path + "-wal");
      return openSqliteBuffer(data, e.path, wal ? await fsp.readFile(await reader.local(wal.path)) : undefined);
    },
    inputsRead: () => {
      const i = reader.input();
      return i ? [i] : [];
    },
    refused: () => opts.refused,
    async close() {
      await reader.close();
      index.close();
    },
  };
  return view;
}

async function openTar(path: string, wanted: ArtifactSpec | undefined): Promise<IosFsView> {
  const want = new GlobIndex(wantedFsGlobs(wanted));
  const index = new EntryIndex();
  const tmp = privateTempDir("fsdump");
  const refused: Refusal[] = [];
  let prefix: string | undefined;
  let res;
  try {
    res = await extractTar(
      path,
      (a) => {
        // Before the root is known (first entry under private/var/), try the path as it is
        // and with its first folder removed.
        if (prefix !== undefined) return a.path.startsWith(prefix) && want.matchesWithCompanions(a.path.slice(prefix.length));
        if (want.matchesWithCompanions(a.path)) return true;
        const i = a.path.indexOf("/");
        return i > 0 && want.matchesWithCompanions(a.path.slice(i + 1));
      },
      tmp,
      {
        onUnsafe: "skip",
        onRefused: (r) => refused.push(r),
        onEntry: (a) => {
          index.add(a);
          if (prefix === undefined) prefix = rootPrefixOf(a.path);
        },
      },
    );
  } catch (e) {
    index.close();
    removeTempDir(tmp);
    throw e;
  }
  index.finish();
  if (prefix === undefined) {
    index.close();
    removeTempDir(tmp);
    throw notADump(path, refused);
  }
  const files = res.files;
  const input = res.walk.input;
  const reader: ArchiveReader = {
    async local(inner) {
      const have = files.get(inner);
      if (have) return have;
      // Not named by any module's globs at open: one more pass for it.
      const r = await extractTar(path, (a) => a.path === inner, tmp, { onUnsafe: "skip", stopWhen: () => files.has(inner) });
      for (const [k, v] of r.files) files.set(k, v);
      const got = files.get(inner);
      if (!got) throw new VigilError(`no file ${JSON.stringify(inner)} in the archive`, { file: path, code: "archive" });
      return got;
    },
    async stream(inner) {
      return createReadStream(await this.local(inner));
    },
    async close() {
      removeTempDir(tmp);
    },
    input: () => (input ? { ...input, path } : undefined),
  };
  const view = indexedView({ path, index, prefix, reader, refused });
  view.device = { platform: "ios", ...(await readDevice(view, async (p) => (await view.find({ fs: [p] }))[0])) };
  return view;
}

async function openZip(path: string): Promise<IosFsView> {
  const zip = await ZipArchive.open(path, { onUnsafe: "skip" });
  const index = new EntryIndex();
  let prefix: string | undefined;
  for (const a of zip.list()) {
    index.add(a);
    if (prefix === undefined) prefix = rootPrefixOf(a.path);
  }
  index.finish();
  if (prefix === undefined) {
    index.close();
    zip.close();
    throw notADump(path, zip.refused);
  }
  let tmp: string | undefined;
  const extracted = new Map<string, Promise<string>>();
  let hash: InputFile | undefined;
  const hashing = hashedInput(path, path).then((h) => (hash = h));
  const reader: ArchiveReader = {
    local(inner) {
      let p = extracted.get(inner);
      if (!p) {
        tmp ??= privateTempDir("fszip");
        p = zip.extractTo(inner, tmp);
        extracted.set(inner, p);
      }
      return p;
    },
    stream: (inner) => zip.openStream(inner),
    async close() {
      await hashing;
      zip.close();
      if (tmp) removeTempDir(tmp);
    },
    input: () => hash,
  };
  const view = indexedView({ path, index, prefix, reader, refused: zip.refused });
  view.device = { platform: "ios", ...(await readDevice(view, async (p) => (await view.find({ fs: [p] }))[0])) };
  return view;
}

/**
 * The error for an archive with no private/var/ entries. Archives that store absolute names
 * ("/private/var/...") have every entry refused: say so, and how to check them anyway.
 */
function notADump(path: string, refused: Refusal[]): VigilError {
  const absolute = refused.filter((r) => /^\/+private\/var\//.test(r.entry)).length;
  if (absolute > 0) {
    return new VigilError(
      `its ${absolute} private/var entries have absolute names ("/private/var/..."), which Vigil never extracts from an archive; unpack it with tar or unzip (they strip the leading "/") and check the folder`,
      { file: path, code: "archive_unsafe" },
    );
  }
  return new VigilError("not an iOS filesystem dump: no private/var/ entries in the archive", { file: path });
}

async function isZip(path: string): Promise<boolean> {
  const fh = await fsp.open(path, "r");
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5);
  } finally {
    await fh.close();
  }
}

/** Opens a full-filesystem dump: a folder, or a .tar, .tar.gz or .zip of one. */
export async function openIosFs(path: string, opts: IosFsOptions = {}): Promise<IosFsView> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new VigilError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, cause: e });
  }
  if (st.isDirectory()) return openFolder(path);
  if (!st.isFile()) throw new VigilError("neither a folder nor an archive file", { file: path });
  return (await isZip(path)) ? openZip(path) : openTar(path, opts.wanted);
}
