import assert from "node:assert/strict";
import { test } from "node:test";
import { TimelineStore } from "../../../src/report/timeline-store.ts";
import { rng } from "../../../src/demo/synthetic.ts";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function events(n: number, seed: number) {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 1e10)).toISOString(),
    module: r() < 0.5 ? "sms" : "safari_history",
    event: "e",
    description: i % 97 === 0 ? `line with\nnewline, "quotes", \u0000nul and é ${i}` : `d${i}`,
    detected: i % 1000 === 0,
  }));
}

for (const [label, chunk] of [["in memory", 1_000_000], ["spilled to several sorted chunks", 777]] as const) {
  test(`timeline store sorts every event (${label})`, () => {
    const input = events(5000, 7);
    const store = new TimelineStore(chunk);
    for (const e of input) store.add(e);
    const out = [...store.sorted()];
    assert.equal(out.length, input.length);
    for (let i = 1; i < out.length; i++) assert.ok(out[i - 1].timestamp <= out[i].timestamp, `order at ${i}`);
    const key = (e: { timestamp: string; description: string }) => `${e.timestamp}|${e.description.replace(/\u0000/g, " ")}`;
    assert.deepEqual(out.map(key).sort(), input.map(key).sort());
    assert.ok(out.some((e) => e.description.includes("newline") && e.description.includes("é")));
    const detected = [...store.sorted(true)];
    assert.equal(detected.length, input.filter((e) => e.detected).length);
    assert.ok(detected.every((e) => e.detected));
    store.close();
  });
}

test("the merge of spilled chunks orders rows that share a timestamp by their bytes, long rows included, as the in-memory sort does", () => {
  const r = rng(11);
  const stamps = ["2024-01-01T00:00:00.000Z", "2024-01-01T00:00:07.603Z", "2024-01-02T10:00:00.000Z"];
  const input = Array.from({ length: 3000 }, (_, i) => ({
    timestamp: stamps[Math.floor(r() * stamps.length)],
    module: ["sms", "safari_history", "manifest", "sms_attachments"][Math.floor(r() * 4)],
    event: r() < 0.5 ? "a" : "ab",
    // Some descriptions are longer than the merge's short-copy limit (512 bytes).
    description: i % 50 === 0 ? `long ${"é".repeat(400)} ${i}` : `d${Math.floor(r() * 40)}`,
    detected: false,
  }));
  const write = (chunk: number) => {
    const store = new TimelineStore(chunk);
    for (const e of input) store.add(e);
    const path = join(mkdtempSync(join(tmpdir(), "vigil-tl-")), "t.csv");
    const fd = openSync(path, "w");
    try {
      assert.equal(store.writeSorted(fd), input.length);
    } finally {
      closeSync(fd);
      store.close();
    }
    return readFileSync(path);
  };
  const inMemory = write(1_000_000);
  const merged = write(97);
  assert.ok(merged.equals(inMemory));
  assert.ok(inMemory.includes(Buffer.from("é".repeat(400))));
});
