// An archive's entries kept in a private SQLite file instead of the heap, for full-filesystem
// dumps of a million entries or more. Module globs are answered from its indexes (by file
// name, or by a path range under the glob's literal base folder) rather than by a scan.
import Database from "better-sqlite3";
import { join } from "node:path";
import picomatch from "picomatch";
import { privateTempDir, removeTempDir } from "../../core/tempdir.ts";
import type { ArchiveEntry } from "./entry.ts";
import type { EntryIndex } from "./entry-index.ts";

const TYPE_CODE = { file: 0, directory: 1, symlink: 2 } as const;
const TYPE_NAME = ["file", "directory", "symlink"] as const;
const GLOB_CHARS = /[*?[\]{}()!+@]/;

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

function rowEntry(r: Row): ArchiveEntry {
  const a: ArchiveEntry = { path: r.path, type: TYPE_NAME[r.type], size: r.size ?? 0 };
  if (r.mtime) a.modified = r.mtime;
  if (r.link !== null) a.linkTarget = r.link;
  else if (r.hardlink !== null) a.hardlinkTo = r.hardlink;
  return a;
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

export class SqliteEntryIndex implements EntryIndex {
  private readonly dir = privateTempDir("fsindex");
  private readonly db = new Database(join(this.dir, "entries.db"));
  private ins: Database.Statement;
  private insMany: Database.Statement;
  // Rows go in 64 at a time: one native call per row was the indexing pass's largest cost.
  private static readonly BATCH = 64;
  private batch: unknown[] = [];
  private pending = 0;
  private byPath?: Database.Statement;
  private byName?: Database.Statement;
  private range?: Database.Statement;
  private page?: Database.Statement;
  count = 0;

  constructor() {
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec("CREATE TABLE e (path TEXT NOT NULL, name TEXT NOT NULL, size INTEGER, mtime TEXT, type INTEGER, link TEXT, hardlink TEXT)");
    const row = "(?, ?, ?, ?, ?, ?, ?)";
    this.ins = this.db.prepare(`INSERT INTO e VALUES ${row}`);
    this.insMany = this.db.prepare(`INSERT INTO e VALUES ${Array(SqliteEntryIndex.BATCH).fill(row).join(", ")}`);
    this.db.exec("BEGIN");
  }

  add(a: ArchiveEntry): void {
    this.batch.push(a.path, a.path.slice(a.path.lastIndexOf("/") + 1), a.size, a.modified ?? null, TYPE_CODE[a.type], a.linkTarget ?? null, a.hardlinkTo ?? null);
    this.count++;
    if (this.batch.length === SqliteEntryIndex.BATCH * 7) {
      this.insMany.run(this.batch);
      this.batch = [];
      if (++this.pending >= 300) {
        this.db.exec("COMMIT; BEGIN");
        this.pending = 0;
      }
    }
  }

  finish(): string[] {
    for (let i = 0; i < this.batch.length; i += 7) this.ins.run(this.batch.slice(i, i + 7));
    this.batch = [];
    if (this.db.inTransaction) this.db.exec("COMMIT");
    // Most module globs end in a literal file name ("*/Library/Safari/History.db"): the name
    // index finds those without scanning every container; the path index serves the rest.
    // A path added twice fails the unique index: only its first row is kept, as in memory.
    let duplicates: string[] = [];
    try {
      this.db.exec("CREATE UNIQUE INDEX e_path ON e(path)");
    } catch (e) {
      if ((e as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw e;
      duplicates = this.db.prepare("SELECT path FROM e GROUP BY path HAVING count(*) > 1 AND (min(type) <> 1 OR max(type) <> 1) ORDER BY min(rowid)").pluck().all() as string[];
      this.db.exec("DELETE FROM e WHERE rowid NOT IN (SELECT min(rowid) FROM e GROUP BY path); CREATE UNIQUE INDEX e_path ON e(path)");
    }
    this.db.exec("CREATE INDEX e_name ON e(name)");
    this.byPath = this.db.prepare("SELECT rowid, * FROM e WHERE path = ? LIMIT 1");
    this.byName = this.db.prepare("SELECT rowid, * FROM e WHERE name = ? AND type = 0");
    this.range = this.db.prepare("SELECT rowid, * FROM e WHERE path >= ? AND path < ? AND type = 0 AND path GLOB ?");
    this.page = this.db.prepare("SELECT rowid, * FROM e WHERE rowid > ? ORDER BY rowid LIMIT 512");
    return duplicates;
  }

  get(path: string): ArchiveEntry | undefined {
    const r = this.byPath!.get(path) as Row | undefined;
    return r && rowEntry(r);
  }

  *pages(): Iterable<ArchiveEntry[]> {
    // Pages by rowid so no statement stays open while the consumer runs other queries.
    let last = 0;
    for (;;) {
      const rows = this.page!.all(last) as Row[];
      if (rows.length === 0) return;
      yield rows.map(rowEntry);
      last = rows[rows.length - 1].rowid;
    }
  }

  find(prefix: string, globs: string[]): ArchiveEntry[] {
    const pl = prefix.length;
    const out = new Map<string, ArchiveEntry>();
    for (const g of globs) {
      const s = picomatch.scan(g);
      if (!s.isGlob) {
        const r = this.byPath!.get(prefix + g) as Row | undefined;
        if (r && r.type === 0) out.set(g, rowEntry(r));
        continue;
      }
      const m = picomatch(g, { dot: true });
      const last = g.slice(g.lastIndexOf("/") + 1);
      const base = prefix + (s.base ? s.base + "/" : "");
      const rows = !GLOB_CHARS.test(last) ? (this.byName!.iterate(last) as Iterable<Row>) : (this.range!.iterate(base, after(base), sqliteGlob(prefix, g)) as Iterable<Row>);
      for (const r of rows) {
        if (pl && !r.path.startsWith(prefix)) continue;
        const p = r.path.slice(pl);
        if (!out.has(p) && m(p)) out.set(p, rowEntry(r));
      }
    }
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  close(): void {
    if (this.db.open) this.db.close();
    removeTempDir(this.dir);
  }
}
