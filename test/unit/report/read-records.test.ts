// Streaming a module's JSON back, one record at a time: Vigil's one-record-a-line layout, any
// other layout parsed whole, and a damaged file reported with its name.
import assert from "node:assert/strict";
import { appendFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { JsonArrayWriter } from "../../../src/report/json-writer.ts";
import { readModuleRecords } from "../../../src/report/read-records.ts";
import { testDir } from "../../helpers/archive-builder.ts";

async function all(path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of readModuleRecords(path)) out.push(r);
  return out;
}

test("reads what JsonArrayWriter wrote, record by record", async () => {
  const dir = testDir("vigil-read-records");
  const recs = Array.from({ length: 600 }, (_, i) => ({ id: i, text: `line\nwith "quotes" ${i}`, links: i % 2 ? [] : ["https://a.example/"] }));
  const w = new JsonArrayWriter(join(dir, "sms.json"));
  for (const r of recs) w.write(r);
  w.close();
  assert.deepEqual(await all(join(dir, "sms.json")), recs);
  const empty = new JsonArrayWriter(join(dir, "none.json"));
  empty.close();
  assert.deepEqual(await all(join(dir, "none.json")), []);
});

test("another layout (an MVT file, pretty-printed) is parsed whole; a damaged file is a one-line error naming it", async () => {
  const dir = testDir("vigil-read-records");
  writeFileSync(join(dir, "mvt.json"), JSON.stringify([{ a: 1 }, { b: [2, 3] }], null, 4));
  assert.deepEqual(await all(join(dir, "mvt.json")), [{ a: 1 }, { b: [2, 3] }]);
  writeFileSync(join(dir, "one.json"), JSON.stringify({ single: true }));
  assert.deepEqual(await all(join(dir, "one.json")), [{ single: true }]);
  writeFileSync(join(dir, "cut.json"), '[\n  {"a":1},\n  {"b":');
  await assert.rejects(all(join(dir, "cut.json")), (e: Error & { file?: string }) => /not valid JSON/.test(e.message) && e.file === join(dir, "cut.json"));
});

test("a line longer than a string can hold is refused naming the file, not an uncaught RangeError", async () => {
  const path = join(testDir("vigil-read-records"), "sms.json");
  writeFileSync(path, '[{"text": "');
  // 600 MB without a line break (a hole of NULs: no disk used), past V8's longest string (512 MB).
  truncateSync(path, 600 * 1024 * 1024);
  appendFileSync(path, '"}]\n');
  await assert.rejects(all(path), (e: unknown) => e instanceof VigilError && e.file === path && /has a line of more than 256 MB; too big to read$/.test(e.message));
});
