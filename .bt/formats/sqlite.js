import Database from "better-sqlite3";
import { copyFileSync, existsSync, openSync, readSync, closeSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { VigilError } from "../core/errors.js";
import { privateTempDir, removeTempDir } from "../core/tempdir.js";
const MAGIC = Buffer.from("SQLite format 3\0", "latin1");
function checkHeader(head, display) {
  if (head.length < 100) throw new VigilError("truncated SQLite database (shorter than its 100-byte header)", { file: display, code: "sqlite" });
  if (!head.subarray(0, 16).equals(MAGIC)) throw new VigilError("not an SQLite database (bad header; encrypted or corrupt?)", { file: display, code: "sqlite" });
}
function wrap(db, display, dir) {
  try {
    db.pragma("query_only = 1");
    db.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (e) {
    db.close();
    removeTempDir(dir);
    throw new VigilError(`corrupt SQLite database: ${e.message}`, { file: display, code: "sqlite", cause: e });
  }
  let tables;
  const cols = /* @__PURE__ */ new Map();
  return {
    db,
    path: display,
    tables() {
      tables ??= new Set(db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')").all().map((r) => r.name));
      return tables;
    },
    columns(table) {
      let c = cols.get(table);
      if (!c) {
        c = new Set(db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all().map((r) => r.name));
        cols.set(table, c);
      }
      return c;
    },
    close() {
      if (db.open) db.close();
      removeTempDir(dir);
    }
  };
}
function openSqliteFile(file, display) {
  const head = Buffer.alloc(100);
  const fd = openSync(file, "r");
  let n;
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
  return openCopy(copy, display, dir);
}
function openSqlitePrivateCopy(copy, display, dir) {
  const head = Buffer.alloc(100);
  let n;
  try {
    const fd = openSync(copy, "r");
    try {
      n = readSync(fd, head, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
    checkHeader(head.subarray(0, n), display);
  } catch (e) {
    removeTempDir(dir);
    throw e;
  }
  return openCopy(copy, display, dir);
}
function openSqliteBuffer(data, display, wal) {
  checkHeader(data.subarray(0, 100), display);
  const dir = privateTempDir("sqlite");
  const copy = join(dir, basename(display) || "db.sqlite");
  writeFileSync(copy, data, { mode: 384 });
  if (wal) writeFileSync(copy + "-wal", wal, { mode: 384 });
  return openCopy(copy, display, dir);
}
function openCopy(copy, display, dir) {
  let db;
  try {
    db = new Database(copy, { fileMustExist: true });
  } catch (e) {
    removeTempDir(dir);
    throw new VigilError(`cannot open SQLite database: ${e.message}`, { file: display, code: "sqlite", cause: e });
  }
  return wrap(db, display, dir);
}
function requireSchema(h, need) {
  for (const [table, columns] of Object.entries(need)) {
    if (!h.tables().has(table)) throw new VigilError(`unexpected schema: no table ${table}`, { file: h.path, code: "schema" });
    const have = h.columns(table);
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) throw new VigilError(`unexpected schema: table ${table} lacks ${missing.join(", ")}`, { file: h.path, code: "schema" });
  }
}
export {
  openSqliteBuffer,
  openSqliteFile,
  openSqlitePrivateCopy,
  requireSchema
};
