import assert from "node:assert/strict";
import { test } from "node:test";
import { TimelineStore } from "../../../src/report/timeline-store.ts";
import { rng } from "../../../src/demo/synthetic.ts";

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
