// The report's context around each detection: the CONTEXT_EACH_SIDE events just before it and
// the CONTEXT_EACH_SIDE + 1 from its time on, within an hour either side, as a plain scan of
// every event finds them; fed whole, or in parts absorbed one after the other.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Detection } from "../../../src/core/model.ts";
import { rng } from "../../../src/demo/synthetic.ts";
import { CONTEXT_WINDOW_MS, ReportDataCollector, type ContextEvent } from "../../../src/report/html/data.ts";
import { timelineRow } from "../../../src/report/timeline-row.ts";

const EACH_SIDE = 6;

function detection(timestamp: string, n: number): Detection {
  return { module: "sms", grade: "medium", title: `d${n}`, why: "test", timestamp, matched_indicator: { kind: "domain", value: `x${n}.example`, name: "test set" } } as unknown as Detection;
}

/** Events over two days in time order, many sharing a millisecond, with quiet hours between bursts. */
function events(seed: number): ContextEvent[] {
  const r = rng(seed);
  const out: ContextEvent[] = [];
  let t = Date.UTC(2025, 4, 1, 20);
  for (let i = 0; i < 3000; i++) {
    t += r() < 0.02 ? Math.floor(r() * 3 * 3600_000) : Math.floor(r() * 4000);
    out.push({ timestamp: new Date(t).toISOString(), module: i % 3 ? "sms" : "safari_history", event: "e", description: `event ${i}` });
  }
  return out;
}

/** What the windows hold, by a scan of every event for every detection. */
function expected(evs: ContextEvent[], dets: Detection[]): (ContextEvent[] | undefined)[] {
  const sorted = new ReportDataCollector(dets).finish().detections;
  return sorted.map((d) => {
    const t = Date.parse(d.timestamp!);
    const before = evs.filter((e) => Date.parse(e.timestamp) < t && Date.parse(e.timestamp) >= t - CONTEXT_WINDOW_MS).slice(-EACH_SIDE);
    const after = evs.filter((e) => Date.parse(e.timestamp) >= t && Date.parse(e.timestamp) <= t + CONTEXT_WINDOW_MS).slice(0, EACH_SIDE + 1);
    return [...before, ...after];
  });
}

function detectionsIn(evs: ContextEvent[], seed: number): Detection[] {
  const r = rng(seed);
  const at = (i: number) => evs[Math.min(evs.length - 1, Math.max(0, i))]!.timestamp;
  const dets = Array.from({ length: 25 }, (_, n) => detection(at(Math.floor(r() * evs.length)), n));
  // At the first and last events, between events, and alone in a quiet stretch.
  dets.push(detection(at(0), 90), detection(at(evs.length - 1), 91), detection(new Date(Date.parse(at(10)) + 1).toISOString(), 92), detection("2025-05-01T00:00:00.000Z", 93));
  // In a quiet stretch, exactly an hour after its first event and an hour before its last: the
  // edges of the windows.
  const quiet = evs.findIndex((e, i) => i + 1 < evs.length && Date.parse(evs[i + 1]!.timestamp) - Date.parse(e.timestamp) > CONTEXT_WINDOW_MS);
  assert.ok(quiet >= 0);
  dets.push(detection(new Date(Date.parse(at(quiet)) + CONTEXT_WINDOW_MS).toISOString(), 94), detection(new Date(Date.parse(at(quiet + 1)) - CONTEXT_WINDOW_MS).toISOString(), 95));
  return dets;
}

for (const seed of [1, 2, 3]) {
  test(`context windows (seed ${seed}): events fed one by one, as rows, or in parts, give what a scan of every event gives`, () => {
    const evs = events(seed);
    const dets = detectionsIn(evs, seed + 10);
    const want = expected(evs, dets);

    const byEvent = new ReportDataCollector(dets);
    for (const e of evs) byEvent.add(e);
    assert.deepEqual(byEvent.finish().context, want);

    const byRow = new ReportDataCollector(dets);
    for (const e of evs) {
      const row = timelineRow(e.timestamp, e.module, e.event, e.description);
      byRow.addRow(row.endsWith("\r\n") ? row.slice(0, -2) : row);
    }
    assert.deepEqual(byRow.finish().context.map((c) => c?.map((e) => e.description)), want.map((c) => c?.map((e) => e.description)));

    // The first rows here, two parts absorbed, then more rows here again (a part that failed).
    for (const cuts of [[1000, 2000], [5, 2990], [1500, 1501]]) {
      const whole = new ReportDataCollector(dets);
      for (const e of evs.slice(0, cuts[0])) whole.add(e);
      const part = ReportDataCollector.forPart(whole.contextWindows());
      for (const e of evs.slice(cuts[0], cuts[1])) part.add(e);
      whole.absorb(structuredClone(part.partState()));
      for (const e of evs.slice(cuts[1])) whole.add(e);
      assert.deepEqual(whole.finish().context, want, `cut at ${cuts}`);
    }
  });
}
