import Database from "better-sqlite3";
import { closeSync, createReadStream, existsSync, ftruncateSync, openSync, readSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { VigilError, describeError } from "../../core/errors.js";
import { privateTempDir, removeTempDir } from "../../core/tempdir.js";
import { fromUnixSeconds } from "../../core/time.js";
import { aesUnwrap, decryptCbcRaw, splitWrappedKey, stripPkcs7 } from "../../formats/keybag.js";
import { decodeMBFile } from "../../formats/mbfile.js";
import { parsePlist } from "../../formats/plist.js";
import { openSqlitePrivateCopy } from "../../formats/sqlite.js";
import { newerIosRelease } from "../../modules/ios/ios-releases.js";
import { glob } from "../spec-match.js";
import { InputLog, copyLogged, hashTap, payloadDecipher, readLogged, sizeOf } from "./evidence.js";
import { locateBackup } from "./locate.js";
import { unlockBackup } from "./unlock.js";
const STREAM_WHOLE_LIMIT = 16 * 1024 * 1024;
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
function fileIdOf(domain, relativePath) {
  return createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
}
function asDict(v, file) {
  if (!v || typeof v !== "object" || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Date) {
    throw new VigilError("malformed plist: expected a dictionary at the top", { file, code: "plist" });
  }
  return v;
}
const str = (v) => typeof v === "string" && v !== "" ? v : void 0;
const GLOB_CHARS = /[*?[\]{}()!+@\\]/;
const SIMPLE_GLOB = /^[^[\]{}()!+@\\]*$/;
function sqlGlob(pattern) {
  const esc = (s) => s.replace(/[[\]]/g, (c) => `[${c}]`);
  if (SIMPLE_GLOB.test(pattern)) return esc(pattern).replace(/(?:^|\/)\*\*(?:\/|$)/g, "*").replace(/\*+/g, "*");
  const m = GLOB_CHARS.exec(pattern);
  const prefix = m ? pattern.slice(0, m.index) : pattern;
  return esc(prefix).replace(/[*?]/g, (c) => `[${c}]`) + "*";
}
function condition(column, pattern, params) {
  if (pattern === "**" || pattern === "*" && column === "domain") return void 0;
  if (!GLOB_CHARS.test(pattern)) {
    params.push(pattern);
    return `${column} = ?`;
  }
  params.push(sqlGlob(pattern));
  return `${column} GLOB ?`;
}
function typeOfFlags(flags, mode) {
  if (flags === 2) return "directory";
  if (flags === 4) return "symlink";
  if (flags === 1) return "file";
  if (mode !== void 0) {
    const fmt = mode & 61440;
    if (fmt === 16384) return "directory";
    if (fmt === 40960) return "symlink";
  }
  return "file";
}
const isoCache = /* @__PURE__ */ new Map();
function isoSeconds(s) {
  if (s === void 0 || s === 0) return void 0;
  let v = isoCache.get(s);
  if (v === void 0) {
    v = fromUnixSeconds(s);
    if (isoCache.size > 1e5) isoCache.clear();
    isoCache.set(s, v);
  }
  return v;
}
function truncationProblem(path) {
  const head = Buffer.alloc(100);
  const fd = openSync(path, "r");
  let n;
  try {
    n = readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100) return "truncated (shorter than the 100-byte SQLite header)";
  if (!head.subarray(0, 16).equals(SQLITE_MAGIC)) return "not an SQLite database";
  let pageSize = head.readUInt16BE(16);
  if (pageSize === 1) pageSize = 65536;
  const pages = head.readUInt32BE(28);
  if (pages > 0 && head.readUInt32BE(92) === head.readUInt32BE(24)) {
    const size = sizeOf(path) ?? 0;
    if (size < pageSize * pages) return `truncated (${size} bytes, the header says ${pageSize * pages})`;
  }
  return void 0;
}
async function openIosBackup(path, opts = {}) {
  const { dir } = locateBackup(path);
  const log = new InputLog(relative(resolve(path), dir).split(sep).join("/"));
  const abs = (rel) => join(dir, rel);
  const infoPath = abs("Info.plist");
  const info = asDict(parsePlist(readLogged(log, "Info.plist", infoPath), infoPath), infoPath);
  let manifestPlist;
  const manifestPlistPath = abs("Manifest.plist");
  if (existsSync(manifestPlistPath)) {
    manifestPlist = asDict(parsePlist(readLogged(log, "Manifest.plist", manifestPlistPath), manifestPlistPath), manifestPlistPath);
  }
  if (existsSync(abs("Status.plist"))) readLogged(log, "Status.plist", abs("Status.plist"));
  const encrypted = manifestPlist?.["IsEncrypted"] === true;
  let unlocked;
  if (encrypted) unlocked = await unlockBackup(manifestPlist, manifestPlistPath, opts);
  const tmp = privateTempDir("ios-backup");
  let db;
  try {
    const dbPath = join(tmp, "Manifest.db");
    const manifestDbPath = abs("Manifest.db");
    await materializeManifest(log, manifestDbPath, dbPath, unlocked, manifestPlist, manifestPlistPath);
    db = openManifest(dbPath, manifestDbPath, !manifestPlist);
    return makeView(path, dir, tmp, dbPath, db, log, info, manifestPlist, unlocked);
  } catch (e) {
    try {
      db?.close();
    } catch {
    }
    removeTempDir(tmp);
    throw e;
  }
}
async function materializeManifest(log, src, dst, unlocked, manifestPlist, manifestPlistPath) {
  const mk = manifestPlist?.["ManifestKey"];
  if (!unlocked || !Buffer.isBuffer(mk)) {
    await copyLogged(log, "Manifest.db", src, dst);
    if (existsSync(src + "-wal")) await copyLogged(log, "Manifest.db-wal", src + "-wal", dst + "-wal");
    return;
  }
  const split = splitWrappedKey(mk);
  const classKey = split && unlocked.classKeys.get(split.clas);
  const dbKey = split && classKey && aesUnwrap(classKey, split.wrapped);
  if (!dbKey) throw new VigilError("cannot unwrap the Manifest.db key (ManifestKey corrupt?)", { file: manifestPlistPath, code: "keybag" });
  const size = sizeOf(src) ?? 0;
  if (size % 16 !== 0) throw new VigilError(`encrypted Manifest.db is truncated (${size} bytes, not a multiple of 16)`, { file: src, code: "sqlite" });
  await copyLogged(log, "Manifest.db", src, dst, payloadDecipher(dbKey, false));
  const fd = openSync(dst, "r+");
  try {
    if (size >= 16) {
      const last = Buffer.alloc(16);
      readSync(fd, last, 0, 16, size - 16);
      const stripped = stripPkcs7(last);
      if (stripped) {
        ftruncateSync(fd, size - 16 + stripped.length);
      }
    }
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    if (!head.equals(SQLITE_MAGIC)) throw new VigilError("Manifest.db does not decrypt to an SQLite database (corrupt file or ManifestKey)", { file: src, code: "sqlite" });
  } finally {
    closeSync(fd);
  }
}
function openManifest(path, display, noManifestPlist) {
  const problem = truncationProblem(path);
  if (problem === "not an SQLite database" && noManifestPlist) {
    throw new VigilError("Manifest.db is not an SQLite database and Manifest.plist is missing: an encrypted backup copied without its Manifest.plist?", { file: display, code: "sqlite" });
  }
  if (problem) throw new VigilError(`Manifest.db is ${problem}`, { file: display, code: "sqlite" });
  let db;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma("query_only = 1");
    const cols = new Set(db.prepare("PRAGMA table_info(Files)").all().map((r) => r.name));
    const missing = ["fileID", "domain", "relativePath", "flags", "file"].filter((c) => !cols.has(c));
    if (missing.length) {
      db.close();
      throw new VigilError(cols.size ? `unexpected Manifest.db schema: table Files lacks ${missing.join(", ")}` : "unexpected Manifest.db schema: no Files table", { file: display, code: "schema" });
    }
    db.prepare("SELECT count(*) FROM Files").get();
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`corrupt Manifest.db: ${describeError(e)}`, { file: display, code: "sqlite", cause: e });
  }
  return db;
}
function deviceInfo(info, manifestPlist) {
  const lockdown = manifestPlist?.["Lockdown"] ?? {};
  const osVersion = str(info["Product Version"]) ?? str(lockdown["ProductVersion"]);
  const d = {
    platform: "ios",
    model: str(info["Product Type"]) ?? str(lockdown["ProductType"]),
    name: str(info["Device Name"]) ?? str(lockdown["DeviceName"]),
    osVersion,
    build: str(info["Build Version"]) ?? str(lockdown["BuildVersion"]),
    serial: str(info["Serial Number"]) ?? str(lockdown["SerialNumber"]),
    identifier: str(info["Unique Identifier"]) ?? str(info["Target Identifier"]) ?? str(lockdown["UniqueDeviceID"])
  };
  const productName = str(info["Product Name"]);
  if (productName) d.productName = productName;
  const lastBackup = info["Last Backup Date"];
  if (lastBackup instanceof Date) d.lastBackup = lastBackup.toISOString();
  const newer = osVersion ? newerIosRelease(osVersion) : void 0;
  if (newer) d.newerOsAvailable = newer.version;
  for (const k of Object.keys(d)) if (d[k] === void 0) delete d[k];
  return d;
}
function makeView(given, dir, tmp, dbPath, db, log, info, manifestPlist, unlocked) {
  const encrypted = !!unlocked;
  const COLS = "rowid, fileID, domain, relativePath, flags, file";
  const byId = db.prepare(`SELECT ${COLS} FROM Files WHERE fileID = ?`);
  const byName = db.prepare(`SELECT ${COLS} FROM Files WHERE domain = ? AND relativePath = ?`);
  const page = db.prepare(`SELECT ${COLS} FROM Files WHERE rowid > ? ORDER BY rowid LIMIT 2000`).raw(true);
  const findCache = /* @__PURE__ */ new Map();
  let closed = false;
  const payloadRel = (fileId) => `${fileId.slice(0, 2)}/${fileId}`;
  const toEntry = (r) => {
    const domain = r.domain ?? "";
    const relativePath = r.relativePath ?? "";
    let mb;
    if (r.file && r.file.length) {
      try {
        mb = decodeMBFile(r.file, `Manifest.db: ${domain}/${relativePath}`);
      } catch {
        mb = void 0;
      }
    }
    const e = {
      path: `${domain}/${relativePath}`,
      domain,
      relativePath,
      fileId: r.fileID,
      type: typeOfFlags(r.flags, mb?.mode)
    };
    if (mb) {
      e.size = mb.size;
      const modified = isoSeconds(mb.lastModified);
      e.modified = modified;
      e.changed = mb.lastStatusChange === mb.lastModified ? modified : isoSeconds(mb.lastStatusChange);
      e.created = mb.birth === mb.lastModified ? modified : mb.birth === mb.lastStatusChange ? e.changed : isoSeconds(mb.birth);
      const meta = { flags: r.flags };
      if (mb.mode !== void 0) meta.mode = mb.mode;
      if (mb.userId !== void 0) meta.user_id = mb.userId;
      if (mb.groupId !== void 0) meta.group_id = mb.groupId;
      if (mb.inode !== void 0) meta.inode = mb.inode;
      if (mb.protectionClass !== void 0) meta.protection_class = mb.protectionClass;
      if (mb.flags !== void 0) meta.file_flags = mb.flags;
      if (mb.target !== void 0) meta.target = mb.target;
      e.meta = meta;
    } else {
      e.meta = { flags: r.flags, metadata_unreadable: !!(r.file && r.file.length) };
    }
    return e;
  };
  const rowFor = (entry) => {
    let r;
    if (entry.fileId) r = byId.get(entry.fileId);
    else if (entry.domain !== void 0 && entry.relativePath !== void 0) r = byName.get(entry.domain, entry.relativePath);
    if (!r) throw new VigilError("no such file in this backup's Manifest.db", { file: entry.path });
    return r;
  };
  const ROOT_FILES = /* @__PURE__ */ new Set(["Info.plist", "Manifest.plist", "Status.plist"]);
  const isRootFile = (e) => !e.fileId && !e.domain && ROOT_FILES.has(e.path);
  const safeMBFile = (blob) => {
    try {
      return decodeMBFile(blob);
    } catch {
      return void 0;
    }
  };
  const payloadOf = (entry) => {
    const r = rowFor(entry);
    const display = `${r.domain ?? ""}/${r.relativePath ?? ""}`;
    if (r.flags === 2 || r.flags === 4) throw new VigilError(`is a ${r.flags === 2 ? "directory" : "symlink"}, not a file`, { file: display });
    const rel = payloadRel(r.fileID);
    const absPath = join(dir, rel);
    if (!existsSync(absPath)) {
      const mb = r.file && r.file.length ? safeMBFile(r.file) : void 0;
      if (mb?.size === 0) return { rel, abs: absPath, display, empty: true };
      throw new VigilError(`listed in Manifest.db but its payload ${rel} is missing from the backup folder (partial or damaged backup)`, { file: display, code: "missing" });
    }
    let key;
    if (encrypted && r.file) {
      const mb = decodeMBFile(r.file, display);
      if (mb.encryptionKey) {
        const split = splitWrappedKey(mb.encryptionKey);
        const candidates = [split?.clas, mb.protectionClass].filter((c) => c !== void 0);
        for (const c of candidates) {
          const ck = unlocked.classKeys.get(c);
          if (ck && split) key = aesUnwrap(ck, split.wrapped);
          if (key) break;
        }
        if (!key) throw new VigilError(`cannot unwrap this file's key (protection class ${candidates.join("/")}; corrupt metadata)`, { file: display, code: "keybag" });
      }
    }
    return { rel, abs: absPath, key, display };
  };
  const readPayload = async (p) => {
    if (p.empty) return Buffer.alloc(0);
    const data = readLogged(log, p.rel, p.abs);
    if (!p.key) return data;
    if (data.length % 16 !== 0 || data.length === 0) throw new VigilError(`encrypted payload ${p.rel} is truncated (${data.length} bytes, not a positive multiple of 16)`, { file: p.display, code: "decrypt" });
    const plain = stripPkcs7(decryptCbcRaw(p.key, data));
    if (!plain) throw new VigilError(`payload ${p.rel} does not decrypt cleanly (bad padding): corrupt file or key`, { file: p.display, code: "decrypt" });
    return plain;
  };
  const exportPayload = async (entry, dest) => {
    const p = payloadOf(entry);
    if ((sizeOf(p.abs) ?? 0) <= 4 * 1024 * 1024) {
      await writeFile(dest, await readPayload(p), { mode: 384 });
      return;
    }
    try {
      await copyLogged(log, p.rel, p.abs, dest, p.key ? payloadDecipher(p.key) : void 0);
    } catch (e) {
      if (e instanceof VigilError) throw e;
      throw new VigilError(`payload ${p.rel} cannot be ${p.key ? "decrypted" : "read"}: ${describeError(e)}`, { file: p.display, code: "decrypt", cause: e });
    }
  };
  const view = {
    kind: "ios_backup",
    platform: "ios",
    root: given,
    backupDir: dir,
    encrypted,
    device: deviceInfo(info, manifestPlist),
    specKey: "backup",
    info,
    manifestPlist,
    derivedKey: unlocked?.kek,
    manifestDbPath: dbPath,
    async find(spec) {
      const out = /* @__PURE__ */ new Map();
      for (const b of spec.backup ?? []) {
        const params = [];
        const conds = [condition("domain", b.domain, params), condition("relativePath", b.path, params), "(flags IS NULL OR flags NOT IN (2, 4))"].filter(Boolean);
        const sql = `SELECT ${COLS} FROM Files WHERE ${conds.join(" AND ")}`;
        let st = findCache.get(sql);
        if (!st) {
          st = db.prepare(sql);
          findCache.set(sql, st);
        }
        const exactDomain = !GLOB_CHARS.test(b.domain);
        const exactPath = !GLOB_CHARS.test(b.path);
        const dm = exactDomain ? void 0 : glob(b.domain);
        const pm = exactPath ? void 0 : glob(b.path);
        for (const r of st.all(...params)) {
          if (dm && !dm(r.domain ?? "")) continue;
          if (pm && !pm(r.relativePath ?? "")) continue;
          if (!out.has(r.fileID)) out.set(r.fileID, toEntry(r));
        }
      }
      const all = [...out.values()];
      const present = all.filter((e) => e.size === 0 || existsSync(join(dir, payloadRel(e.fileId))));
      const result = present.length ? present : all;
      return result.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    },
    async *entries() {
      let last = 0;
      for (; ; ) {
        const rows = page.all(last);
        if (rows.length === 0) return;
        const r = { rowid: 0, fileID: "", domain: null, relativePath: null, flags: null, file: null };
        for (const a of rows) {
          r.rowid = a[0];
          r.fileID = a[1];
          r.domain = a[2];
          r.relativePath = a[3];
          r.flags = a[4];
          r.file = a[5];
          yield toEntry(r);
        }
        last = rows[rows.length - 1][0];
      }
    },
    async readFile(entry) {
      if (isRootFile(entry)) return readLogged(log, entry.path, join(dir, entry.path));
      return readPayload(payloadOf(entry));
    },
    async openStream(entry) {
      if (isRootFile(entry)) return Readable.from([readLogged(log, entry.path, join(dir, entry.path))]);
      const p = payloadOf(entry);
      const size = sizeOf(p.abs) ?? 0;
      if (size <= STREAM_WHOLE_LIMIT) return Readable.from([await readPayload(p)]);
      const src = createReadStream(p.abs);
      const tap = hashTap(log, p.rel);
      let out = src.pipe(tap);
      if (p.key) {
        const d = payloadDecipher(p.key);
        tap.on("error", (e) => d.destroy(e));
        out = tap.pipe(d);
      }
      src.on("error", (e) => out.destroy(e));
      out.once("close", () => {
        if (!log.has(p.rel)) log.hashLater(p.rel, p.abs);
      });
      return out;
    },
    async openSqlite(entry) {
      const p = payloadOf(entry);
      const work = privateTempDir("backup-sqlite");
      let owned = false;
      try {
        const name = basename(entry.relativePath ?? entry.path) || "db.sqlite";
        const copy = join(work, name);
        await exportPayload(entry, copy);
        if (entry.domain !== void 0 && entry.relativePath !== void 0) {
          const walRow = byName.get(entry.domain, entry.relativePath + "-wal");
          if (walRow && existsSync(join(dir, payloadRel(walRow.fileID)))) {
            await exportPayload({ path: `${entry.path}-wal`, fileId: walRow.fileID }, copy + "-wal");
          }
        }
        owned = true;
        return openSqlitePrivateCopy(copy, p.display, work);
      } finally {
        if (!owned) removeTempDir(work);
      }
    },
    inputsRead() {
      return log.list();
    },
    *payloadRows() {
      let last = 0;
      const pageFiles = db.prepare(`SELECT rowid, fileID, domain, relativePath, flags FROM Files WHERE rowid > ? AND (flags IS NULL OR flags NOT IN (2, 4)) ORDER BY rowid LIMIT 2000`);
      for (; ; ) {
        const rows = pageFiles.all(last);
        if (rows.length === 0) return;
        for (const r of rows) {
          if (existsSync(join(dir, payloadRel(r.fileID)))) {
            yield { fileId: r.fileID, domain: r.domain ?? "", relativePath: r.relativePath ?? "", path: payloadRel(r.fileID) };
          }
        }
        last = rows[rows.length - 1].rowid;
      }
    },
    counts() {
      const rows = db.prepare("SELECT flags, count(*) AS n FROM Files GROUP BY flags").all();
      const c = { files: 0, directories: 0, symlinks: 0, total: 0 };
      for (const r of rows) {
        c.total += r.n;
        if (r.flags === 2) c.directories += r.n;
        else if (r.flags === 4) c.symlinks += r.n;
        else c.files += r.n;
      }
      return c;
    },
    exportPayload,
    settled: () => log.settle(),
    async close() {
      if (closed) return;
      closed = true;
      await log.settle();
      try {
        db.close();
      } finally {
        removeTempDir(tmp);
      }
    }
  };
  return view;
}
export {
  fileIdOf,
  openIosBackup
};
