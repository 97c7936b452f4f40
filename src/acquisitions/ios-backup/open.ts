// Opens an iTunes/Finder iPhone backup, plain or encrypted, as a read-only AcquisitionView.
// Manifest.db is the index: files are looked up by SQL, never listed into memory. For an
// encrypted backup the keybag is unlocked at open time (a wrong password fails before any
// module runs); Manifest.db is decrypted into a private temp folder, and payloads only when a
// module asks for them. Plaintext is never written beside the evidence.
import Database from "better-sqlite3";
import { createReadStream, existsSync, realpathSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import type { DeviceInfo, InputFile } from "../../core/model.ts";
import { VigilError, describeError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import { privateTempDir, removeTempDir } from "../../core/tempdir.ts";
import { aesUnwrap, decryptCbcRaw, splitWrappedKey, stripPkcs7 } from "../../formats/keybag.ts";
import { decodeMBFile, type MBFile } from "../../formats/mbfile.ts";
import { parsePlist } from "../../formats/plist.ts";
import { openSqliteInPlace, openSqlitePrivateCopy } from "../../formats/sqlite.ts";
import { newerIosRelease } from "../../indicators/ios-releases.ts";
import { glob } from "../spec-match.ts";
import type { AcquisitionView, ArtifactSpec, FileEntry, SqliteHandle } from "../view.ts";
import { InputLog, copyLogged, hashTap, payloadDecipher, readLogged, sizeOf } from "./evidence.ts";
import { locateBackup } from "./locate.ts";
import { aes256Key, materializeManifest, openManifest } from "./manifest-db.ts";
import { cleanRow, condition, GLOB_CHARS, isFileId, isoSeconds, notAFileId, typeOfFlags, type Row } from "./manifest-rows.ts";
import { unlockBackup, type BackupSecrets, type Unlocked } from "./unlock.ts";

/** Temp space kept for database copies no module has open (see releaseCopy). */
const RELEASED_COPIES_BYTES = 512 * 1024 * 1024;

export type OpenIosBackupOptions = BackupSecrets & {
  /**
   * The plaintext Manifest.db the main thread already opened (a worker thread reopening the
   * backup): opened as it is (immutable when it is the evidence), not copied, decrypted and
   * hashed again.
   */
  manifestCopy?: string;
};

/** Files smaller than this are read whole for openStream (simpler, and hashing is exact). */
const STREAM_WHOLE_LIMIT = 16 * 1024 * 1024;

/** Extra access a backup view gives to the decrypt-backup and extract-key commands. */
export interface IosBackupView extends AcquisitionView {
  kind: "ios_backup";
  /** The backup folder (PATH, or the one backup found inside it). */
  backupDir: string;
  /** Info.plist as parsed. */
  info: Record<string, unknown>;
  /** Manifest.plist as parsed, when present. */
  manifestPlist?: Record<string, unknown>;
  /** Derived key (KEK) of an encrypted backup. */
  derivedKey?: Buffer;
  /**
   * The plaintext Manifest.db the view reads: the evidence itself for a plain one without a WAL
   * (never to be written), else a private copy (decrypted, padding removed).
   */
  manifestDbPath: string;
  /**
   * Every Files row with a payload on disk, in pages (decrypt-backup), and every row whose fileID
   * cannot name a payload, with why (`refused`) instead of a path.
   */
  payloadRows(): Iterable<{ fileId: string; domain: string; relativePath: string } & ({ path: string; refused?: undefined } | { path?: undefined; refused: string })>;
  /** Count of Files rows, by Files.flags. */
  counts(): { files: number; directories: number; symlinks: number; total: number };
  /** Decrypts (or copies) one payload to `dest`, streaming. */
  exportPayload(entry: FileEntry, dest: string): Promise<void>;
  /** Resolves when background hashing (streams closed before their end) is done. */
  settled(): Promise<void>;
}

export function fileIdOf(domain: string, relativePath: string): string {
  return createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
}

/**
 * The artifacts that make most of a backup's checking work: a phone's message, browsing and
 * WhatsApp databases (by domain and path; their file IDs do not depend on encryption).
 */
const BIG_ARTIFACTS: [string, string][] = [
  ["HomeDomain", "Library/SMS/sms.db"],
  ["HomeDomain", "Library/Safari/History.db"],
  ["AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite"],
  ["HomeDomain", "Library/CallHistoryDB/CallHistory.storedata"],
];

/**
 * A quick guess, before the backup is opened, of how many bytes of artifacts its modules will
 * read: the sizes of the usual big databases, found by file ID (four stat calls). 0 when PATH
 * holds no single backup (opening it will say why).
 */
export function guessArtifactBytes(path: string): number {
  let dir: string;
  try {
    dir = locateBackup(path).dir;
  } catch {
    return 0;
  }
  let bytes = 0;
  for (const [domain, rel] of BIG_ARTIFACTS) {
    const id = fileIdOf(domain, rel);
    bytes += sizeOf(join(dir, id.slice(0, 2), id)) ?? 0;
  }
  return bytes;
}

function asDict(v: unknown, file: string): Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Date) {
    throw new VigilError("malformed plist: expected a dictionary at the top", { file, code: "plist" });
  }
  return v as Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Whether a file of the backup folder really is in it: a link leading out of it (a crafted
 * backup) would have Vigil read, and a module report, whatever file of this computer it names.
 */
const inFolder = (file: string, realDir: string): boolean => realpathSync(file).startsWith(realDir.endsWith(sep) ? realDir : realDir + sep);

export async function openIosBackup(path: string, opts: OpenIosBackupOptions = {}): Promise<IosBackupView> {
  const { dir } = locateBackup(path);
  const log = new InputLog(relative(resolve(path), dir).split(sep).join("/"));
  const realDir = realpathSync(dir);
  const abs = (rel: string) => {
    const p = join(dir, rel);
    if (existsSync(p) && !inFolder(p, realDir)) throw new VigilError("a link to a file outside the backup folder: not read", { file: p, code: "unreadable" });
    return p;
  };

  const infoPath = abs("Info.plist");
  const info = asDict(parsePlist(readLogged(log, "Info.plist", infoPath), infoPath), infoPath);
  let manifestPlist: Record<string, unknown> | undefined;
  const manifestPlistPath = abs("Manifest.plist");
  if (existsSync(manifestPlistPath)) {
    manifestPlist = asDict(parsePlist(readLogged(log, "Manifest.plist", manifestPlistPath), manifestPlistPath), manifestPlistPath);
  }
  if (existsSync(abs("Status.plist"))) readLogged(log, "Status.plist", abs("Status.plist"));
  const encrypted = manifestPlist?.["IsEncrypted"] === true;

  let unlocked: Unlocked | undefined;
  if (encrypted) unlocked = await unlockBackup(manifestPlist!, manifestPlistPath, opts);

  const tmp = privateTempDir("ios-backup");
  let db: Database.Database | undefined;
  try {
    const manifestDbPath = abs("Manifest.db");
    abs("Manifest.db-wal");
    let dbPath = opts.manifestCopy;
    // A plain Manifest.db without a WAL is read where it is (immutable, see openImmutable) and
    // hashed meanwhile; otherwise a private copy is made (decrypted, with its WAL).
    const plain = !unlocked || !Buffer.isBuffer(manifestPlist?.["ManifestKey"]);
    if ((dbPath === undefined && plain && !existsSync(manifestDbPath + "-wal")) || dbPath === manifestDbPath) {
      db = openManifest(manifestDbPath, manifestDbPath, !manifestPlist, true);
      if (db && dbPath === undefined) log.hashLater("Manifest.db", manifestDbPath);
      if (db) dbPath = manifestDbPath;
      else if (dbPath === manifestDbPath) throw new VigilError("cannot open Manifest.db read-only where it is", { file: manifestDbPath, code: "sqlite" });
    }
    if (!db) {
      dbPath ??= join(tmp, "Manifest.db");
      if (!opts.manifestCopy) await materializeManifest(log, manifestDbPath, dbPath, unlocked, manifestPlist, manifestPlistPath);
      db = openManifest(dbPath, manifestDbPath, !manifestPlist, false)!;
    }
    return makeView(path, dir, realDir, tmp, dbPath!, db, log, info, manifestPlist, unlocked);
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* already closed */
    }
    removeTempDir(tmp);
    throw e;
  }
}

function deviceInfo(info: Record<string, unknown>, manifestPlist: Record<string, unknown> | undefined): DeviceInfo {
  const lockdown = (manifestPlist?.["Lockdown"] ?? {}) as Record<string, unknown>;
  const osVersion = str(info["Product Version"]) ?? str(lockdown["ProductVersion"]);
  const d: DeviceInfo = {
    platform: "ios",
    model: str(info["Product Type"]) ?? str(lockdown["ProductType"]),
    name: str(info["Device Name"]) ?? str(lockdown["DeviceName"]),
    osVersion,
    build: str(info["Build Version"]) ?? str(lockdown["BuildVersion"]),
    serial: str(info["Serial Number"]) ?? str(lockdown["SerialNumber"]),
    identifier: str(info["Unique Identifier"]) ?? str(info["Target Identifier"]) ?? str(lockdown["UniqueDeviceID"]),
  };
  const productName = str(info["Product Name"]);
  if (productName) d.productName = productName;
  // A damaged date (NaN, or past year 275760) has no ISO form.
  const lastBackup = info["Last Backup Date"] instanceof Date ? fromDate(info["Last Backup Date"]) : undefined;
  if (lastBackup) d.lastBackup = d.acquired = lastBackup;
  const newer = osVersion ? newerIosRelease(osVersion) : undefined;
  if (newer) d.newerOsAvailable = newer.version;
  for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
  return d;
}

function makeView(
  given: string,
  dir: string,
  realDir: string,
  tmp: string,
  dbPath: string,
  db: Database.Database,
  log: InputLog,
  info: Record<string, unknown>,
  manifestPlist: Record<string, unknown> | undefined,
  unlocked: Unlocked | undefined,
): IosBackupView {
  const encrypted = !!unlocked;
  const dbFile = join(dir, "Manifest.db");
  /** A query of Manifest.db: SQLite's errors (a damaged database) become one naming the file. */
  const sql = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof Database.SqliteError) throw new VigilError(`corrupt Manifest.db: ${describeError(e)}`, { file: dbFile, code: "sqlite", cause: e });
      throw e;
    }
  };
  const COLS = "rowid, fileID, domain, relativePath, flags, file";
  const byId = sql(() => db.prepare(`SELECT ${COLS} FROM Files WHERE fileID = ?`));
  const byName = sql(() => db.prepare(`SELECT ${COLS} FROM Files WHERE domain = ? AND relativePath = ?`));
  const rowBy = (st: Database.Statement, ...params: unknown[]): Row | undefined => {
    const r = sql(() => st.get(...params)) as Row | undefined;
    return r && cleanRow(r);
  };
  const page = sql(() => db.prepare(`SELECT ${COLS} FROM Files WHERE rowid > ? ORDER BY rowid LIMIT 2000`).raw(true));
  const findCache = new Map<string, Database.Statement>();
  // Private copies of databases, kept while a handle uses them and, after that, the most recently
  // released one: sms and sms_attachments, or the parts of a split module, read the same sms.db,
  // which is then exported (decrypted, hashed) once.
  const sqliteCopies = new Map<string, { dir: string; copy: string; users: number; bytes: number }>();
  // Copies no module has open, least recently released first. They are kept for the next module
  // that opens the same database (sms and sms_attachments both read sms.db, often with other
  // modules in between) while they fit in RELEASED_COPIES_BYTES of temp space.
  const released = new Set<string>();
  const releaseCopy = (key: string) => {
    const c = sqliteCopies.get(key);
    if (!c || --c.users > 0) return;
    released.add(key);
    let kept = 0;
    for (const k of released) kept += sqliteCopies.get(k)!.bytes;
    for (const k of released) {
      if (kept <= RELEASED_COPIES_BYTES) break;
      const old = sqliteCopies.get(k)!;
      removeTempDir(old.dir);
      sqliteCopies.delete(k);
      released.delete(k);
      kept -= old.bytes;
    }
  };
  let closed = false;

  const payloadRel = (fileId: string) => `${fileId.slice(0, 2)}/${fileId}`;
  /** Whether a row's payload is in the backup folder (never looked for outside it). */
  const payloadThere = (fileId: string) => isFileId(fileId) && existsSync(join(dir, payloadRel(fileId)));

  const toEntry = (r: Row): FileEntry => {
    const domain = r.domain ?? "";
    const relativePath = r.relativePath ?? "";
    let mb: MBFile | undefined;
    if (r.file && r.file.length) {
      try {
        mb = decodeMBFile(r.file, `Manifest.db: ${domain}/${relativePath}`);
      } catch {
        mb = undefined;
      }
    }
    const e: FileEntry = {
      path: `${domain}/${relativePath}`,
      domain,
      relativePath,
      fileId: r.fileID,
      type: typeOfFlags(r.flags, mb?.mode),
    };
    if (mb) {
      e.size = mb.size;
      // The three times are often equal: convert each distinct value once.
      const modified = isoSeconds(mb.lastModified);
      e.modified = modified;
      e.changed = mb.lastStatusChange === mb.lastModified ? modified : isoSeconds(mb.lastStatusChange);
      e.created = mb.birth === mb.lastModified ? modified : mb.birth === mb.lastStatusChange ? e.changed : isoSeconds(mb.birth);
      const meta: Record<string, unknown> = { flags: r.flags };
      if (mb.mode !== undefined) meta.mode = mb.mode;
      if (mb.userId !== undefined) meta.user_id = mb.userId;
      if (mb.groupId !== undefined) meta.group_id = mb.groupId;
      if (mb.inode !== undefined) meta.inode = mb.inode;
      if (mb.protectionClass !== undefined) meta.protection_class = mb.protectionClass;
      if (mb.flags !== undefined) meta.file_flags = mb.flags;
      if (mb.target !== undefined) meta.target = mb.target;
      e.meta = meta;
    } else {
      e.meta = { flags: r.flags, metadata_unreadable: !!(r.file && r.file.length) };
    }
    return e;
  };

  /** Every Files row as an entry, in pages of up to 2000. */
  async function* entryPages(): AsyncIterable<FileEntry[]> {
    // Keyset pages rather than one open cursor: the consumer may query the view between pages.
    let last = 0;
    for (;;) {
      // Raw rows (arrays) spare one object per row on million-file backups.
      const rows = sql(() => page.all(last)) as [number, string, string | null, string | null, number | null, Buffer | null][];
      if (rows.length === 0) return;
      const r = { rowid: 0, fileID: "", domain: null, relativePath: null, flags: null, file: null } as Row;
      const out: FileEntry[] = [];
      for (const a of rows) {
        r.rowid = a[0];
        r.fileID = a[1];
        r.domain = a[2];
        r.relativePath = a[3];
        r.flags = a[4];
        r.file = a[5];
        out.push(toEntry(cleanRow(r)));
      }
      yield out;
      // A damaged table can give row ids out of order: the next page would start over, forever.
      const next = rows[rows.length - 1][0];
      if (!(next > last)) throw new VigilError(`corrupt Manifest.db: row ids out of order in table Files (${next} after ${last})`, { file: dbFile, code: "sqlite" });
      last = next;
    }
  }

  async function* entries(): AsyncIterable<FileEntry> {
    for await (const p of entryPages()) yield* p;
  }

  const rowFor = (entry: FileEntry): Row => {
    let r: Row | undefined;
    if (entry.fileId) r = rowBy(byId, entry.fileId);
    else if (entry.domain !== undefined && entry.relativePath !== undefined) r = rowBy(byName, entry.domain, entry.relativePath);
    if (!r) throw new VigilError("no such file in this backup's Manifest.db", { file: entry.path });
    return r;
  };

  /** Root-level backup files (Info.plist, Manifest.plist, Status.plist) are readable by name. */
  const ROOT_FILES = new Set(["Info.plist", "Manifest.plist", "Status.plist"]);
  const isRootFile = (e: FileEntry) => !e.fileId && !e.domain && ROOT_FILES.has(e.path);

  interface Payload {
    rel: string;
    abs: string;
    key?: Buffer;
    display: string;
    empty?: boolean;
  }
  const safeMBFile = (blob: Buffer): MBFile | undefined => {
    try {
      return decodeMBFile(blob);
    } catch {
      return undefined;
    }
  };

  /**
   * true when the payload is there, false when the system says it is not, else why it cannot be
   * read (EACCES..., a folder or FIFO in its place: a FIFO blocks whoever reads it, for ever, or
   * a link leading out of the backup folder).
   */
  const payloadOnDisk = (abs: string, reading = true): boolean | string => {
    try {
      if (!statSync(abs).isFile()) return "not a regular file";
      // Where a link leads is resolved before a read only: find() asks whether the payload is there.
      return !reading || inFolder(abs, realDir) || "a link to a file outside the backup folder";
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === "ENOENT" ? false : (code ?? describeError(e));
    }
  };

  const payloadOf = (entry: FileEntry): Payload => {
    const r = rowFor(entry);
    const display = `${r.domain ?? ""}/${r.relativePath ?? ""}`;
    if (r.flags === 2 || r.flags === 4) throw new VigilError(`is a ${r.flags === 2 ? "directory" : "symlink"}, not a file`, { file: display });
    if (!isFileId(r.fileID)) throw new VigilError(notAFileId(r.fileID), { file: display, code: "schema" });
    const rel = payloadRel(r.fileID);
    const absPath = join(dir, rel);
    const onDisk = payloadOnDisk(absPath);
    if (onDisk !== true && onDisk !== false) {
      // Unreadable (a folder without permission, a file where the folder should be): not missing.
      throw new VigilError(`payload ${rel} cannot be read (${onDisk})`, { file: display, code: "unreadable" });
    }
    if (!onDisk) {
      // A file of size 0 has nothing to store: its missing payload is its (empty) content.
      const mb = r.file && r.file.length ? safeMBFile(r.file) : undefined;
      if (mb?.size === 0) return { rel, abs: absPath, display, empty: true };
      throw new VigilError(`listed in Manifest.db but its payload ${rel} is missing from the backup folder (partial or damaged backup)`, { file: display, code: "missing" });
    }
    let key: Buffer | undefined;
    if (encrypted && r.file) {
      const mb = decodeMBFile(r.file, display);
      if (mb.encryptionKey) {
        const split = splitWrappedKey(mb.encryptionKey);
        // The 4-byte prefix and ProtectionClass repeat each other; prefer the prefix (it is what
        // the key was wrapped with) and fall back to ProtectionClass.
        const candidates = [split?.clas, mb.protectionClass].filter((c): c is number => c !== undefined);
        for (const c of candidates) {
          const ck = unlocked!.classKeys.get(c);
          if (ck && split) key = aes256Key(aesUnwrap(ck, split.wrapped));
          if (key) break;
        }
        if (!key) throw new VigilError(`cannot unwrap this file's key (protection class ${candidates.join("/")}; corrupt metadata)`, { file: display, code: "keybag" });
      }
    }
    return { rel, abs: absPath, key, display };
  };

  const readPayload = async (p: Payload): Promise<Buffer> => {
    if (p.empty) return Buffer.alloc(0);
    const data = readLogged(log, p.rel, p.abs);
    if (!p.key) return data;
    if (data.length % 16 !== 0 || data.length === 0) throw new VigilError(`encrypted payload ${p.rel} is truncated (${data.length} bytes, not a positive multiple of 16)`, { file: p.display, code: "decrypt" });
    const plain = stripPkcs7(decryptCbcRaw(p.key, data));
    if (!plain) throw new VigilError(`payload ${p.rel} does not decrypt cleanly (bad padding): corrupt file or key`, { file: p.display, code: "decrypt" });
    return plain;
  };

  /** Decrypts or copies a payload to a private file, streaming (big SQLite databases, decrypt-backup). */
  const exportPayload = async (entry: FileEntry, dest: string): Promise<void> => {
    const p = payloadOf(entry);
    // Small files in one go: stream set-up costs more than the copy itself.
    if ((sizeOf(p.abs) ?? 0) <= 4 * 1024 * 1024) {
      await writeFile(dest, await readPayload(p), { mode: 0o600 });
      return;
    }
    try {
      await copyLogged(log, p.rel, p.abs, dest, p.key ? payloadDecipher(p.key) : undefined);
    } catch (e) {
      if (e instanceof VigilError) throw e;
      throw new VigilError(`payload ${p.rel} cannot be ${p.key ? "decrypted" : "read"}: ${describeError(e)}`, { file: p.display, code: "decrypt", cause: e });
    }
  };

  const view: IosBackupView = {
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
    reopenSpec: () => ({ opener: "ios_backup", path: given, derivedKey: unlocked ? new Uint8Array(unlocked.kek) : undefined, manifestCopy: dbPath }),
    manifestDbPath: dbPath,

    async find(spec: ArtifactSpec): Promise<FileEntry[]> {
      const out = new Map<string, FileEntry>();
      for (const b of spec.backup ?? []) {
        const params: unknown[] = [];
        const conds = [condition("domain", b.domain, params), condition("relativePath", b.path, params), "(flags IS NULL OR flags NOT IN (2, 4))"].filter(Boolean);
        const query = `SELECT ${COLS} FROM Files WHERE ${conds.join(" AND ")}`;
        let st = findCache.get(query);
        if (!st) {
          st = sql(() => db.prepare(query));
          findCache.set(query, st);
        }
        const exactDomain = !GLOB_CHARS.test(b.domain);
        const exactPath = !GLOB_CHARS.test(b.path);
        const dm = exactDomain ? undefined : glob(b.domain);
        const pm = exactPath ? undefined : glob(b.path);
        for (const r of (sql(() => st.all(...params)) as Row[]).map(cleanRow)) {
          if (dm && !dm(r.domain ?? "")) continue;
          if (pm && !pm(r.relativePath ?? "")) continue;
          if (!out.has(r.fileID)) out.set(r.fileID, toEntry(r));
        }
      }
      // A partial backup lists files whose payload is absent. Those are left out when some
      // match is present; when none is, they are returned so that reading one fails with the
      // "payload missing" reason (the module is then "failed", not wrongly "absent").
      const all = [...out.values()];
      const present = all.filter((e) => e.size === 0 || (isFileId(e.fileId!) && payloadOnDisk(join(dir, payloadRel(e.fileId!)), false) !== false));
      const result = present.length ? present : all;
      return result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    entries,
    entryPages,

    async readFile(entry: FileEntry): Promise<Buffer> {
      if (isRootFile(entry)) return readLogged(log, entry.path, join(dir, entry.path));
      return readPayload(payloadOf(entry));
    },

    // A plain backup's payload is the file itself; an encrypted one's bytes mean nothing in place.
    async inPlacePath(entry: FileEntry): Promise<string | undefined> {
      if (encrypted || isRootFile(entry)) return undefined;
      const p = payloadOf(entry);
      if (p.empty) return undefined;
      if (!log.has(p.rel)) log.hashLater(p.rel, p.abs);
      return p.abs;
    },

    async openStream(entry: FileEntry): Promise<Readable> {
      if (isRootFile(entry)) return Readable.from([readLogged(log, entry.path, join(dir, entry.path))]);
      const p = payloadOf(entry);
      const size = sizeOf(p.abs) ?? 0;
      if (size <= STREAM_WHOLE_LIMIT) return Readable.from([await readPayload(p)]);
      const src = createReadStream(p.abs);
      const tap = hashTap(log, p.rel);
      let out: Readable = src.pipe(tap);
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

    async openSqlite(entry: FileEntry): Promise<SqliteHandle> {
      const p = payloadOf(entry);
      // The WAL is a separate Manifest.db entry; it is brought along when its payload is present.
      const walRow = entry.domain !== undefined && entry.relativePath !== undefined ? rowBy(byName, entry.domain, entry.relativePath + "-wal") : undefined;
      const wal = walRow && payloadThere(walRow.fileID) ? walRow : undefined;
      // A plain database without a WAL is read where it is, and hashed meanwhile.
      if (!p.key && !p.empty && !wal) {
        const h = openSqliteInPlace(p.abs, p.display);
        if (h) {
          log.hashLater(p.rel, p.abs);
          return h;
        }
      }
      const key = entry.fileId ?? entry.path;
      let c = sqliteCopies.get(key);
      if (!c) {
        const work = privateTempDir("backup-sqlite");
        const name = basename(entry.relativePath ?? entry.path) || "db.sqlite";
        const copy = join(work, name);
        try {
          await exportPayload(entry, copy);
          if (wal) await exportPayload({ path: `${entry.path}-wal`, fileId: wal.fileID }, copy + "-wal");
        } catch (e) {
          removeTempDir(work);
          throw e;
        }
        c = { dir: work, copy, users: 0, bytes: (sizeOf(copy) ?? 0) + (sizeOf(copy + "-wal") ?? 0) };
        sqliteCopies.set(key, c);
      }
      c.users++;
      released.delete(key);
      // The exported payload already is a private copy: the handle uses it as it is.
      return openSqlitePrivateCopy(c.copy, p.display, () => releaseCopy(key));
    },

    inputsRead(): InputFile[] {
      return log.list();
    },

    *payloadRows() {
      let last = 0;
      const pageFiles = sql(() => db.prepare(`SELECT rowid, fileID, domain, relativePath, flags, NULL AS file FROM Files WHERE rowid > ? AND (flags IS NULL OR flags NOT IN (2, 4)) ORDER BY rowid LIMIT 2000`));
      for (;;) {
        const rows = (sql(() => pageFiles.all(last)) as Row[]).map(cleanRow);
        if (rows.length === 0) return;
        for (const r of rows) {
          const at = { fileId: r.fileID, domain: r.domain ?? "", relativePath: r.relativePath ?? "" };
          if (!isFileId(r.fileID)) yield { ...at, refused: notAFileId(r.fileID) };
          else if (payloadThere(r.fileID)) yield { ...at, path: payloadRel(r.fileID) };
        }
        const next = rows[rows.length - 1].rowid;
        if (!(next > last)) throw new VigilError(`corrupt Manifest.db: row ids out of order in table Files (${next} after ${last})`, { file: dbFile, code: "sqlite" });
        last = next;
      }
    },

    counts() {
      const rows = sql(() => db.prepare("SELECT flags, count(*) AS n FROM Files GROUP BY flags").all()) as { flags: number; n: number }[];
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
        for (const c of sqliteCopies.values()) removeTempDir(c.dir);
        sqliteCopies.clear();
      }
    },
  };
  return view;
}
