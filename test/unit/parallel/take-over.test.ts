// Taking over the end of a running module's keys (src/parallel/steal.ts): the owner and the
// threads that take over read every row exactly once, in order, however their steps interleave;
// their JSON files put end to end are the file one thread writes.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import type { LiveKeys } from "../../../src/core/shard.ts";
import { pagedJsonRows, type PagedQuery } from "../../../src/formats/sqlite.ts";
import { liveKeys, stealMemory, takeOver } from "../../../src/parallel/steal.ts";
import { keyOf, takenParts, takeWork } from "../../../src/parallel/queue.ts";
import { appendJsonFragments, JsonArrayWriter } from "../../../src/report/json-writer.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-take-over-"));

function table(n: number, gap = 1): Database.Database {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  const ins = db.prepare("INSERT INTO t VALUES (?, ?)");
  for (let i = 1; i <= n; i++) ins.run(i * gap, `row ${i}`);
  return db;
}

const query = (extra: Partial<PagedQuery>): PagedQuery => ({ columns: ["id", "v"], from: "FROM t", key: "id", keyColumn: 0, pageSize: 100, ...extra });
const ids = (rows: unknown[][]) => rows.map((r) => r[0] as number);

test("the owner's rows and the rows taken over cover the table once, in key order (takeovers between pages)", () => {
  const db = table(5000, 3);
  const mem = stealMemory(1);
  const live = liveKeys(mem, 0);
  assert.equal(takeOver(mem, 0, 2), undefined, "nothing to take before the owner starts");
  live.begin(3, 15000);
  const owner: unknown[][] = [];
  const parts: { from: number; rows: unknown[][] }[] = [];
  let n = 0;
  for (const row of pagedJsonRows(db, query({ live }))) {
    owner.push(row);
    // Two takeovers while the owner reads: the second takes from what the first left it.
    if (++n === 150 || n === 1200) {
      const t = takeOver(mem, 0, 2)!;
      assert.ok(t.from > (row[0] as number), "keys already read are not taken");
      parts.push({ from: t.from, rows: [...pagedJsonRows(db, query({ range: [t.from, t.to] }))] });
    }
  }
  assert.equal(takeOver(mem, 0, 2), undefined, "nothing to take once the owner is done");
  assert.equal(parts.length, 2);
  const all = [...owner, ...parts.sort((a, b) => a.from - b.from).flatMap((p) => p.rows)];
  assert.deepEqual(ids(all), ids(db.prepare("SELECT id FROM t ORDER BY id").raw(true).all() as unknown[][]));
  assert.ok(parts.every((p) => p.rows.length > 0));
});

test("a takeover between the owner's query and its claim: the owner drops the rows above the new bound", () => {
  const db = table(1000);
  const mem = stealMemory(1);
  const inner = liveKeys(mem, 0);
  let queries = 0;
  let taken: { from: number; to: number; part: number } | undefined;
  // The owner asks for its bound (then queries); right after its third query, a thread takes over.
  const live: LiveKeys = {
    ...inner,
    bound: () => {
      const b = inner.bound();
      if (++queries === 3) taken = takeOver(mem, 0, 2);
      return b;
    },
  };
  // Keys up to 350: when the third page (201-300) is queried, half of the 150 keys left after
  // the second is taken over, from 276: inside the page the owner is reading.
  live.begin(1, 350);
  const owner = [...pagedJsonRows(db, query({ live }))];
  assert.deepEqual(taken, { from: 276, to: 350, part: 1 });
  const rest = [...pagedJsonRows(db, query({ range: [taken!.from, taken!.to] }))];
  assert.equal(owner.length, 275, "the owner stops right below the keys taken");
  assert.deepEqual(ids([...owner, ...rest]), Array.from({ length: 350 }, (_, i) => i + 1));
});

test("takeOver: half of what is left, only from minKeys left, and never keys the owner claimed", () => {
  const mem = stealMemory(2);
  const live = liveKeys(mem, 1);
  assert.equal(takeOver(mem, 1, 1), undefined, "not started");
  live.begin(1, 100);
  live.accept(20);
  assert.equal(takeOver(mem, 1, 81), undefined, "80 keys left");
  assert.deepEqual(takeOver(mem, 1, 80), { from: 61, to: 100, part: 1 });
  assert.equal(live.bound(), 60);
  live.accept(40);
  assert.deepEqual(takeOver(mem, 1, 2), { from: 51, to: 60, part: 2 });
  assert.equal(live.accept(70), 50, "the owner's claim stops at the bound");
  live.accept(30);
  assert.equal(takeOver(mem, 1, 1), undefined, "a lower claim does not give keys back");
  assert.equal(takeOver(mem, 0, 1), undefined, "another slot: not started");
  const other = liveKeys(mem, 0);
  other.begin(1000, 2000);
  assert.deepEqual(takeOver(mem, 0, 2), { from: 1500, to: 2000, part: 1 });
  other.end();
  assert.equal(takeOver(mem, 0, 1), undefined, "ended");
});

test("takeWork: the queue first, then the end of a running module; part names sort by key", () => {
  const steal = stealMemory(1);
  const next = new SharedArrayBuffer(4);
  const queue = [{ module: "sms", slot: 0 }, { module: "calls" }];
  const q = { queue, next, steal };
  assert.deepEqual(takeWork(q), queue[0]);
  assert.deepEqual(takeWork(q), queue[1]);
  assert.equal(takeWork(q), undefined, "the owner has not started");
  liveKeys(steal, 0).begin(1, 100_000);
  const a = takeWork(q)!;
  assert.deepEqual(a, { module: "sms", shard: { index: 1, count: 0, range: [50_001, 100_000] } });
  const b = takeWork(q)!;
  assert.deepEqual(b.shard?.range, [25_001, 50_000]);
  assert.equal(takeWork({ ...q, takeOverMinKeys: 1_000_000 }), undefined, "too few keys left");
  const keys = ["calls", keyOf(a), "sms", keyOf(b), "smsx~5~9"];
  assert.deepEqual(takenParts("sms", keys), [
    { key: "sms~25001~2", index: 2 },
    { key: "sms~50001~1", index: 1 },
  ]);
});

/** The JSON file one writer makes of `records`, and what the owner plus fragments make of them cut at `cuts`. */
function writeBoth(name: string, records: unknown[], cuts: number[], always = true): { whole: string | undefined; joined: string | undefined } {
  const whole = join(tmp, `${name}-whole.json`);
  const w = new JsonArrayWriter(whole);
  for (const r of records) w.write(r);
  w.close(always);
  const owned = join(tmp, `${name}-owner.json`);
  const bounds = [0, ...cuts, records.length];
  const o = new JsonArrayWriter(owned);
  for (const r of records.slice(0, bounds[1])) o.write(r);
  o.close(always);
  const frags = bounds.slice(1, -1).map((from, i) => {
    const f = join(tmp, `${name}-frag-${i}`);
    const fw = new JsonArrayWriter(f, true);
    for (const r of records.slice(from, bounds[i + 2])) fw.write(r);
    fw.close();
    return f;
  });
  appendJsonFragments(owned, [...frags, join(tmp, `${name}-missing-fragment`)]);
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);
  return { whole: read(whole), joined: read(owned) };
}

test("appendJsonFragments: owner and fragments make the single writer's bytes, whatever is empty", () => {
  const recs = Array.from({ length: 700 }, (_, i) => ({ id: i, text: `t"${i}\n` }));
  for (const [name, cuts, always] of [
    ["both", [300], true],
    ["three", [300, 650], true],
    ["owner-empty", [0], true],
    ["owner-empty-no-file", [0], false],
    ["fragments-empty", [700], true],
    ["empty-fragment-between", [300, 300], true],
  ] as const) {
    const { whole, joined } = writeBoth(name, recs, [...cuts], always);
    assert.equal(joined, whole, name);
  }
  const none = writeBoth("nothing", [], [0], false);
  assert.equal(none.joined, undefined);
  const bad = join(tmp, "not-ours.json");
  writeFileSync(bad, '[\n  {"a":1}\n]');
  const frag = join(tmp, "frag-for-bad");
  writeFileSync(frag, '  {"b":2}');
  assert.throws(() => appendJsonFragments(bad, [frag]), /does not end with/);
});
