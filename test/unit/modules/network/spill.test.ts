// The pass's spill files: records written in batches (one JSON array per line) come back as the
// same records in the same order, in batches of at most SPILL_BATCH, whatever their size.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readSpill, Spill, SPILL_BATCH } from "../../../../src/modules/network/lib/spill.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-spill-"));

async function roundTrip(name: string, recs: unknown[]): Promise<{ back: unknown[]; batches: number[]; seen: number }> {
  const s = new Spill(join(dir, name));
  for (const r of recs) s.write(r);
  s.close();
  const back: unknown[] = [];
  const batches: number[] = [];
  let seen = 0;
  for await (const batch of readSpill(s.path, () => seen++)) {
    batches.push(batch.length);
    back.push(...batch);
  }
  return { back, batches, seen };
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
    const { back, batches, seen } = await roundTrip(label.replace(/\W+/g, "_"), recs);
    assert.deepEqual(back, JSON.parse(JSON.stringify(recs)));
    assert.equal(seen, recs.length);
    assert.ok(batches.every((n) => n > 0 && n <= SPILL_BATCH));
  });
}
