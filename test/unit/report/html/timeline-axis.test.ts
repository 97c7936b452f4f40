// The timeline chart's days: placeholder dates out of the axis but listed, short empty stretches
// drawn as empty days, long ones skipped and named.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isGap, timelineAxis } from "../../../../src/report/html/timeline-axis.ts";

const day = (d: string, count = 1, detections = 0) => ({ day: d, count, detections });

test("placeholder dates stay out of the axis and are listed", () => {
  const axis = timelineAxis([day("1970-01-01", 4), day("2001-01-01", 2), day("2006-12-31"), day("2021-07-01", 5), day("2021-07-02", 3, 1)]);
  assert.deepEqual(axis.placeholders.map((d) => [d.day, d.count]), [["1970-01-01", 4], ["2001-01-01", 2], ["2006-12-31", 1]]);
  assert.deepEqual(axis.slots, [day("2021-07-01", 5), day("2021-07-02", 3, 1)]);
  assert.deepEqual(axis.gaps, []);
});

test("up to a week without events is drawn as empty days; a longer stretch is skipped and named", () => {
  const axis = timelineAxis([day("2021-07-01"), day("2021-07-09"), day("2021-07-18"), day("2022-01-03")]);
  const days = axis.slots.filter((s) => !isGap(s)).map((s) => (isGap(s) ? "" : s.day));
  // 7 empty days between the 1st and the 9th are drawn; the 8 between the 9th and the 18th are not.
  assert.equal(days.filter((d) => d > "2021-07-01" && d < "2021-07-09").length, 7);
  assert.deepEqual(axis.gaps, [
    { from: "2021-07-10", to: "2021-07-17", days: 8 },
    { from: "2021-07-19", to: "2022-01-02", days: 168 },
  ]);
  assert.deepEqual(
    axis.slots.map((s) => (isGap(s) ? `gap ${s.from}` : s.day)).filter((x) => x.startsWith("gap") || x === "2021-07-18" || x === "2022-01-03"),
    ["gap 2021-07-10", "2021-07-18", "gap 2021-07-19", "2022-01-03"],
  );
});

test("only placeholder dates: an empty axis, every day listed", () => {
  const axis = timelineAxis([day("1970-01-01", 9)]);
  assert.deepEqual(axis.slots, []);
  assert.equal(axis.placeholders.length, 1);
});
