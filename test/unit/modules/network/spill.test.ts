// The pass's spill files: records written in batches come back as the same records in the same
// order, in batches of at most SPILL_BATCH, whatever their size; each batch also holds its
// records' results lines, which a results file takes as they are: the same bytes as encoding
// the records again.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readSpill, Spill, SPILL_BATCH } from "../../../../src/modules/network/lib/spill.ts";
import { JsonArrayWriter } from "../../../../src/report/json-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-spill-"));

async function roundTrip(name: string, recs: unknown[]): Promise<{ back: unknown[]; batches: number[]; seen: number; passed: string; encoded: string }> {
  const s = new Spill(join(dir, name));
  for (const r of recs) s.write(r);
  s.close();
  const back: unknown[] = [];
  const batches: number[] = [];
  let seen = 0;
  // One results file from the batches' lines, one from the records encoded again.
  const passed = new JsonArrayWriter(join(dir, `${name}.passed.json`));
  const encoded = new JsonArrayWriter(join(dir, `${name}.encoded.json`));
  for await (const batch of readSpill(s.path, () => seen++)) {
    batches.push(batch.length);
    back.push(...batch);
    passed.writeLines(batch.json, batch.length);
    for (const r of batch) encoded.write(r);
  }
  passed.close();
  encoded.close();
  assert.equal(passed.count, encoded.count);
  return { back, batches, seen, passed: readFileSync(passed.path, "utf8"), encoded: readFileSync(encoded.path, "utf8") };
}

const cases: Record<string, unknown[]> = {
  "no record": [],
  "one record": [{ timestamp: "2024-03-20T09:00:00.000Z", query: "a.example" }],
  "records over several batches, not a multiple of the batch": Array.from({ length: 3 * SPILL_BATCH + 17 }, (_, i) => ({ id: i, query: `host${i}.example`, answer_ips: [`192.0.2.${i & 255}`], cnames: [], ttl: i % 3 ? 300 : undefined })),
  "text with line breaks, quotes and characters of several bytes": Array.from({ length: 300 }, (_, i) => ({ id: i, uri: `/a\n"b"\\c é 😀 \u2028 ${i}` })),
  // A batch longer than the spill's write buffer (512 kB) goes to the file on its own.
  "records whose batch is longer than the write buffer": Array.from({ length: 2 * SPILL_BATCH + 3 }, (_, i) => ({ id: i, subject: "x".repeat(5000 + i) + "é" })),
};

for (const [label, recs] of Object.entries(cases)) {
  test(`spill: ${label}`, async () => {
    const { back, batches, seen, passed, encoded } = await roundTrip(label.replace(/\W+/g, "_"), recs);
    assert.deepEqual(back, JSON.parse(JSON.stringify(recs)));
    assert.equal(passed, encoded);
    assert.equal(seen, recs.length);
    assert.ok(batches.every((n) => n > 0 && n <= SPILL_BATCH));
  });
}

test("spill lines after records waiting in the writer: written after them, in order", async () => {
  const recs = Array.from({ length: 10 }, (_, i) => ({ id: i, query: `h${i}.example` }));
  const s = new Spill(join(dir, "mixed"));
  for (const r of recs.slice(5)) s.write(r);
  s.close();
  const w = new JsonArrayWriter(join(dir, "mixed.json"));
  for (const r of recs.slice(0, 5)) w.write(r);
  for await (const batch of readSpill(s.path)) w.writeLines(batch.json, batch.length);
  w.close();
  assert.equal(w.count, 10);
  assert.deepEqual(JSON.parse(readFileSync(w.path, "utf8")), recs);
});

test("a spill file cut short is an error, never fewer records", async () => {
  const s = new Spill(join(dir, "cut"));
  for (let i = 0; i < 10; i++) s.write({ id: i });
  s.close();
  const { truncateSync, statSync } = await import("node:fs");
  truncateSync(s.path, statSync(s.path).size - 3);
  await assert.rejects(async () => {
    for await (const _ of readSpill(s.path)) void _;
  }, /spill file cut short/);
});
