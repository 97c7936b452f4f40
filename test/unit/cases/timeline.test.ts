// The case timeline: every acquisition's timeline.csv merged in time order. A case folder may
// come from someone else and list thousands of acquisitions: the merge stays linear in the rows
// (times their logarithm), and events at one time keep the acquisitions' order.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { AcquisitionResults } from "../../../src/cases/acquisition-results.ts";
import { writeCaseTimeline } from "../../../src/cases/timeline.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

function acquisitions(root: string, n: number, rows: (i: number) => string[]): AcquisitionResults[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `a${String(i).padStart(5, "0")}`;
    const dir = join(root, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "timeline.csv"), '"UTC Timestamp","Plugin","Event","Description"\n' + rows(i).join(""));
    return { acq: { id, kind: "mvt_results", input: "/x", added: "2026-01-01T00:00:00.000Z", results: `acquisitions/${id}`, exit_code: 0 }, dir, coverage: [], detections: [] };
  });
}

const row = (second: number, what: string) => `"2026-01-01 10:${String(Math.floor(second / 60) % 60).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}.000000","sms","message","${what}"\n`;

test("events in time order, those at one time in the acquisitions' order", async () => {
  const root = testDir("vigil-case-timeline");
  const acqs = acquisitions(root, 5, (i) => [row(10 - i, `a${i}-first`), row(10, `a${i}-tie`), row(20 + i, `a${i}-last`)]);
  const n = await writeCaseTimeline(join(root, "timeline.csv"), acqs, []);
  assert.equal(n, 15);
  const messages = readFileSync(join(root, "timeline.csv"), "utf8").trim().split("\r\n").slice(1).map((l) => l.split(",")[2].replaceAll('"', ""));
  assert.deepEqual(messages, ["a4-first", "a3-first", "a2-first", "a1-first", "a0-first", "a0-tie", "a1-tie", "a2-tie", "a3-tie", "a4-tie", "a0-last", "a1-last", "a2-last", "a3-last", "a4-last"]);
});

test("a case of 8,000 acquisitions is merged in linear time", async () => {
  const root = testDir("vigil-case-timeline-many");
  const acqs = acquisitions(root, 8000, (i) => Array.from({ length: 10 }, (_, k) => row(k * 100 + (i % 100), `${i}-${k}`)));
  // A scan of every acquisition for each of the 80,000 rows took 18.7 s of CPU.
  const n = await withinCpu(8, "the timeline of 8,000 acquisitions", () => writeCaseTimeline(join(root, "timeline.csv"), acqs, []));
  assert.equal(n, 80_000);
});
