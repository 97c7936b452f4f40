// Manifest.db, the backup's index: opened where it is (immutable) when it is plain, else as a
// private copy (decrypted for an encrypted backup), with the checks that refuse a truncated or
// foreign database before any module asks it anything.
import Database from "better-sqlite3";
import { closeSync, existsSync, ftruncateSync, openSync, readSync } from "node:fs";
import { VigilError, describeError } from "../../core/errors.ts";
import { aesUnwrap, splitWrappedKey, stripPkcs7 } from "../../formats/keybag.ts";
import { openImmutable, readHeader } from "../../formats/sqlite.ts";
import { InputLog, copyLogged, payloadDecipher, sizeOf } from "./evidence.ts";
import type { Unlocked } from "./unlock.ts";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

function truncationProblem(path: string): string | undefined {
  const head = readHeader(path);
  if (head.length < 100) return "truncated (shorter than the 100-byte SQLite header)";
  if (!head.subarray(0, 16).equals(SQLITE_MAGIC)) return "not an SQLite database";
  let pageSize = head.readUInt16BE(16);
  if (pageSize === 1) pageSize = 65536;
  const pages = head.readUInt32BE(28);
  // The in-header page count is only trustworthy when "version-valid-for" matches the change counter.
  if (pages > 0 && head.readUInt32BE(92) === head.readUInt32BE(24)) {
    const size = sizeOf(path) ?? 0;
    if (size < pageSize * pages) return `truncated (${size} bytes, the header says ${pageSize * pages})`;
  }
  return undefined;
}

/**
 * An unwrapped Manifest.db or file key, when it has the 32 bytes of an AES-256 key: a damaged or
 * crafted wrapped key of another length unwraps to a key the cipher refuses with a RangeError.
 */
export const aes256Key = (k: Buffer | undefined): Buffer | undefined => (k?.length === 32 ? k : undefined);

export async function materializeManifest(
  log: InputLog,
  src: string,
  dst: string,
  unlocked: Unlocked | undefined,
  manifestPlist: Record<string, unknown> | undefined,
  manifestPlistPath: string,
): Promise<void> {
  const mk = manifestPlist?.["ManifestKey"];
  if (!unlocked || !Buffer.isBuffer(mk)) {
    // Plain backup, or encrypted before iOS 10.2 (Manifest.db was not encrypted then).
    await copyLogged(log, "Manifest.db", src, dst);
    if (existsSync(src + "-wal")) await copyLogged(log, "Manifest.db-wal", src + "-wal", dst + "-wal");
    return;
  }
  const split = splitWrappedKey(mk);
  const classKey = split && unlocked.classKeys.get(split.clas);
  const dbKey = split && classKey && aes256Key(aesUnwrap(classKey, split.wrapped));
  if (!dbKey) throw new VigilError("cannot unwrap the Manifest.db key (ManifestKey corrupt?)", { file: manifestPlistPath, code: "keybag" });
  const size = sizeOf(src) ?? 0;
  if (size % 16 !== 0) throw new VigilError(`encrypted Manifest.db is truncated (${size} bytes, not a multiple of 16)`, { file: src, code: "sqlite" });
  await copyLogged(log, "Manifest.db", src, dst, payloadDecipher(dbKey, false));
  // PKCS#7 (FORMAT.md §6): strip a valid pad; keep an unpadded SQLite file as it is.
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

/**
 * Opens Manifest.db: the evidence itself when `inPlace` (immutable; undefined when SQLite cannot
 * open it so), else a private copy.
 */
export function openManifest(path: string, display: string, noManifestPlist: boolean, inPlace: boolean): Database.Database | undefined {
  const problem = truncationProblem(path);
  if (problem === "not an SQLite database" && noManifestPlist) {
    throw new VigilError("Manifest.db is not an SQLite database and Manifest.plist is missing: an encrypted backup copied without its Manifest.plist?", { file: display, code: "sqlite" });
  }
  if (problem) throw new VigilError(`Manifest.db is ${problem}`, { file: display, code: "sqlite" });
  let db: Database.Database | undefined;
  try {
    db = inPlace ? openImmutable(path) : new Database(path, { fileMustExist: true });
    if (!db) return undefined;
    db.pragma("query_only = 1");
    const cols = new Set((db.prepare("PRAGMA table_info(Files)").all() as { name: string }[]).map((r) => r.name));
    const missing = ["fileID", "domain", "relativePath", "flags", "file"].filter((c) => !cols.has(c));
    if (missing.length) {
      db.close();
      throw new VigilError(cols.size ? `unexpected Manifest.db schema: table Files lacks ${missing.join(", ")}` : "unexpected Manifest.db schema: no Files table", { file: display, code: "schema" });
    }
    try {
      db.prepare("SELECT rowid FROM Files LIMIT 0");
    } catch {
      db.close();
      throw new VigilError("unexpected Manifest.db schema: Files has no rowid (a view, or a table WITHOUT ROWID)", { file: display, code: "schema" });
    }
    db.prepare("SELECT count(*) FROM Files").get();
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`corrupt Manifest.db: ${describeError(e)}`, { file: display, code: "sqlite", cause: e });
  }
  return db;
}
