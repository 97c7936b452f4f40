// Signals are handled only while some clean-up asks for them: the others keep their default
// action, which ends even a process whose main thread is blocked in a synchronous call.
import assert from "node:assert/strict";
import { test } from "node:test";
import { onInterrupt } from "../../../src/core/interrupt.ts";

test("a signal is handled exactly while a clean-up registered for it", () => {
  const count = (s: NodeJS.Signals) => process.listenerCount(s);
  const before = { INT: count("SIGINT"), HUP: count("SIGHUP") };
  const offTemp = onInterrupt(() => {}, ["SIGINT", "SIGTERM"]);
  assert.deepEqual([count("SIGINT") - before.INT, count("SIGHUP") - before.HUP], [1, 0]);
  const offClaim = onInterrupt(() => {});
  assert.deepEqual([count("SIGINT") - before.INT, count("SIGHUP") - before.HUP], [1, 1]);
  offClaim();
  assert.deepEqual([count("SIGINT") - before.INT, count("SIGHUP") - before.HUP], [1, 0]);
  offTemp();
  assert.deepEqual([count("SIGINT") - before.INT, count("SIGHUP") - before.HUP], [0, 0]);
});
