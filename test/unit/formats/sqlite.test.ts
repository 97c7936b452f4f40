// pagedJsonRows (src/formats/sqlite.ts) reads rows as JSON pages: every value must come back as
// better-sqlite3 gives it row by row, in key order, across pages, gaps and ranges.
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { pagedJsonRows, type PagedQuery } from "../../../src/formats/sqlite.ts";
import { VigilError } from "../../../src/core/errors.ts";

function table(rows: [number, unknown, unknown][]): Database.Database {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)");
  const ins = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
  for (const r of rows) ins.run(...r);
  return db;
}

/** What better-sqlite3 gives for the same query, one native call per row. */
function direct(db: Database.Database, q: PagedQuery): unknown[][] {
  const where = q.range ? ` WHERE ${q.key} BETWEEN ${q.range[0]} AND ${q.range[1]}` : "";
  return db.prepare(`SELECT ${q.columns.join(", ")} ${q.from}${where} ORDER BY ${q.key}`).raw(true).all() as unknown[][];
}

test("pagedJsonRows: text, integers, REALs and NULLs come back exactly as better-sqlite3 gives them", () => {
  const rows: [number, unknown, unknown][] = [
    [1, "plain", 1],
    [2, "nul\0inside and \"quotes\" \\ \n\t\u0001 é 漢 😀", 2 ** 53 + 2],
    [3, null, -(2 ** 53) - 7],
    [4, "", 786540123.4567891],
    [5, "x", 0.1],
    [6, "y", 1e300],
    [7, "z", 5e-324],
    [8, "w", Number.MAX_SAFE_INTEGER],
    [9, "v", Infinity],
    [10, "u", -1.5],
  ];
  // Random REALs across magnitudes: JSON must carry every bit of each double.
  for (let i = 0; i < 3000; i++) rows.push([100 + i, `r${i}`, (Math.random() - 0.3) * 10 ** (Math.random() * 30 - 12)]);
  const db = table(rows);
  try {
    const q: PagedQuery = { columns: ["id", "a", "b", "typeof(b)"], from: "FROM t", key: "id", keyColumn: 0, pageSize: 7 };
    assert.deepEqual([...pagedJsonRows(db, q)], direct(db, q));
    // int64's extremes become the nearest double, as better-sqlite3 makes them.
    db.prepare("INSERT INTO t VALUES (?, ?, ?)").run(5000, "max", 9223372036854775807n);
    db.prepare("INSERT INTO t VALUES (?, ?, ?)").run(5001, "min", -9223372036854775808n);
    assert.deepEqual([...pagedJsonRows(db, q)].slice(-2), direct(db, q).slice(-2));
  } finally {
    db.close();
  }
});

test("pagedJsonRows: invalid UTF-8 in text is replaced as better-sqlite3 replaces it", () => {
  const db = table([]);
  try {
    // Text columns holding bytes that are not UTF-8 (written as BLOBs, then cast to TEXT).
    for (const [i, hex] of ["ff", "c3", "e282", "41ff42", "eda080", "f09f98", "c328"].entries()) {
      db.prepare(`INSERT INTO t VALUES (?, CAST(x'${hex}' AS TEXT), NULL)`).run(i + 1);
    }
    const q: PagedQuery = { columns: ["id", "a"], from: "FROM t", key: "id", keyColumn: 0, pageSize: 3 };
    assert.deepEqual([...pagedJsonRows(db, q)], direct(db, q));
  } finally {
    db.close();
  }
});

test("pagedJsonRows: every row once, in key order, across page boundaries, gaps and key ranges", () => {
  for (const n of [0, 1, 4, 5, 9, 20]) {
    const ids = Array.from({ length: n }, (_, i) => i * 3 - 4); // negative and gapped rowids
    const db = table(ids.map((id) => [id, `v${id}`, id * 2]));
    try {
      for (const pageSize of [1, 2, 5, 8192]) {
        const q: PagedQuery = { columns: ["a", "id"], from: "FROM t", key: "id", keyColumn: 1, pageSize };
        assert.deepEqual([...pagedJsonRows(db, q)].map((r) => r[1]), ids, `n=${n} page=${pageSize}`);
        if (ids.length) {
          const mid = ids[Math.floor(ids.length / 2)];
          const part = [...pagedJsonRows(db, { ...q, range: [ids[0], mid] })].map((r) => r[1]);
          assert.deepEqual(part, ids.filter((i) => i <= mid), `n=${n} page=${pageSize} range`);
        }
      }
    } finally {
      db.close();
    }
  }
});

test("pagedJsonRows: joins keyed by a qualified column", () => {
  const db = new Database(":memory:");
  try {
    db.exec("CREATE TABLE i (id INTEGER PRIMARY KEY, url TEXT); CREATE TABLE v (id INTEGER PRIMARY KEY, item INTEGER, t REAL)");
    for (let k = 1; k <= 30; k++) db.prepare("INSERT INTO i VALUES (?, ?)").run(k, `https://e${k}.example/`);
    for (let k = 1; k <= 50; k++) db.prepare("INSERT INTO v VALUES (?, ?, ?)").run(k * 2, (k % 30) + 1, 700000000 + k / 7);
    const q: PagedQuery = { columns: ["i.id", "i.url", "v.id", "v.t"], from: "FROM v JOIN i ON i.id = v.item", key: "v.id", keyColumn: 2, pageSize: 6 };
    const got = [...pagedJsonRows(db, q)];
    assert.equal(got.length, 50);
    assert.deepEqual(got, direct(db, q));
  } finally {
    db.close();
  }
});

test("pagedJsonRows: a page holding a BLOB where text was declared is read the usual way, with the same rows", () => {
  const rows: [number, unknown, unknown][] = Array.from({ length: 12 }, (_, i) => [i + 1, `t${i}`, i]);
  rows[7][1] = Buffer.from([0, 1, 2, 255]); // a BLOB in the TEXT-like column
  const db = table(rows);
  try {
    const q: PagedQuery = { columns: ["id", "a", "b"], from: "FROM t", key: "id", keyColumn: 0, pageSize: 5 };
    const got = [...pagedJsonRows(db, q)];
    assert.deepEqual(got, direct(db, q));
    assert.ok(Buffer.isBuffer(got[7][1]));
    // Other SQL errors are not swallowed.
    assert.throws(() => [...pagedJsonRows(db, { ...q, columns: ["id", "no_such_column"] })], /no such column/);
  } finally {
    db.close();
  }
});

test("pagedJsonRows: a damaged page giving keys out of order ends with an error instead of starting over", () => {
  // A one-page table whose leaf claims five more cells than it holds: the extra pointers (free
  // space, zeros) point at the page header, read as rows with key 0 after keys 1 to 5.
  const built = table([1, 2, 3, 4, 5].map((i) => [i, `r${i}`, i]));
  const image = built.serialize();
  built.close();
  const pageSize = image.readUInt16BE(16);
  const at = pageSize; // page 2: the table's root
  assert.equal(image[at], 0x0d, "t is one leaf page");
  image.writeUInt16BE(image.readUInt16BE(at + 3) + 5, at + 3);
  const db = new Database(image);
  try {
    const q: PagedQuery = { columns: ["id", "a"], from: "FROM t", key: "id", keyColumn: 0, pageSize: 4 };
    let n = 0;
    assert.throws(
      () => {
        for (const _ of pagedJsonRows(db, q)) assert.ok(++n < 1000, "the pages do not end");
      },
      (e: unknown) => e instanceof VigilError && /keys out of order/.test(e.message),
    );
  } finally {
    db.close();
  }
});
