// Modules that read SQLite databases: a module declares the tables it needs and turns one
// database's rows into records; opening, closing, schema errors and one bad file among several
// are handled here, the same way for every module (the rule is eachFile's, in each-file.ts).
// The reading of big tables in pages and their division between threads (ctx.shard) also live
// here, behind SqliteDb.paged: a module for a big table writes a query and a row mapping.
import type Database from "better-sqlite3";
import type { FileEntry, SqliteHandle } from "../../acquisitions/view.ts";
import { describeError, VigilError } from "../../core/errors.ts";
import { shardRange, type Shard } from "../../core/shard.ts";
import { pagedJsonRows, requireSchema, type PagedQuery } from "../../formats/sqlite.ts";
import { defineModule, type ModuleContext, type ModuleDef, type RecordBatches } from "../contract.ts";
import { eachFile } from "./each-file.ts";

/** How a module reads one database. */
export interface SqliteSource<R> {
  /**
   * Tables each database must have, with the columns the module cannot do without. A database
   * that lacks one fails with "unexpected schema: ..." (columns that only some versions have are
   * optional: see SqliteDb.optional).
   */
  requires?: Record<string, readonly string[]>;
  /**
   * The records of one database, read while it is open (it is closed once they are read, or when
   * reading fails). Async work it needs first (reading another artifact) goes in a promise.
   */
  rows(db: SqliteDb, ctx: ModuleContext): Iterable<R> | Promise<Iterable<R>>;
}

/** A module that reads SQLite databases: a module definition whose records come from `rows`. */
export function defineSqliteModule<R>(def: Omit<ModuleDef<R>, "records"> & SqliteSource<R>): ModuleDef<R> {
  const { requires, rows, ...module } = def;
  return defineModule<R>({ ...module, records: (ctx) => sqliteRecords(ctx, { requires, rows }) });
}

/** The records of every database in ctx.files (for modules that also do something else per run). */
export function sqliteRecords<R>(ctx: ModuleContext, source: SqliteSource<R>, after?: () => Iterable<R>): RecordBatches<R> {
  return eachFile(ctx, (file) => openRows(ctx, file, source), after);
}

/**
 * Opens one database and returns its records; the database is closed when they have been read,
 * however that ends. Errors from SQLite (a corrupt page, "no such column" on an odd schema) become
 * one-line errors naming the file.
 */
async function openRows<R>(ctx: ModuleContext, file: FileEntry, source: SqliteSource<R>): Promise<Iterable<R>> {
  const h = await ctx.view.openSqlite(file);
  let rows: Iterable<R>;
  try {
    if (source.requires) requireSchema(h, source.requires);
    rows = await source.rows(new SqliteDb(h, file, ctx.shard), ctx);
  } catch (e) {
    h.close();
    throw readError(e, file.path);
  }
  return (function* () {
    try {
      yield* rows;
    } catch (e) {
      throw readError(e, file.path);
    } finally {
      h.close();
    }
  })();
}

/**
 * Opens a database, runs `read` on it and closes it: for a database a module reads beside its
 * own artifact (a table to look names up in). Errors name the file, as openRows's do.
 */
export async function withSqlite<T>(ctx: ModuleContext, file: FileEntry, read: (db: SqliteDb) => T): Promise<T> {
  const h = await ctx.view.openSqlite(file);
  try {
    return read(new SqliteDb(h, file));
  } catch (e) {
    throw readError(e, file.path);
  } finally {
    h.close();
  }
}

function readError(e: unknown, file: string): unknown {
  if (e instanceof VigilError) return e;
  return new VigilError(`cannot read database: ${describeError(e)}`, { file, code: "sqlite", cause: e });
}

/** A query over a big table, read in pages of rows in key order (see pagedJsonRows). */
export interface BigQuery extends Omit<PagedQuery, "range"> {
  /**
   * The big table whose rows a module run as several parts (ModuleDef.shardable) divides between
   * them, as `from` names it ("message", "history_visits v"): each part reads only its share of
   * the keys of that table. At most one table per database is divided.
   */
  split?: string;
}

/** An open database, as a module reads it. */
export class SqliteDb {
  constructor(
    readonly handle: SqliteHandle,
    /** The database's file in the acquisition. */
    readonly file: FileEntry,
    private readonly shard?: Shard,
  ) {}

  /** Path of the database inside the acquisition. */
  get path(): string {
    return this.file.path;
  }

  /** better-sqlite3's database, for what the helpers below do not cover. */
  get raw(): Database.Database {
    return this.handle.db;
  }

  /** Names of the tables (and views) of the database. */
  tables(): Set<string> {
    return this.handle.tables();
  }

  /** Whether the table exists and has every column named. */
  has(table: string, ...columns: string[]): boolean {
    if (!this.handle.tables().has(table)) return false;
    const have = this.handle.columns(table);
    return columns.every((c) => have.has(c));
  }

  /** Throws a one-line "unexpected schema" error unless every table (and its columns) exists. */
  require(need: Record<string, readonly string[]>): void {
    requireSchema(this.handle, need);
  }

  /** The table's column names (empty when there is no such table). */
  columns(table: string): Set<string> {
    return this.handle.tables().has(table) ? this.handle.columns(table) : new Set();
  }

  /** The columns of `wanted` this table has (schemas differ across versions). */
  present(table: string, wanted: readonly string[]): string[] {
    const have = this.columns(table);
    return wanted.filter((c) => have.has(c));
  }

  /**
   * An optional column for a SELECT: `alias.column` (or the column alone) when the table has it,
   * else NULL, so the row keeps its shape on every schema.
   */
  optional(table: string, column: string, alias?: string): string {
    if (!this.columns(table).has(column)) return "NULL";
    return alias ? `${alias}.${column}` : column;
  }

  /** The rows of a query as arrays of values, read one by one. */
  rows<T extends unknown[] = any[]>(sql: string, ...params: unknown[]): IterableIterator<T> {
    return this.handle.db.prepare(sql).raw(true).iterate(...params) as IterableIterator<T>;
  }

  /** The rows of a query over a big table, in key order, read in pages (see BigQuery). */
  paged(q: BigQuery): Generator<unknown[]> {
    const { split, ...query } = q;
    if (!split || !this.shard) return pagedJsonRows(this.handle.db, query);
    return pagedJsonRows(this.handle.db, { ...query, ...this.shardKeys(split, query.key) });
  }

  /** The [from, to] keys a module run as part of several reads ([1, 0], nothing, for an empty table). */
  private shardKeys(table: string, key: string): Pick<PagedQuery, "range"> {
    const [lo, hi] = this.handle.db.prepare(`SELECT min(${key}), max(${key}) FROM ${table}`).raw(true).get() as [number | null, number | null];
    if (lo === null || hi === null) return { range: [1, 0] };
    return { range: shardRange(lo, hi, this.shard) };
  }
}
