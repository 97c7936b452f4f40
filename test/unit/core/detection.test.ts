import assert from "node:assert/strict";
import { test } from "node:test";
import { dedupeMatches } from "../../../src/core/detection.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";

test("dedupeMatches keeps one match per indicator and set, across calls with a shared seen set", () => {
  const a = matcherFromValues({ process: ["bh"], app_id: ["bh"] }, "Set A");
  const b = matcherFromValues({ process: ["bh"] }, "Set B");
  // The same process indicator found twice (the name, then a path component), an app id, and another set's.
  const ms = [...a.process("bh"), ...a.process("bh"), ...a.appId("bh"), ...b.process("bh")];
  assert.equal(ms.length, 4);
  const once = dedupeMatches(ms);
  assert.deepEqual(
    once.map((m) => `${m.indicator.set.name}:${m.indicator.type}`),
    ["Set A:process", "Set A:app_id", "Set B:process"],
  );
  const seen = new Set<string>();
  assert.equal(dedupeMatches(a.process("bh"), seen).length, 1);
  assert.equal(dedupeMatches(a.process("bh"), seen).length, 0, "already seen in the first call");
  assert.equal(dedupeMatches(b.process("bh"), seen).length, 1);
});
