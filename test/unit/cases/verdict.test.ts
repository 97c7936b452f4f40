// The case verdict: the strongest of the acquisitions' verdicts and of the case's own detections.
import assert from "node:assert/strict";
import { test } from "node:test";
import { caseVerdict } from "../../../src/cases/verdict.ts";

test("the strongest verdict wins; correlated heuristics make a case worth a look, never traces found", () => {
  assert.equal(caseVerdict(["no_known_traces", "traces_found"], []), "traces_found");
  assert.equal(caseVerdict(["no_known_traces", "no_known_traces"], [{ kind: "heuristic", grade: "medium" }]), "worth_a_look");
  assert.equal(caseVerdict(["no_known_traces"], [{ kind: "indicator", grade: "medium" }]), "traces_found");
  // A case with no acquisition, or only acquisitions with too little to say, says too little.
  assert.equal(caseVerdict([], []), "too_little_to_say");
  assert.equal(caseVerdict(["too_little_to_say", "too_little_to_say"], []), "too_little_to_say");
  // One acquisition checked meaningfully outranks those with too little to say.
  assert.equal(caseVerdict(["too_little_to_say", "no_known_traces"], []), "no_known_traces");
  assert.equal(caseVerdict(["too_little_to_say"], [{ kind: "heuristic", grade: "weak" }]), "worth_a_look");
  // A verdict this function does not know (a later one) ranks below the ones it knows.
  assert.equal(caseVerdict(["later_verdict" as never, "too_little_to_say"], []), "too_little_to_say");
});
