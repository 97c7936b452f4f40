// timeline.csv written in parts by several threads (results.ts, TimelineHelper): the parts put
// end to end, and the report data gathered per part and absorbed in order, equal one merge.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Detection, RunInfo } from "../../../src/core/model.ts";
import { rng } from "../../../src/demo/synthetic.ts";
import { ReportDataCollector } from "../../../src/report/html/data.ts";
import { writeResults, type TimelineHelper } from "../../../src/report/results.ts";
import { TimelineStore } from "../../../src/report/timeline-store.ts";
import { rangeOffset, splitRanges, writeMerged, writeMergedAt } from "../../../src/report/timeline-merge.ts";
import { decodeRow } from "../../../src/report/timeline-row.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-pmerge-"));

/** 30k events over three hours, many sharing a second, from two modules. */
function store(): TimelineStore {
  const r = rng(3);
  const s = new TimelineStore(4000);
  for (const module of ["sms", "safari_history"]) {
    s.section();
    let t = Date.UTC(2025, 4, 1, 9);
    for (let i = 0; i < 15_000; i++) {
      t += Math.floor(r() * 1500);
      s.add({ timestamp: new Date(t).toISOString(), module, event: "e", description: `${module} ${i}`, detected: i % 5000 === 0 });
    }
  }
  return s;
}

function detection(timestamp: string, n: number): Detection {
  return { module: "sms", grade: "medium", title: `d${n}`, why: "test", timestamp, matched_indicator: { kind: "domain", value: `x${n}.example`, name: "test set" } } as unknown as Detection;
}

/** Detections placed exactly at the cuts and near them, so their context spans two parts. */
function detectionsAt(files: string[], parts: number): Detection[] {
  const cuts = splitRanges(files, parts).flatMap((r) => (r.from ? [decodeRow(r.from.toString("utf8")).timestamp] : []));
  assert.ok(cuts.length >= 1);
  return cuts.flatMap((ts, i) => [detection(ts, 3 * i), detection(new Date(Date.parse(ts) - 2000).toISOString(), 3 * i + 1), detection(new Date(Date.parse(ts) + 2000).toISOString(), 3 * i + 2)]);
}

/** A helper in this thread doing what a worker does (the state crosses a structured clone). */
const inThread: TimelineHelper = {
  async merge(files, range, out, at, windows) {
    const c = ReportDataCollector.forPart(windows);
    const rows = writeMergedAt(files, out, at, range, c);
    return structuredClone({ rows, part: c.partState() });
  },
};
const failing: TimelineHelper = { merge: async () => undefined };
/** A helper that wrote into its part of the file, then failed: the part is written again. */
const failingMidway: TimelineHelper = {
  async merge(files, range, out, at) {
    const fd = openSync(out, "r+");
    writeSync(fd, "X".repeat(300), at + rangeOffset(files, range));
    closeSync(fd);
    return undefined;
  },
};

test("parts written at their offsets into one file, in any order, give the single merge; rangeOffset is the bytes before each part", () => {
  const s = store();
  // A row longer than the readers' first buffer (256 KiB), so that offsets are taken after it grew.
  s.section();
  s.add({ timestamp: "2025-05-01T10:00:00.000Z", module: "long", event: "e", description: "y".repeat(300_000) });
  const files = s.spillFiles();
  const fd = openSync(join(tmp, "whole-at"), "w");
  const rows = writeMerged(files, fd);
  closeSync(fd);
  const whole = readFileSync(join(tmp, "whole-at"));
  for (const parts of [2, 3, 7]) {
    const ranges = splitRanges(files, parts, 8);
    const out = join(tmp, `at-${parts}`);
    writeFileSync(out, "HEADER\r\n");
    let n = 0;
    let expectedAt = 0;
    for (const r of ranges) {
      assert.equal(rangeOffset(files, r), expectedAt, `${parts} parts: offset`);
      const part = join(tmp, "one-part");
      const pfd = openSync(part, "w");
      writeMerged(files, pfd, r);
      closeSync(pfd);
      expectedAt += readFileSync(part).length;
    }
    for (const r of [...ranges].reverse()) n += writeMergedAt(files, out, 8, r);
    assert.equal(n, rows);
    assert.ok(readFileSync(out).equals(Buffer.concat([Buffer.from("HEADER\r\n"), whole])), `${parts} parts`);
  }
  s.close();
});

test("report data gathered per part and absorbed in order equals one pass over every row", () => {
  const s = store();
  const files = s.spillFiles();
  for (const parts of [2, 4]) {
    const dets = detectionsAt(files, parts);
    const whole = new ReportDataCollector(dets);
    const fd = openSync(join(tmp, "whole"), "w");
    const rows = writeMerged(files, fd, undefined, whole);
    closeSync(fd);
    const ranges = splitRanges(files, parts);
    const first = new ReportDataCollector(dets);
    const fd2 = openSync(join(tmp, "parts"), "w");
    let n = writeMerged(files, fd2, ranges[0], first);
    for (const range of ranges.slice(1)) {
      const c = ReportDataCollector.forPart(first.contextWindows());
      n += writeMerged(files, fd2, range, c);
      first.absorb(structuredClone(c.partState()));
    }
    closeSync(fd2);
    assert.equal(n, rows);
    assert.ok(readFileSync(join(tmp, "parts")).equals(readFileSync(join(tmp, "whole"))));
    const [a, b] = [whole.finish(), first.finish()];
    assert.deepEqual(b, a, `${parts} parts`);
    assert.ok(a.context.every((c) => c && c.length === 13), "every detection has 6 events before and 7 from its time");
  }
  s.close();
});

test("writeResults with helper threads writes the files a single thread writes; a helper that fails is replaced", async () => {
  const info = { tool: "vigil", version: "test", command: [], started: "", finished: "", acquisition: { kind: "ios_backup", path: "x", encrypted: false }, inputs: [], iocs: { sets: [], errors: [] } } as unknown as RunInfo;
  const outs: Record<string, { dir: string; report: unknown }> = {};
  for (const [label, helpers] of [["one thread", []], ["two helpers", [inThread, inThread]], ["one fails", [inThread, failing]], ["one fails midway", [failingMidway, inThread]]] as const) {
    const s = store();
    const dets = detectionsAt(s.spillFiles(), 3);
    const dir = mkdtempSync(join(tmp, "out-"));
    const w = await writeResults(dir, { coverage: [], detections: dets, exposure: [], timeline: s, warnings: {} }, info, [...helpers], 0);
    s.close();
    outs[label] = { dir, report: w.reportData };
    assert.equal(w.timelineEvents, 30_000);
  }
  for (const label of ["two helpers", "one fails", "one fails midway"]) {
    for (const f of ["timeline.csv", "timeline_detected.csv", "summary.json"]) {
      assert.equal(readFileSync(join(outs[label].dir, f), "utf8").replaceAll(outs[label].dir, ""), readFileSync(join(outs["one thread"].dir, f), "utf8").replaceAll(outs["one thread"].dir, ""), `${label}: ${f}`);
    }
    assert.deepEqual(outs[label].report, outs["one thread"].report, `${label}: report data`);
  }
  // The merged rows are in time order, each time in MVT's form (what the merge's keys read).
  const rows = readFileSync(join(outs["two helpers"].dir, "timeline.csv"), "utf8").split("\r\n").slice(1, -1);
  assert.equal(rows.length, 30_000);
  let last = -Infinity;
  for (const row of rows) {
    const m = /^"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})000",/.exec(row);
    assert.ok(m, row.slice(0, 40));
    const t = Date.parse(`${m[1]}T${m[2]}Z`);
    assert.ok(t >= last, `in time order: ${row.slice(0, 40)}`);
    last = t;
  }
});
