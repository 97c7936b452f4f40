import assert from "node:assert/strict";
import { test } from "node:test";
import { fromMatches } from "../../../src/core/detection.ts";
import { msg } from "../../../src/core/i18n/index.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";

test("one detection per matched value: most specific indicator kept, other sets named", () => {
  const a = matcherFromValues({ domain: ["free247downloads.com"] }, "Set A");
  const b = matcherFromValues({ domain: ["x.free247downloads.com"] }, "Set B");
  const c = matcherFromValues({ domain: ["free247downloads.com"] }, "Set C");
  const all = [...a.url("https://x.free247downloads.com/p"), ...b.url("https://x.free247downloads.com/p"), ...c.url("https://x.free247downloads.com/p")];
  assert.equal(all.length, 3);
  const d = fromMatches(all, { grade: "medium", title: (m) => msg("det.files.path", { value: m.matched }) });
  assert.equal(d.length, 1);
  assert.equal(d[0].matched_indicator?.value, "x.free247downloads.com");
  assert.equal(d[0].matched_indicator?.name, "Set B");
  assert.deepEqual(d[0].matched_indicator?.also_in, ["Set A", "Set C"]);
});

test("different matched values stay separate detections; a truncated match drops a grade", () => {
  const m = matcherFromValues({ domain: ["evil.com", "bad.org"], process: ["averylongprocessname"] });
  const d = fromMatches([...m.domain("a.evil.com"), ...m.domain("bad.org")], { grade: "medium", title: () => msg("det.files.path", { value: "t" }) });
  assert.equal(d.length, 2);
  const t = fromMatches(m.process("averylongproces", { maybeTruncated: true }), { grade: "strong", title: () => msg("det.files.path", { value: "t" }) });
  assert.equal(t.length, 1);
  assert.equal(t[0].grade, "medium");
});
