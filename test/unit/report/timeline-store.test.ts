import assert from "node:assert/strict";
import { test } from "node:test";
import { TimelineStore } from "../../../src/report/timeline-store.ts";
import { splitRanges, writeMerged, type RowRange } from "../../../src/report/timeline-merge.ts";
import { decodeRow, timelineRow } from "../../../src/report/timeline-row.ts";
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
    // Some descriptions are far longer than the others (hundreds of bytes).
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

test("a merge cut into ranges (splitRanges) gives the whole merge when its parts are put end to end", () => {
  const r = rng(5);
  // Many ties, a few rows far longer than a probe's worth of neighbours, and timestamps outside
  // the usual form (compared as bytes).
  const odd = ["", "2024-01-01 10:00:00", "not a time"];
  const input = Array.from({ length: 20_000 }, (_, i) => ({
    timestamp: i % 501 === 0 ? odd[i % 3] : new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 50) * 1000).toISOString(),
    module: r() < 0.5 ? "sms" : "safari_history",
    event: "e",
    description: i % 997 === 0 ? `long ${"x".repeat(70_000)} ${i}` : `d${Math.floor(r() * 1000)}`,
    detected: false,
  }));
  // Chunks of 5000 rows: files of several hundred KB, so finding a range's start searches them.
  const store = new TimelineStore(5000);
  store.section();
  for (const e of input) store.add(e);
  const files = store.spillFiles();
  assert.ok(files.length >= 4);
  const dir = mkdtempSync(join(tmpdir(), "vigil-tl-"));
  const merged = (range?: RowRange) => {
    const path = join(dir, `m-${Math.random()}`);
    const fd = openSync(path, "w");
    try {
      return { rows: writeMerged(files, fd, range), bytes: readFileSync(path) };
    } finally {
      closeSync(fd);
    }
  };
  const whole = merged();
  assert.equal(whole.rows, input.length);
  for (const parts of [2, 3, 7]) {
    const ranges = splitRanges(files, parts);
    assert.ok(ranges.length > 1 && ranges.length <= parts, `${ranges.length} ranges for ${parts}`);
    const pieces = ranges.map((range) => merged(range));
    assert.equal(pieces.reduce((a, p) => a + p.rows, 0), input.length, `${parts} parts: rows`);
    assert.ok(Buffer.concat(pieces.map((p) => p.bytes)).equals(whole.bytes), `${parts} parts: bytes`);
    // The cuts share the rows out.
    assert.ok(pieces.every((p) => p.rows > 0), `${parts} parts: ${pieces.map((p) => p.rows).join(", ")}`);
  }
  // A range starting or ending between rows that tie on their timestamp.
  const tie = Buffer.from(`"${input[1].timestamp}","sms"`);
  const a = merged({ to: tie });
  const b = merged({ from: tie });
  assert.ok(Buffer.concat([a.bytes, b.bytes]).equals(whole.bytes));
  store.close();
});

test("timelineRow: every field quoted and escaped, NULs made spaces, with 300 modules of 300 event names each (past the cache's bounds)", () => {
  const odd = ['plain', 'with "quotes"', "nul\u0000inside", "comma, and\nnewline", ""];
  for (let m = 0; m < 300; m++) {
    for (let e = 0; e < 300; e += m < 2 ? 1 : 37) {
      const module = `${odd[m % odd.length]}-m${m}`;
      const event = `${odd[e % odd.length]}-e${e}`;
      const desc = `d "${m}" ${e}\u0000`;
      const row = timelineRow("2024-01-01T00:00:00.000Z", module, event, desc);
      const q = (s: string) => `"${s.replaceAll("\u0000", " ").replaceAll('"', '""')}"`;
      assert.equal(row, `${q("2024-01-01 00:00:00.000000")},${q(module)},${q(event)},${q(desc)}\r\n`);
      assert.deepEqual(decodeRow(row), { timestamp: "2024-01-01T00:00:00.000Z", module: module.replaceAll("\u0000", " "), event: event.replaceAll("\u0000", " "), description: desc.replaceAll("\u0000", " ") });
      // Asked again (from the cache, or built again past its bounds): the same row.
      assert.equal(timelineRow("2024-01-01T00:00:00.000Z", module, event, desc), row);
    }
  }
});

test("past its limit of sorted files a store merges the smaller half into one, never the run being written, and writes the same timeline", () => {
  const r = rng(23);
  // One long section whose in-order rows (later than all others) make a run file (more than 64k
  // characters) while out-of-order rows spill many small chunks; a second section; and an
  // adopted store's files.
  const ordered = Array.from({ length: 6000 }, (_, i) => ({ timestamp: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString(), module: "sms", event: "in_order", description: `row ${i} ${"x".repeat(20)}`, detected: i % 500 === 0 }));
  const scattered = events(3000, 29);
  const mixed: typeof ordered = [];
  for (let i = 0, j = 0; i < ordered.length || j < scattered.length; ) {
    if (j >= scattered.length || (i < ordered.length && r() < 0.66)) mixed.push(ordered[i++]);
    else mixed.push(scattered[j++]);
  }
  const second = events(2000, 31);
  const other = events(1500, 37);
  const write = (store: TimelineStore, maxFiles?: number) => {
    store.section();
    for (const e of mixed) {
      store.add(e);
      if (maxFiles !== undefined) assert.ok(store.spillCount <= maxFiles + 1, `${store.spillCount} files`);
    }
    store.section();
    for (const e of second) store.add(e);
    const helper = new TimelineStore(maxFiles === undefined ? 1_000_000 : 40, maxFiles);
    helper.section();
    for (const e of other) helper.add(e);
    const adopted = helper.detach()!;
    if (maxFiles !== undefined) assert.ok(adopted.spills.length > 1 && adopted.spills.length <= maxFiles + 1, `${adopted.spills.length} adopted files`);
    store.adopt(adopted);
    helper.close();
    const dir = mkdtempSync(join(tmpdir(), "vigil-tl-"));
    const out = (name: string, fn: (fd: number) => number) => {
      const fd = openSync(join(dir, name), "w");
      try {
        assert.equal(fn(fd), name === "all" ? mixed.length + second.length + other.length : [...mixed, ...second, ...other].filter((e) => e.detected).length);
      } finally {
        closeSync(fd);
      }
      return readFileSync(join(dir, name));
    };
    const result = { all: out("all", (fd) => store.writeSorted(fd)), detected: out("detected", (fd) => store.writeSortedDetected(fd)), files: store.spillCount };
    store.close();
    return result;
  };
  const plain = write(new TimelineStore(1_000_000));
  const compacted = write(new TimelineStore(40, 4), 4);
  assert.ok(compacted.all.equals(plain.all), "timeline.csv");
  assert.ok(compacted.detected.equals(plain.detected), "timeline_detected.csv");
  // The merge writes from at most the limit, the open run, and the adopted store's files.
  assert.ok(compacted.files <= 10, `${compacted.files} files at the end`);
});
