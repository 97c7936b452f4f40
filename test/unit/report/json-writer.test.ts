// The JSON array writer encodes records in batches and cuts the batch text back into one line per
// record: the file must be exactly what encoding each record on its own gives, whatever the
// records hold.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { assembleJsonArray, JsonArrayWriter, toJson } from "../../../src/report/json-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-json-"));
const expected = (recs: unknown[]) => (recs.length ? `[\n${recs.map((r) => `  ${toJson(r)}`).join(",\n")}\n]\n` : "[]\n");

function written(name: string, recs: unknown[]): string {
  const w = new JsonArrayWriter(join(dir, name));
  for (const r of recs) w.write(r);
  w.close();
  assert.equal(w.count, recs.length);
  return readFileSync(join(dir, name), "utf8");
}

const cases: Record<string, unknown[]> = {
  empty: [],
  one: [{ a: 1 }],
  "many plain records over several batches": Array.from({ length: 1000 }, (_, i) => ({ id: i, text: `t${i}`, links: [`https://x/${i}`], n: null })),
  "text that looks like a record boundary": Array.from({ length: 300 }, (_, i) => ({ id: i, text: `},{"id":${i} and "quotes" \\ and \u0000 and é 😀` })),
  "nested objects that start with the same key": Array.from({ length: 300 }, (_, i) => ({ id: i, children: [{ id: 1 }, { id: 2 }] })),
  "records that start with different keys": Array.from({ length: 300 }, (_, i) => (i % 7 ? { a: i, x: [{ b: 1 }, { b: 2 }] } : { b: i, y: [{ a: 1 }, { a: 2 }] })),
  "a first key whose value JSON leaves out": Array.from({ length: 300 }, (_, i) => ({ a: i % 5 ? i : undefined, b: [{ a: 1 }, { a: 2 }] })),
  "buffers and bigints (encoded with the replacer)": Array.from({ length: 300 }, (_, i) => ({ id: i, raw: i % 3 ? Buffer.from([i & 255, 1]) : null, big: i % 2 ? BigInt(i) * 10n ** 18n : 0 })),
  // Batches cut on their bytes in the output buffer (4 MB): some fill it and flush it midway...
  "batches that fill the output buffer, with characters of several bytes": Array.from({ length: 1500 }, (_, i) => ({ id: i, text: `é😀${"z".repeat(4000 + (i % 97))}` })),
  // ...and a batch longer than the whole buffer goes the string way.
  "a batch longer than the output buffer": Array.from({ length: 300 }, (_, i) => ({ id: i, text: "y".repeat(20_000 + i) })),
  "integer-like keys, which JSON writes first": Array.from({ length: 300 }, (_, i) => ({ name: `n${i}`, 7: i, children: [{ 7: 1 }] })),
};

for (const [label, recs] of Object.entries(cases)) {
  test(`JSON array writer: ${label}`, () => {
    const text = written(label.replace(/\W+/g, "_"), recs);
    assert.equal(text, expected(recs));
    JSON.parse(text);
  });
}

test("JSON array writer: bigints, buffers, maps and sets inside arrays and nested objects go through the replacer", () => {
  const recs = Array.from({ length: 300 }, (_, i) => ({ id: i, list: ["a", 1, null, i === 7 ? 5n : 0], nested: { m: i === 9 ? new Map([["k", 1]]) : null, s: i === 11 ? new Set(["x"]) : [] }, raw: [i === 13 ? Buffer.from("hi") : "b"] }));
  const out = JSON.parse(written("nested_replacer", recs)) as { list: unknown[]; nested: { m: unknown; s: unknown }; raw: unknown[] }[];
  assert.deepEqual(out[7].list, ["a", 1, null, "5"]);
  assert.deepEqual(out[9].nested.m, { k: 1 });
  assert.deepEqual(out[11].nested.s, ["x"]);
  assert.deepEqual(out[13].raw, ["aGk="]);
  assert.deepEqual(out[0], { id: 0, list: ["a", 1, null, 0], nested: { m: null, s: [] }, raw: ["b"] });
});

test("JSON array writer: fragments assembled in order give the single-writer file", () => {
  const recs = Array.from({ length: 700 }, (_, i) => ({ id: i, s: `r${i}` }));
  const parts = [recs.slice(0, 300), [], recs.slice(300)];
  const files = parts.map((p, k) => {
    const f = join(dir, `frag-${k}`);
    const w = new JsonArrayWriter(f, true);
    for (const r of p) w.write(r);
    w.close();
    return f;
  });
  assembleJsonArray(join(dir, "assembled.json"), files, true);
  assert.equal(readFileSync(join(dir, "assembled.json"), "utf8"), expected(recs));
  assembleJsonArray(join(dir, "none.json"), [join(dir, "missing-a"), join(dir, "missing-b")], true);
  assert.equal(readFileSync(join(dir, "none.json"), "utf8"), "[]\n");
});

test("JSON array writer: exactIntegers keys holding decimal digits are written as exact numbers, nothing else changes", () => {
  const recs = Array.from({ length: 600 }, (_, i) => ({
    id: i,
    date: i % 4 === 0 ? "644198407603940123" : i % 4 === 1 ? 12.5 : i % 4 === 2 ? null : `-${9007199254740993n + BigInt(i)}`,
    text: `"date":"123" and \\"date\\":\\"456\\" and {"date":"789"}`,
    other: "644198407603940123",
    weird: i === 3 ? { date: "1" } : null,
    odd: { date: "0123" },
  }));
  const path = join(dir, "exact");
  const w = new JsonArrayWriter(path, false, ["date"]);
  for (const r of recs) w.write(r);
  w.close();
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n").slice(1, -2);
  assert.equal(lines.length, 600);
  assert.match(lines[0], /^ {2}\{"id":0,"date":644198407603940123,"text":/);
  assert.match(lines[1], /"date":12\.5,/);
  assert.match(lines[2], /"date":null,/);
  assert.match(lines[3], /^ {2}\{"id":3,"date":-9007199254740996,/);
  // Inside strings and under other keys, the digits stay strings; a number JSON could not hold
  // as such (a leading zero) stays a string too.
  for (const l of lines) {
    assert.ok(l.includes(`"text":"\\"date\\":\\"123\\" and \\\\\\"date\\\\\\":\\\\\\"456\\\\\\" and {\\"date\\":\\"789\\"}"`), l);
    assert.ok(l.includes(`"other":"644198407603940123"`));
    assert.ok(l.includes(`"odd":{"date":"0123"}`));
  }
  // The same text as encoding each record alone, with only those values unquoted.
  assert.equal(text.replace(/"date":(-?\d+),"text"/g, '"date":"$1","text"').replace(`"weird":{"date":1}`, `"weird":{"date":"1"}`), expected(recs));
  const parsed = JSON.parse(text) as { date: unknown }[];
  assert.equal(parsed[0].date, 644198407603940123);
  assert.throws(() => new JsonArrayWriter(join(dir, "bad"), false, ["da|te"]), /not a plain key/);
});

test("JSON array writer: exactIntegers also apply to records encoded one by one (with the replacer)", () => {
  const path = join(dir, "exact-one-by-one");
  const w = new JsonArrayWriter(path, false, ["date"]);
  for (let i = 0; i < 300; i++) w.write({ id: i, date: "588813210539788032", big: BigInt(i) });
  w.close();
  const lines = readFileSync(path, "utf8").split("\n").slice(1, -2);
  assert.equal(lines.length, 300);
  lines.forEach((l, i) => assert.equal(l.replace(/,$/, ""), `  {"id":${i},"date":588813210539788032,"big":"${i}"}`));
});
