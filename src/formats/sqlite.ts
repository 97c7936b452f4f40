// SQLite databases from evidence, opened so that nothing (no -shm, no WAL checkpoint, no journal
// rollback, no lock) ever touches the original: in place as an immutable read-only database
// when no WAL or journal goes with it, else on a private copy that holds them too.
import Database from "better-sqlite3";
import { copyFileSync, existsSync, openSync, readSync, closeSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { VigilError } from "../core/errors.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";

const MAGIC = Buffer.from("SQLite format 3\0", "latin1");

// better-sqlite3's SQLite takes "file:" URIs (needed for immutable opens, see openImmutable) only
// when this variable is 1 as its addon loads, at the first database opened in the process.
// Plain paths mean the same either way. A caller's own value is kept; 0 means every database is
// copied first.
process.env.SQLITE_USE_URI ??= "1";

/** An SQLite database opened read-only on a private copy (with its -wal/-journal) or immutable in place. */
export interface SqliteHandle {
  db: Database.Database;
  /** Path of the artifact inside the acquisition. */
  path: string;
  tables(): Set<string>;
  columns(table: string): Set<string>;
  close(): void;
}

/**
 * Opens a database file read-only as immutable (SQLite's "immutable=1"): SQLite then opens it
 * O_RDONLY and takes no lock, creates no -shm, and reads or writes no WAL or journal. For a file
 * that no WAL or journal goes with (the caller checks), this reads exactly what a private copy
 * would, without writing one: a copy is written (and later deleted) once per thread reading
 * it. Returns undefined when SQLite cannot open it so (URIs turned off): the caller makes a copy
 * instead, and reports that copy's errors.
 */
export function openImmutable(file: string): Database.Database | undefined {
  const url = pathToFileURL(file);
  url.search = "?immutable=1";
  try {
    return new Database(url.href, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
}

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

/** The first 100 bytes of a file (fewer when it is shorter): an SQLite database's header. */
export function readHeader(file: string): Buffer {
  const head = Buffer.alloc(100);
  const fd = openSync(file, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, 100, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a database file from disk: in place (immutable, see openImmutable) when no -wal or
 * -journal is beside it; else on a private copy of it and them.
 */
export function openSqliteFile(file: string, display: string): SqliteHandle {
  const extra = ["-wal", "-journal"].filter((suffix) => existsSync(file + suffix));
  const inPlace = extra.length ? undefined : openSqliteInPlace(file, display);
  if (inPlace) return inPlace;
  if (extra.length) checkHeader(readHeader(file), display);
  const dir = privateTempDir("sqlite");
  const name = basename(file) || "db.sqlite";
  const copy = join(dir, name);
  copyFileSync(file, copy);
  for (const suffix of extra) copyFileSync(file + suffix, copy + suffix);
  return openCopy(copy, display, () => removeTempDir(dir));
}

/**
 * Opens an evidence database in place, immutable (see openImmutable), for a file that no WAL or
 * journal goes with; undefined when SQLite cannot open it so. Corruption is reported as
 * openCopy reports it.
 */
export function openSqliteInPlace(file: string, display: string): SqliteHandle | undefined {
  checkHeader(readHeader(file), display);
  const db = openImmutable(file);
  return db && wrap(db, display, () => {});
}

/**
 * Opens a private copy the caller keeps: `release` is called once the handle is closed (or
 * when opening fails), for the caller to remove the copy or keep it for the next user.
 */
export function openSqlitePrivateCopy(copy: string, display: string, release: () => void): SqliteHandle {
  try {
    checkHeader(readHeader(copy), display);
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
export function requireSchema(h: SqliteHandle, need: Record<string, readonly string[]>): void {
  for (const [table, columns] of Object.entries(need)) {
    if (!h.tables().has(table)) throw new VigilError(`unexpected schema: no table ${table}`, { file: h.path, code: "schema" });
    const have = h.columns(table);
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) throw new VigilError(`unexpected schema: table ${table} lacks ${missing.join(", ")}`, { file: h.path, code: "schema" });
  }
}

/** A query over a table keyed by an integer rowid, read in pages by pagedJsonRows. */
export interface PagedQuery {
  /** Result columns (SQL expressions); BLOB values must be turned into text (e.g. hex()). */
  columns: string[];
  /** "FROM ..." with any joins; no WHERE. */
  from: string;
  /**
   * The integer key the pages follow (e.g. "ROWID", "v.id"); also one of `columns`. It must be
   * unique among the result rows: a join that repeats a key could lose rows at a page's end.
   */
  key: string;
  /** Where `key` is in `columns`. */
  keyColumn: number;
  /** Only keys in [from, to]. */
  range?: [number, number];
  /**
   * Rows per page. Small pages die young: with big pages, every young-generation collection
   * during a page copied the page's live rows (512 and 8192 compared in bench/NOTES.md).
   */
  pageSize?: number;
}

const BLOB_IN_JSON = /JSON cannot hold BLOB values/;

/**
 * The rows of a query, as arrays of column values, in key order. Each page is one native call
 * that returns the page's rows as one JSON text, built by SQLite: better-sqlite3 builds every row
 * array value by value through V8's slowest property path, which costs far more per row (see
 * bench/NOTES.md). The values are the same: text (including NULs) and REALs (SQLite 3.53 writes
 * the shortest exact digits) come through JSON unchanged, and an integer beyond 2^53 becomes the
 * nearest double, as better-sqlite3 makes it. A page where some value is a BLOB (a table whose
 * declared types the data ignores) is read again the usual way.
 */
export function* pagedJsonRows(db: Database.Database, q: PagedQuery): Generator<unknown[]> {
  const size = Math.trunc(q.pageSize ?? 512);
  const bound = q.range ? ` AND ${q.key} <= ${Math.trunc(q.range[1])}` : "";
  const inner = `SELECT ${q.columns.map((c, i) => `${c} AS c${i}`).join(", ")} ${q.from} WHERE ${q.key} > ?${bound} ORDER BY ${q.key} LIMIT ${size}`;
  const json = db.prepare(`SELECT json_group_array(json_array(${q.columns.map((_, i) => `c${i}`).join(", ")})) FROM (${inner})`).pluck();
  let plain: Database.Statement | undefined;
  let last = q.range ? Math.trunc(q.range[0]) - 1 : -Infinity;
  const k = q.keyColumn;
  for (;;) {
    let rows: unknown[][];
    try {
      rows = JSON.parse(json.get(last) as string) as unknown[][];
    } catch (e) {
      if (!BLOB_IN_JSON.test((e as Error).message)) throw e;
      plain ??= db.prepare(inner).raw(true);
      rows = plain.all(last) as unknown[][];
    }
    // SQLite hands an ordered subquery's rows to the aggregate in order, but SQL does not
    // promise it: the order is checked, and restored when needed.
    for (let i = 1; i < rows.length; i++) {
      if ((rows[i][k] as number) < (rows[i - 1][k] as number)) {
        rows.sort((a, b) => (a[k] as number) - (b[k] as number));
        break;
      }
    }
    yield* rows;
    if (rows.length < size) return;
    // A damaged table can give keys at or below the last page's: the next page would start over.
    const next = rows[rows.length - 1][k] as number;
    if (!(next > last)) throw new VigilError(`corrupt database: keys out of order in ${q.key} (${next} after ${last})`, { code: "sqlite" });
    last = next;
  }
}
