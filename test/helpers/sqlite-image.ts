// SQLite databases built in code for tests and fuzz seeds: a schema script, then rows filled in
// one transaction; the database's bytes are what a module reads from an acquisition. Foreign keys
// are not enforced (SQLite's default, which better-sqlite3 changes): fixtures hold dangling
// references as real databases do, and the pragma cannot be changed inside the transaction.
import Database from "better-sqlite3";

/** The bytes of an in-memory database made from `schema` (SQL statements) and `fill`. */
export function sqliteImage(schema: string, fill?: (db: Database.Database) => void): Buffer {
  const db = new Database(":memory:");
  try {
    db.pragma("foreign_keys = OFF");
    db.exec(schema);
    if (fill) db.transaction(() => fill(db))();
    return db.serialize();
  } finally {
    db.close();
  }
}
