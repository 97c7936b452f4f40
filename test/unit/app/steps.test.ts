// A module's line in the app while a check runs: whole modules as they come, split modules
// running until every part ended, then added up (failed when one part failed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { foldStep, stepKey } from "../../../src/app/steps.ts";
import type { ProgressStep } from "../../../src/pipeline/progress.ts";

const base = { module: "sms", index: 3, total: 40 };

function run(steps: ProgressStep[]): ProgressStep[] {
  const ended = new Map<string, ProgressStep[]>();
  const shown: ProgressStep[] = [];
  let current: ProgressStep | undefined;
  for (const s of steps) shown.push((current = foldStep(current, s, ended)));
  return shown;
}

test("a whole module: its start, then its end as it came", () => {
  const end = { ...base, status: "checked" as const, records: 12, detections: 1 };
  assert.deepEqual(run([base, end]), [base, end]);
  assert.equal(stepKey({ ...base, view: "backup" }), "backup/sms");
});

test("a module in three parts: running until the third part ended, then the parts added up", () => {
  const part = (index: number, extra: Partial<ProgressStep> = {}): ProgressStep => ({ ...base, part: { index, count: 3 }, ...extra });
  const shown = run([part(1), part(2), part(1, { status: "checked", records: 10, detections: 1 }), part(3), part(3, { status: "checked", records: 5 }), part(2, { status: "checked", records: 7, detections: 2 })]);
  assert.ok(shown.slice(0, 5).every((s) => s.status === undefined && s.part === undefined && s.records === undefined), JSON.stringify(shown));
  assert.deepEqual(shown[5], { ...base, status: "checked", records: 22, detections: 3 });
});

test("a part that failed fails the module, with its reason; a later start does not undo an end", () => {
  const part = (index: number, extra: Partial<ProgressStep> = {}): ProgressStep => ({ ...base, part: { index, count: 2 }, ...extra });
  const shown = run([part(1), part(2), part(1, { status: "checked", records: 3 }), part(2, { status: "failed", reason: "database disk image is malformed" }), part(2)]);
  assert.deepEqual(shown[3], { ...base, status: "failed", reason: "database disk image is malformed" });
  assert.deepEqual(shown[4], shown[3]);
});
