// The SQLite helper's one way of reading a module's databases: schema errors, one bad file among
// several, every file bad, optional columns, closing, and big tables divided between threads.
import assert from "node:assert/strict";
import { test } from "node:test";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import type { AcquisitionView } from "../../../../src/acquisitions/view.ts";
import type { Shard } from "../../../../src/core/shard.ts";
import type { ModuleContext } from "../../../../src/modules/contract.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { defineSqliteModule, type SqliteDb } from "../../../../src/modules/lib/sqlite.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { sqliteImage } from "../../../helpers/web-fixtures.ts";

const none = matcherFromValues({}, "none");

interface Note {
  id: number;
  text: string;
  color: string | null;
  file: string;
}

const base = { title: "Notes (test)", platform: "ios" as const, description: "Test module.", reads: { fs: ["notes/*.db"] }, requires: { notes: ["id", "text"] } };

/** A module over notes.db files: `notes(id, text)` required, `color` optional. */
const notes = defineSqliteModule<Note>({
  ...base,
  name: "notes_test",
  *rows(db) {
    for (const [id, text, color] of db.rows(`SELECT id, text, ${db.optional("notes", "color")} FROM notes ORDER BY id`)) {
      yield { id, text, color, file: db.path };
    }
  },
});

const good = (n: number, color = true) =>
  sqliteImage(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT${color ? ", color TEXT" : ""});`, (db) => {
    for (let i = 1; i <= n; i++) db.prepare(`INSERT INTO notes (id, text${color ? ", color" : ""}) VALUES (?, ?${color ? ", 'red'" : ""})`).run(i, `note ${i}`);
  });
const noTable = sqliteImage("CREATE TABLE other (x);");
const corrupt = Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(84, 0x41)]);

/** A view whose SQLite handles are counted open and closed. */
function view(files: Record<string, Buffer>): AcquisitionView & { open: number } {
  const v = memoryView({ kind: "ios_fs", platform: "ios", files: Object.entries(files).map(([path, data]) => ({ path, data })) });
  const counted = Object.assign(Object.create(v) as AcquisitionView, { open: 0 }) as AcquisitionView & { open: number };
  counted.openSqlite = async (e) => {
    const h = await v.openSqlite(e);
    counted.open++;
    const close = h.close.bind(h);
    return Object.assign(h, { close: () => (counted.open--, close()) });
  };
  return counted;
}

test("optional columns read as null when a database lacks them; every database is closed", async () => {
  const v = view({ "notes/a.db": good(2), "notes/b.db": good(1, false) });
  const r = await collectModule(notes, v, none);
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual(r.records, [
    { id: 1, text: "note 1", color: "red", file: "notes/a.db" },
    { id: 2, text: "note 2", color: "red", file: "notes/a.db" },
    { id: 1, text: "note 1", color: null, file: "notes/b.db" },
  ]);
  assert.deepEqual(r.warnings, []);
  assert.equal(v.open, 0);
});

test("one bad file among several: a warning naming it, the others read", async () => {
  const v = view({ "notes/a.db": corrupt, "notes/b.db": noTable, "notes/c.db": good(1) });
  const r = await collectModule(notes, v, none);
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 1);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /^notes\/a\.db: /);
  assert.equal(r.warnings[1], "notes/b.db: unexpected schema: no table notes");
  assert.equal(v.open, 0);
});

test("every file bad: the module fails with each file's reason; one file: with its own", async () => {
  const all = await collectModule(notes, view({ "notes/a.db": corrupt, "notes/b.db": noTable }), none);
  assert.equal(all.coverage.status, "failed");
  assert.match(all.coverage.reason!, /^none of the 2 files could be read: notes\/a\.db: .+; notes\/b\.db: unexpected schema: no table notes$/);
  const one = await collectModule(notes, view({ "notes/b.db": noTable }), none);
  assert.equal(one.coverage.status, "failed");
  assert.equal(one.coverage.reason, "notes/b.db: unexpected schema: no table notes");
  assert.deepEqual(one.warnings, [], "a single file's problem is the reason, not also a warning");
});

test("an error while rows are read names the file; rows read before it are kept; the database is closed", async () => {
  let fail = false;
  const broken = defineSqliteModule<{ id: number }>({
    ...base,
    name: "broken_test",
    *rows(db: SqliteDb) {
      for (const [id] of db.rows("SELECT id FROM notes ORDER BY id")) {
        if (fail && id === 2) db.raw.prepare("SELECT no_such_column FROM notes").get();
        yield { id };
      }
    },
  });
  fail = true;
  const v = view({ "notes/a.db": good(3), "notes/b.db": good(1) });
  const r = await collectModule(broken, v, none);
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual(r.records, [{ id: 1 }, { id: 1 }]);
  assert.match(r.warnings[0], /^notes\/a\.db: cannot read database: no such column: no_such_column/);
  assert.equal(v.open, 0);
});

test("a big table read in pages: the parts of a parallel run put end to end are the whole table", async () => {
  const rowsOf = (db: SqliteDb) => [...db.paged({ columns: ["id", "text"], from: "FROM notes n", key: "n.id", keyColumn: 0, pageSize: 7, split: "notes n" })];
  const big = defineSqliteModule<unknown[]>({ ...base, name: "paged_test", shardable: true, rows: rowsOf });
  const v = view({ "notes/a.db": good(100) });
  const whole = (await collectModule(big, v, none)).records;
  assert.equal(whole.length, 100);
  const partOf = async (shard: Shard) => {
    const ctx = { view: v, files: await v.find(big.reads), shard } as unknown as ModuleContext;
    const out: unknown[] = [];
    const src = big.records(ctx) as { batches: AsyncIterable<Iterable<unknown>> };
    for await (const b of src.batches) out.push(...b);
    return out;
  };
  const parts = [];
  for (let index = 0; index < 3; index++) parts.push(await partOf({ index, count: 3 }));
  assert.ok(parts.every((p) => p.length > 20 && p.length < 50));
  assert.deepEqual(parts.flat(), whole);
  assert.equal(v.open, 0);
});
