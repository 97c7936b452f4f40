// Structure-aware mutators for SQLite databases. Physical ones damage the file as a disk or a
// carver would: header fields, b-tree page headers and cell pointers, whole pages zeroed,
// copied or cut off. Logical ones go through SQLite itself on a copy in memory and give the
// reader what odd devices and hostile apps write: values of the wrong type or size, columns
// and tables dropped or renamed, declared schemas rewritten behind SQLite's back.
import Database from "better-sqlite3";
import { INTERESTING32, noise } from "./bytes.ts";
import type { Mutator } from "./types.ts";

/** [offset, width] of the database header fields (https://sqlite.org/fileformat.html). */
const HEADER_FIELDS: [number, number][] = [
  [16, 2], [18, 1], [19, 1], [20, 1], [21, 1], [22, 1], [23, 1], [24, 4], [28, 4], [32, 4], [36, 4],
  [40, 4], [44, 4], [48, 4], [52, 4], [56, 4], [60, 4], [64, 4], [92, 4], [96, 4],
];

function pageSize(buf: Buffer): number {
  if (buf.length < 100) return 4096;
  const v = buf.readUInt16BE(16);
  return v === 1 ? 65536 : v >= 512 && (v & (v - 1)) === 0 ? v : 4096;
}

function setBE(buf: Buffer, pos: number, width: number, v: number): void {
  if (pos + width > buf.length) return;
  if (width === 1) buf[pos] = v & 0xff;
  else if (width === 2) buf.writeUInt16BE(v & 0xffff, pos);
  else buf.writeUInt32BE(v >>> 0, pos);
}

export const sqliteHeader: Mutator = {
  name: "sqlite-header",
  apply(buf, a, _b, c, ctx) {
    if (buf.length < 100) return buf;
    const [off, width] = HEADER_FIELDS[a % HEADER_FIELDS.length];
    const out = ctx.writable(buf);
    const pages = Math.ceil(buf.length / pageSize(buf));
    const choices = [...INTERESTING32, pages, pages + 1, pages - 1, 2, 3, 4];
    setBE(out, off, width, choices[c % choices.length]);
    return out;
  },
};

/** A b-tree page header field (type, first freeblock, cell count, content start, right pointer) or a cell pointer. */
export const sqlitePageHeader: Mutator = {
  name: "sqlite-page-header",
  apply(buf, a, b, c, ctx) {
    const ps = pageSize(buf);
    const pages = Math.floor(buf.length / ps);
    if (pages < 1) return buf;
    const page = a % pages;
    const base = page * ps + (page === 0 ? 100 : 0);
    const out = ctx.writable(buf);
    const fields: [number, number][] = [[0, 1], [1, 2], [3, 2], [5, 2], [7, 1], [8, 4]];
    const cells = base + 4 < out.length ? out.readUInt16BE(base + 3) : 0;
    const interior = out[base] === 0x02 || out[base] === 0x05;
    const which = b % (fields.length + 2);
    const values = [0, 1, 0xff, 0xffff, ps, ps - 1, pages, pages + 1, 0x0d, 0x05, 0x0a, 0x02, 12, 100, c & 0xffff];
    if (which < fields.length) {
      const [off, width] = fields[which];
      setBE(out, base + off, width, values[c % values.length]);
    } else if (cells > 0) {
      const ptr = base + (interior ? 12 : 8) + 2 * ((c >>> 4) % cells);
      setBE(out, ptr, 2, values[c % values.length]);
    }
    return out;
  },
};

/** A whole page zeroed, filled with noise, or replaced by a copy of another page. */
export const sqlitePage: Mutator = {
  name: "sqlite-page",
  apply(buf, a, b, c, ctx) {
    const ps = pageSize(buf);
    const pages = Math.floor(buf.length / ps);
    if (pages < 2) return buf;
    const page = 1 + (a % (pages - 1));
    const out = ctx.writable(buf);
    if (b % 3 === 0) out.fill(0, page * ps, (page + 1) * ps);
    else if (b % 3 === 1) noise(c, ps).copy(out, page * ps);
    else buf.copy(out, page * ps, (c % pages) * ps, (c % pages) * ps + ps);
    return out;
  },
};

/** The file cut at a page boundary (a short copy), or in the middle of a page. */
export const sqliteTruncate: Mutator = {
  name: "sqlite-truncate",
  apply(buf, a, b) {
    const ps = pageSize(buf);
    const pages = Math.floor(buf.length / ps);
    if (pages < 2) return buf;
    const keep = 1 + (a % (pages - 1));
    return buf.subarray(0, keep * ps - (b % 2 ? 0 : 1 + (b % (ps - 1))));
  },
};

// ---- logical mutations, through SQLite ----

/** The largest database a logical mutation returns (module:accounts #55788 grew one to 284 MB). */
const MAX_LOGICAL = 32 << 20;

function logical(buf: Buffer, fn: (db: Database.Database) => void): Buffer {
  let db: Database.Database;
  try {
    // A copy: opening a serialized image can take over (detach) the memory it is given.
    db = new Database(Buffer.from(buf));
  } catch {
    return buf;
  }
  try {
    fn(db);
    // A database grown past MAX_LOGICAL (rows doubled, megabyte values) is not kept: a module
    // target holds its input several times in memory, and the memory bound would judge that.
    const size = (db.pragma("page_count", { simple: true }) as number) * (db.pragma("page_size", { simple: true }) as number);
    if (size > MAX_LOGICAL) return buf;
    // A copy on the JavaScript heap: the serialized image is memory SQLite hands over, which
    // was seen detached by the time a module opened it.
    return Buffer.from(db.serialize());
  } catch {
    return buf;
  } finally {
    db.close();
  }
}

function userTables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${q(table)})`).all() as { name: string }[]).map((r) => r.name);
}

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const NOISE = Symbol("64 bytes of noise drawn from c");
/** The values oddValue draws from, made once. */
const ODD_VALUES: unknown[] = [
  null, 0, -1, 1, 2, 9223372036854775807n, -9223372036854775808n, 2 ** 53 + 1, 1e308, -1e308, 0.5, -0.0, 1e-300,
  "", "0", "abc", "\u0000\u0000x", "😀é中", "http://[::1", "https://evil.example/a?b=c#d", "x".repeat(70_000), "2021-07-02 08:41:12", "-1e9",
  Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x00, 0x41]), Buffer.from("bplist00"), NOISE, Buffer.from("streamtyped"), Buffer.alloc(1 << 20, 0x41),
  722_000_000, 722_000_000_000_000_000n, 1_600_000_000_000, 13_270_000_000_000_000n, -722_000_000,
];

/** Values a reader may not expect in a column: every storage class, their edges, odd text and blobs. */
function oddValue(c: number): unknown {
  const v = ODD_VALUES[c % ODD_VALUES.length];
  return v === NOISE ? noise(c, 64) : v;
}

export const sqliteValue: Mutator = {
  name: "sqlite-value",
  apply(buf, a, b, c) {
    return logical(buf, (db) => {
      const tables = userTables(db);
      if (!tables.length) return;
      const t = tables[a % tables.length];
      const cols = columnsOf(db, t);
      if (!cols.length) return;
      const col = cols[b % cols.length];
      const rows = db.prepare(`SELECT rowid AS r FROM ${q(t)}`).pluck().all() as number[];
      db.pragma("ignore_check_constraints = 1");
      db.pragma("foreign_keys = 0");
      const v = oddValue(c);
      // Every row, or one: a reader may cope with one bad row and not with a column of them.
      if ((c >>> 6) % 4 === 0 || !rows.length) db.prepare(`UPDATE OR IGNORE ${q(t)} SET ${q(col)} = ?`).run(v);
      else db.prepare(`UPDATE OR IGNORE ${q(t)} SET ${q(col)} = ? WHERE rowid = ?`).run(v, rows[(c >>> 8) % rows.length]);
    });
  },
};

export const sqliteRows: Mutator = {
  name: "sqlite-rows",
  apply(buf, a, b) {
    return logical(buf, (db) => {
      const tables = userTables(db);
      if (!tables.length) return;
      const t = tables[a % tables.length];
      if (b % 3 === 0) db.prepare(`DELETE FROM ${q(t)}`).run();
      else if (b % 3 === 1) db.prepare(`DELETE FROM ${q(t)} WHERE rowid % 2 = 0`).run();
      else {
        const cols = columnsOf(db, t).map(q).join(", ");
        // Rows repeated (where no UNIQUE constraint stops it): duplicate keys, repeated ids.
        for (let i = 0; i < 1 + (b % 4); i++) db.prepare(`INSERT OR IGNORE INTO ${q(t)} (${cols}) SELECT ${cols} FROM ${q(t)}`).run();
      }
    });
  },
};

export const sqliteSchema: Mutator = {
  name: "sqlite-schema",
  apply(buf, a, b, c) {
    return logical(buf, (db) => {
      const tables = userTables(db);
      if (!tables.length) return;
      const t = tables[a % tables.length];
      const cols = columnsOf(db, t);
      const col = cols[c % Math.max(1, cols.length)];
      switch (b % 6) {
        case 0:
          db.exec(`DROP TABLE ${q(t)}`);
          break;
        case 1:
          if (col) db.exec(`ALTER TABLE ${q(t)} DROP COLUMN ${q(col)}`);
          break;
        case 2:
          if (col) db.exec(`ALTER TABLE ${q(t)} RENAME COLUMN ${q(col)} TO ${q(col + "_x")}`);
          break;
        case 3:
          db.exec(`ALTER TABLE ${q(t)} RENAME TO ${q(t + "_x")}`);
          db.exec(`CREATE VIEW ${q(t)} AS SELECT * FROM ${q(t + "_x")} WHERE 0`);
          break;
        case 4:
          // The declared types rewritten in the stored CREATE statement (what a broken or
          // hostile writer leaves): SQLite reads the schema as written.
          db.pragma("writable_schema = ON");
          db.prepare("UPDATE sqlite_master SET sql = replace(replace(sql, 'INTEGER', 'BLOB'), 'TEXT', 'INTEGER') WHERE name = ?").run(t);
          break;
        default:
          db.pragma("writable_schema = ON");
          db.prepare("UPDATE sqlite_master SET sql = substr(sql, 1, ?) WHERE name = ?").run(10 + (c % 200), t);
      }
    });
  },
};

export const SQLITE_MUTATORS: Mutator[] = [sqliteHeader, sqlitePageHeader, sqlitePage, sqliteTruncate, sqliteValue, sqliteRows, sqliteSchema];
