// SQLite databases from evidence, opened on a private copy so that nothing (no -shm, no WAL
// checkpoint, no journal rollback) ever touches the original.
import Database from "better-sqlite3";
import { copyFileSync, existsSync, openSync, readSync, closeSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { SqliteHandle } from "../acquisitions/view.ts";
import { VigilError } from "../core/errors.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";

const MAGIC = Buffer.from("SQLite format 3\0", "latin1");

function checkHeader(head: Buffer, display: string): void {
  if (head.length < 100) throw new VigilError("truncated SQLite database (shorter than its 100-byte header)", { file: display, code: "sqlite" });
  if (!head.subarray(0, 16).equals(MAGIC)) throw new VigilError("not an SQLite database (bad header; encrypted or corrupt?)", { file: display, code: "sqlite" });
}

function wrap(db: Database.Database, display: string, drop: () => void): SqliteHandle {
  try {
    db.pragma("query_only = 1");
    // Forces SQLite to read the schema now, so corruption is reported as this file's problem.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (e) {
    db.close();
    drop();
    throw new VigilError(`corrupt SQLite database: ${(e as Error).message}`, { file: display, code: "sqlite", cause: e });
  }
  let tables: Set<string> | undefined;
  const cols = new Map<string, Set<string>>();
  return {
    db,
    path: display,
    tables() {
      tables ??= new Set((db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')").all() as { name: string }[]).map((r) => r.name));
      return tables;
    },
    columns(table: string) {
      let c = cols.get(table);
      if (!c) {
        c = new Set((db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as { name: string }[]).map((r) => r.name));
        cols.set(table, c);
      }
      return c;
    },
    close() {
      if (db.open) {
        db.close();
        drop();
      }
    },
  };
}

/** Opens a database file from disk, copying it and any -wal/-journal beside it first. */
export function openSqliteFile(file: string, display: string): SqliteHandle {
  const head = Buffer.alloc(100);
  const fd = openSync(file, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  checkHeader(head.subarray(0, n), display);
  const dir = privateTempDir("sqlite");
  const name = basename(file) || "db.sqlite";
  const copy = join(dir, name);
  copyFileSync(file, copy);
  for (const suffix of ["-wal", "-journal"]) {
    if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
  }
  return openCopy(copy, display, () => removeTempDir(dir));
}

/**
 * Opens a private copy the caller already made (an acquisition's decrypted or copied payload)
 * in its own private folder `dir`, without copying it again; the handle then owns `dir` and
 * removes it on close (or at once when the file cannot be opened).
 */
/**
 * Opens a private copy the caller keeps: `release` is called once the handle is closed (or
 * when opening fails), for the caller to remove the copy or keep it for the next user.
 */
export function openSqlitePrivateCopy(copy: string, display: string, release: () => void): SqliteHandle {
  const head = Buffer.alloc(100);
  let n: number;
  try {
    const fd = openSync(copy, "r");
    try {
      n = readSync(fd, head, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
    checkHeader(head.subarray(0, n), display);
  } catch (e) {
    release();
    throw e;
  }
  return openCopy(copy, display, release);
}

/**
 * Opens a database held in memory (decrypted, or read from an archive), with its WAL when the
 * acquisition has one.
 */
export function openSqliteBuffer(data: Buffer, display: string, wal?: Buffer): SqliteHandle {
  checkHeader(data.subarray(0, 100), display);
  const dir = privateTempDir("sqlite");
  const copy = join(dir, basename(display) || "db.sqlite");
  writeFileSync(copy, data, { mode: 0o600 });
  if (wal) writeFileSync(copy + "-wal", wal, { mode: 0o600 });
  return openCopy(copy, display, () => removeTempDir(dir));
}

function openCopy(copy: string, display: string, drop: () => void): SqliteHandle {
  let db: Database.Database;
  try {
    db = new Database(copy, { fileMustExist: true });
  } catch (e) {
    drop();
    throw new VigilError(`cannot open SQLite database: ${(e as Error).message}`, { file: display, code: "sqlite", cause: e });
  }
  return wrap(db, display, drop);
}

/** Throws a one-line "unexpected schema" error unless every table (and its columns) exists. */
export function requireSchema(h: SqliteHandle, need: Record<string, string[]>): void {
  for (const [table, columns] of Object.entries(need)) {
    if (!h.tables().has(table)) throw new VigilError(`unexpected schema: no table ${table}`, { file: h.path, code: "schema" });
    const have = h.columns(table);
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) throw new VigilError(`unexpected schema: table ${table} lacks ${missing.join(", ")}`, { file: h.path, code: "schema" });
  }
}
