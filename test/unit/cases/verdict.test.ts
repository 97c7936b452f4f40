// The case verdict: the strongest of the acquisitions' verdicts and of the case's own detections.
import assert from "node:assert/strict";
import { test } from "node:test";
import { caseVerdict } from "../../../src/cases/verdict.ts";

test("the strongest verdict wins; correlated heuristics make a case worth a look, never traces found", () => {
  assert.equal(caseVerdict(["no_known_traces", "traces_found"], []), "traces_found");
  assert.equal(caseVerdict(["no_known_traces", "no_known_traces"], [{ kind: "heuristic", grade: "medium" }]), "worth_a_look");
  assert.equal(caseVerdict(["no_known_traces"], [{ kind: "indicator", grade: "medium" }]), "traces_found");
  assert.equal(caseVerdict([], []), "no_known_traces");
  // A verdict this function does not know (a later one) ranks below the ones it knows.
  assert.equal(caseVerdict(["too_little_checked" as never, "no_known_traces"], []), "no_known_traces");
  assert.equal(caseVerdict(["too_little_checked" as never], []), "too_little_checked");
});
