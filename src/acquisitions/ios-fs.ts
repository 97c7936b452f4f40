// iOS full-filesystem dumps: an extracted folder (the root holding private/var/..., or a folder
// with that root one level down, e.g. "filesystem/"), or a .tar/.tar.gz/.zip of one.
//
// A dump has a million files or more, so nothing lists it into memory:
// - a folder is walked with streamed opendir, and `find` walks only under each glob's literal
//   base folder;
// - an archive is opened as the shared archive view (archive/) with its entries in a private
//   SQLite index: a tar in one streaming pass that records every entry and extracts only the
//   files the run's modules name in `reads.fs` (given as `wanted`; later requests for other
//   files cost one more pass), a zip from its central directory.
// Unsafe archive members ("..", absolute names, links leaving the root) are refused and listed
// by `refused()`; the filesystem module reports them as coverage warnings.
import { type Dir, promises as fsp, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import { VigilError } from "../core/errors.ts";
import type { DeviceInfo } from "../core/model.ts";
import { parsePlist } from "../formats/plist.ts";
import { newerIosRelease } from "../indicators/ios-releases.ts";
import type { BaseView } from "./archive/base-view.ts";
import { openFolderView, walkFolder } from "./archive/folder-view.ts";
import { openArchiveView } from "./archive/open.ts";
import type { Refusal } from "./archive/safety.ts";
import { applies } from "./spec-match.ts";
import type { AcquisitionView, ArtifactSpec, FileEntry } from "./view.ts";

export interface IosFsOptions {
  /** What the run's modules read (their `reads` merged): a tar extracts these files in its first pass. */
  wanted?: ArtifactSpec;
}

export const SYSTEM_VERSION_PLIST = "System/Library/CoreServices/SystemVersion.plist";

/** A base view: `refused()` lists archive members refused as unsafe (none for a folder). */
export type IosFsView = BaseView;

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
    // Folders still to list, the next one last: a stack rather than a generator per level, as
    // in walkFolder (a file N levels down went up through N generators).
    const todo = [{ dir, depth }];
    for (let at = todo.pop(); at; at = todo.pop()) {
      const d = await listDir(at.dir);
      if (!d) continue;
      const subs: string[] = [];
      for await (const ent of d) {
        const p = at.dir ? `${at.dir}/${ent.name}` : ent.name;
        if (ent.isDirectory()) {
          if (at.depth > 1) subs.push(p);
        } else if (ent.isFile() && (name === undefined || ent.name === name)) {
          yield { path: p };
        }
      }
      for (let i = subs.length - 1; i >= 0; i--) todo.push({ dir: subs[i], depth: at.depth - 1 });
    }
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
// Archives: the shared archive view, with its entries in a SQLite index

async function openArchive(path: string, wanted: ArtifactSpec | undefined): Promise<IosFsView> {
  const want = new GlobIndex(wantedFsGlobs(wanted));
  let root: string | undefined;
  const view = await openArchiveView(path, {
    kind: "ios_fs",
    platform: "ios",
    specKey: "fs",
    onUnsafe: "skip",
    index: "sqlite",
    // The dump's root is the folder holding private/var/, shown by the first entry under it.
    prefix: (p) => (root = rootPrefixOf(p)),
    prefetch: (e) => want.matchesWithCompanions(e.path),
  });
  if (root === undefined) {
    const refused = view.refused();
    await view.close();
    throw notADump(path, refused);
  }
  view.device = { ...view.device, ...(await readDevice(view, (p) => view.entry(p))) };
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
  return openArchive(path, opts.wanted);
}
