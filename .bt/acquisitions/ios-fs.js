import Database from "better-sqlite3";
import { createReadStream, promises as fsp, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";
import { VigilError } from "../core/errors.js";
import { privateTempDir, removeTempDir } from "../core/tempdir.js";
import { parsePlist } from "../formats/plist.js";
import { openSqliteBuffer } from "../formats/sqlite.js";
import { allModules } from "../modules/registry.js";
import { newerIosRelease } from "../modules/ios/ios-releases.js";
import {
  extractTar,
  openFolderView,
  sha256File,
  walkFolder,
  ZipArchive
} from "./archive.js";
import { applies } from "./spec-match.js";
const SYSTEM_VERSION_PLIST = "System/Library/CoreServices/SystemVersion.plist";
function wantedFsGlobs() {
  const set = /* @__PURE__ */ new Set([SYSTEM_VERSION_PLIST]);
  for (const m of allModules) for (const g of m.reads.fs ?? []) set.add(g);
  return [...set];
}
class GlobIndex {
  exact = /* @__PURE__ */ new Set();
  /** Globs whose last segment is a literal name, by that name. */
  byName = /* @__PURE__ */ new Map();
  /** The others, by their literal base folder. */
  byBase = /* @__PURE__ */ new Map();
  anywhere = [];
  constructor(globs) {
    const add = (map, k, m) => {
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
  bases = [];
  matches(p) {
    if (this.exact.has(p)) return true;
    const named = this.byName.get(p.slice(p.lastIndexOf("/") + 1));
    if (named) {
      for (const m of named) if (m(p)) return true;
    }
    for (const m of this.anywhere) if (m(p)) return true;
    for (const [base, l] of this.bases) {
      if (p.startsWith(base)) {
        for (const m of l) if (m(p)) return true;
      }
    }
    return false;
  }
  /** Also matches the -wal/-journal companions of a matching SQLite file. */
  matchesWithCompanions(p) {
    if (this.matches(p)) return true;
    if (p.charCodeAt(p.length - 4) !== 45 && p.charCodeAt(p.length - 8) !== 45) return false;
    const m = /-(wal|journal|shm)$/.exec(p);
    return !!m && this.matches(p.slice(0, m.index));
  }
}
const MARKER = "private/var/";
function rootPrefixOf(p) {
  if (p.startsWith(MARKER) || p === "private/var") return "";
  const i = p.indexOf("/" + MARKER);
  if (i >= 0) return p.slice(0, i + 1);
  if (p.endsWith("/private/var")) return p.slice(0, p.length - "private/var".length);
  return void 0;
}
async function readDevice(view, find) {
  const e = await find(SYSTEM_VERSION_PLIST);
  if (!e) return {};
  try {
    const v = parsePlist(await view.readFile(e), SYSTEM_VERSION_PLIST);
    const out = {};
    if (typeof v.ProductVersion === "string") out.osVersion = v.ProductVersion;
    if (typeof v.ProductBuildVersion === "string") out.build = v.ProductBuildVersion;
    if (typeof v.ProductName === "string") out.productName = v.ProductName;
    const newer = out.osVersion ? newerIosRelease(out.osVersion) : void 0;
    if (newer) out.newerOsAvailable = newer.version;
    return out;
  } catch {
    return {};
  }
}
function findFolderRoot(path) {
  const isDir = (p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (isDir(join(path, "private", "var"))) return "";
  let children = [];
  try {
    children = childFolders(path);
  } catch (e) {
    throw new VigilError(`cannot open folder (${e.code ?? e.message})`, { file: path });
  }
  const hits = children.filter((c) => isDir(join(path, c, "private", "var")));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) throw new VigilError(`holds several filesystem dumps (${hits.join(", ")}); give one of them`, { file: path });
  throw new VigilError("not an iOS filesystem dump: no private/var folder at its top or one level down", { file: path });
}
function childFolders(p) {
  return readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}
async function openFolder(path) {
  const prefix = findFolderRoot(path);
  const base = openFolderView(path, { kind: "ios_fs", platform: "ios", specKey: "fs", prefix: prefix || void 0, root: path });
  const rootDir = prefix ? join(path, prefix) : path;
  async function* under(dir, depth, name) {
    let d;
    try {
      d = await fsp.opendir(join(rootDir, ...dir.split("/").filter(Boolean)), { bufferSize: 256 });
    } catch {
      return;
    }
    const subs = [];
    for await (const ent of d) {
      const p = dir ? `${dir}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (depth > 1) subs.push(p);
      } else if (ent.isFile() && (name === void 0 || ent.name === name)) {
        yield { path: p };
      }
    }
    for (const s of subs) yield* under(s, depth - 1, name);
  }
  async function* expand(dir, segs, i) {
    const seg = segs[i];
    if (seg.includes("**")) {
      const last2 = segs[segs.length - 1];
      yield* under(dir, Infinity, picomatch.scan(last2).isGlob ? void 0 : last2);
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
    let d;
    try {
      d = await fsp.opendir(join(rootDir, ...dir.split("/").filter(Boolean)), { bufferSize: 256 });
    } catch {
      return;
    }
    const subs = [];
    for await (const ent of d) {
      if (!m(ent.name)) continue;
      const p = dir ? `${dir}/${ent.name}` : ent.name;
      if (last) {
        if (ent.isFile()) yield { path: p };
      } else if (ent.isDirectory()) subs.push(p);
    }
    for (const sub of subs) yield* expand(sub, segs, i + 1);
  }
  const view = {
    ...base,
    async find(spec) {
      if (!applies(spec, view)) return [];
      const out = /* @__PURE__ */ new Map();
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
      return [...out.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    },
    refused: () => [],
    entries: () => walkFolder(rootDir, "", rootDir)
  };
  view.device = { ...view.device, ...await readDevice(view, (p) => base.entry(p)) };
  return view;
}
const TYPE_CODE = { file: 0, directory: 1, symlink: 2 };
const TYPE_NAME = ["file", "directory", "symlink"];
class EntryIndex {
  dir = privateTempDir("fsindex");
  db = new Database(join(this.dir, "entries.db"));
  ins;
  insMany;
  // Rows go in 64 at a time: one native call per row was the indexing pass's largest cost.
  static BATCH = 64;
  batch = [];
  pending = 0;
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
  add(a) {
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
  finish() {
    for (let i = 0; i < this.batch.length; i += 7) this.ins.run(this.batch.slice(i, i + 7));
    this.batch = [];
    if (this.db.inTransaction) this.db.exec("COMMIT");
    this.db.exec("CREATE INDEX e_path ON e(path); CREATE INDEX e_name ON e(name)");
  }
  close() {
    if (this.db.open) this.db.close();
    removeTempDir(this.dir);
  }
}
function rowEntry(r, prefixLen) {
  const e = { path: r.path.slice(prefixLen) };
  if (r.size !== null) e.size = r.size;
  if (r.mtime) e.modified = r.mtime;
  if (r.type !== 0) e.type = TYPE_NAME[r.type];
  if (r.link !== null || r.hardlink !== null) e.meta = r.link !== null ? { linkTarget: r.link } : { hardlinkTo: r.hardlink };
  return e;
}
function sqliteGlob(prefix, g) {
  const lit = (x) => x.replace(/[[*?]/g, (c) => `[${c}]`);
  if (/[[\]{}()!+@]/.test(g)) return lit(prefix) + "*";
  return lit(prefix) + g.replace(/\*\*\/?/g, "*");
}
const after = (p) => p + "\u{10FFFF}";
function indexedView(opts) {
  const { index, prefix, reader } = opts;
  const db = index.db;
  const pl = prefix.length;
  const byPath = db.prepare("SELECT rowid, * FROM e WHERE path = ? LIMIT 1");
  const range = db.prepare("SELECT rowid, * FROM e WHERE path >= ? AND path < ? AND type = 0 AND path GLOB ?");
  const byName = db.prepare("SELECT rowid, * FROM e WHERE name = ? AND type = 0");
  const all = db.prepare("SELECT rowid, * FROM e WHERE rowid > ? ORDER BY rowid LIMIT 512");
  const lookup = (p) => byPath.get(prefix + p);
  const innerOf = (e) => {
    let r = lookup(e.path);
    for (let i = 0; r?.hardlink && i < 32; i++) r = byPath.get(r.hardlink);
    return r?.path ?? prefix + e.path;
  };
  const view = {
    kind: "ios_fs",
    platform: "ios",
    root: opts.path,
    encrypted: false,
    device: { platform: "ios" },
    specKey: "fs",
    entryCount: index.count,
    async find(spec) {
      if (!applies(spec, view)) return [];
      const out = /* @__PURE__ */ new Map();
      for (const g of spec.fs ?? []) {
        const s = picomatch.scan(g);
        if (!s.isGlob) {
          const r = lookup(g);
          if (r && r.type === 0) out.set(g, rowEntry(r, pl));
          continue;
        }
        const m = picomatch(g, { dot: true });
        const last = g.slice(g.lastIndexOf("/") + 1);
        const rows = !/[*?[\]{}()!+@]/.test(last) ? byName.iterate(last) : range.iterate(prefix + (s.base ? s.base + "/" : ""), after(prefix + (s.base ? s.base + "/" : "")), sqliteGlob(prefix, g));
        for (const r of rows) {
          if (pl && !r.path.startsWith(prefix)) continue;
          const p = r.path.slice(pl);
          if (!out.has(p) && m(p)) out.set(p, rowEntry(r, pl));
        }
      }
      return [...out.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    },
    async *entries() {
      let last = 0;
      for (; ; ) {
        const rows = all.all(last);
        if (rows.length === 0) return;
        for (const r of rows) {
          if (pl && !r.path.startsWith(prefix)) continue;
          if (r.path.length === pl) continue;
          yield rowEntry(r, pl);
        }
        last = rows[rows.length - 1].rowid;
      }
    },
    async readFile(e) {
      return fsp.readFile(await reader.local(innerOf(e)));
    },
    openStream: (e) => reader.stream(innerOf(e)),
    async openSqlite(e) {
      const data = await fsp.readFile(await reader.local(innerOf(e)));
      const wal = lookup(e.path + "-wal");
      return openSqliteBuffer(data, e.path, wal ? await fsp.readFile(await reader.local(wal.path)) : void 0);
    },
    inputsRead: () => {
      const i = reader.input();
      return i ? [i] : [];
    },
    refused: () => opts.refused,
    async close() {
      await reader.close();
      index.close();
    }
  };
  return view;
}
async function openTar(path) {
  const want = new GlobIndex(wantedFsGlobs());
  const index = new EntryIndex();
  const tmp = privateTempDir("fsdump");
  const refused = [];
  let prefix;
  let res;
  try {
    res = await extractTar(
      path,
      (a) => {
        if (prefix !== void 0) return a.path.startsWith(prefix) && want.matchesWithCompanions(a.path.slice(prefix.length));
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
          if (prefix === void 0) prefix = rootPrefixOf(a.path);
        }
      }
    );
  } catch (e) {
    index.close();
    removeTempDir(tmp);
    throw e;
  }
  index.finish();
  if (prefix === void 0) {
    index.close();
    removeTempDir(tmp);
    throw notADump(path, refused);
  }
  const files = res.files;
  const input = res.walk.input;
  const reader = {
    async local(inner) {
      const have = files.get(inner);
      if (have) return have;
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
    input: () => input ? { ...input, path } : void 0
  };
  const view = indexedView({ path, index, prefix, reader, refused });
  view.device = { platform: "ios", ...await readDevice(view, async (p) => (await view.find({ fs: [p] }))[0]) };
  return view;
}
async function openZip(path) {
  const zip = await ZipArchive.open(path, { onUnsafe: "skip" });
  const index = new EntryIndex();
  let prefix;
  for (const a of zip.list()) {
    index.add(a);
    if (prefix === void 0) prefix = rootPrefixOf(a.path);
  }
  index.finish();
  if (prefix === void 0) {
    index.close();
    zip.close();
    throw notADump(path, zip.refused);
  }
  let tmp;
  const extracted = /* @__PURE__ */ new Map();
  let hash;
  const hashing = sha256File(path).then(
    (h) => hash = { ...h, path },
    () => void 0
  );
  const reader = {
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
    input: () => hash
  };
  const view = indexedView({ path, index, prefix, reader, refused: zip.refused });
  view.device = { platform: "ios", ...await readDevice(view, async (p) => (await view.find({ fs: [p] }))[0]) };
  return view;
}
function notADump(path, refused) {
  const absolute = refused.filter((r) => /^\/+private\/var\//.test(r.entry)).length;
  if (absolute > 0) {
    return new VigilError(
      `its ${absolute} private/var entries have absolute names ("/private/var/..."), which Vigil never extracts from an archive; unpack it with tar or unzip (they strip the leading "/") and check the folder`,
      { file: path, code: "archive_unsafe" }
    );
  }
  return new VigilError("not an iOS filesystem dump: no private/var/ entries in the archive", { file: path });
}
async function isZip(path) {
  const fh = await fsp.open(path, "r");
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 80 && b[1] === 75 && (b[2] === 3 || b[2] === 5);
  } finally {
    await fh.close();
  }
}
async function openIosFs(path) {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new VigilError(`cannot open (${e.code ?? e.message})`, { file: path, cause: e });
  }
  if (st.isDirectory()) return openFolder(path);
  if (!st.isFile()) throw new VigilError("neither a folder nor an archive file", { file: path });
  return await isZip(path) ? openZip(path) : openTar(path);
}
export {
  GlobIndex,
  SYSTEM_VERSION_PLIST,
  findFolderRoot,
  openIosFs,
  wantedFsGlobs
};
