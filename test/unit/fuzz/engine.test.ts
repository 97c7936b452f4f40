import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { applyPlan, mutateContext, planFor } from "../../../fuzz/engine/input.ts";
import { ledgerTable, reached, recorder, resumePoints, type Ledger } from "../../../fuzz/engine/ledger.ts";
import type { TargetStats } from "../../../fuzz/engine/supervise.ts";
import { targetByName } from "../../../fuzz/targets/index.ts";
import { judge } from "../../../fuzz/engine/invariant.ts";
import { VigilError } from "../../../src/core/errors.ts";

const digest = (b: Buffer) => createHash("sha256").update(b).digest("hex");

// Steps change a buffer in place once the execution owns it: a step that wrote into a seed, or
// into a buffer shared between executions, would make inputs depend on the executions before.
for (const name of ["plist-binary", "mbfile", "tar", "zip", "module:sms", "shutdown-log"]) {
  test(`fuzz plans of ${name} give the same input every time and never change a seed`, async () => {
    const t = targetByName(name);
    const seeds = await t.seeds(undefined);
    const ctx = mutateContext(seeds);
    const before = ctx.seeds.map(digest);
    const runs = name.startsWith("module:") ? 60 : 400;
    const first: string[] = [];
    for (let i = 0; i < runs; i++) first.push(digest(applyPlan(planFor(7, name, i, t.mutators.length), t.mutators, ctx)));
    assert.deepEqual(ctx.seeds.map(digest), before, "a seed was changed");
    assert.deepEqual(seeds.map(digest), before, "the caller's seeds were changed");
    // Backwards and in a fresh context: each input depends on (seed, target, index) alone.
    const again = mutateContext(seeds);
    for (let i = runs - 1; i >= 0; i--) assert.equal(digest(applyPlan(planFor(7, name, i, t.mutators.length), t.mutators, again)), first[i], `execution ${i}`);
    assert.ok(new Set(first).size > runs / 4, "plans made distinct inputs");
  });
}

/** A sitting's counts as the supervisor gives them: executions from 0, the others from the sitting's start. */
const stats = (target: string, from: number, executions: number, accepted: number, findings: TargetStats["findings"] = []): TargetStats => ({
  target,
  seeds: 1,
  executions,
  accepted,
  rejected: executions - from - accepted,
  messages: 0,
  seconds: 0,
  findings,
});

test("a long run's ledger carries each target on where it stopped, until its goal", () => {
  const l: Ledger = { seed: 5, goal: { runs: 1000, seconds: 3600 }, targets: {} };
  assert.deepEqual([...resumePoints(l, ["a", "b"])], [["a", { start: 0, seconds: 3600 }], ["b", { start: 0, seconds: 3600 }]]);

  // First sitting: a is stopped at 400 after 100 s (two updates: the last one counts), b done.
  const one = recorder(l, "c1");
  one(stats("a", 0, 200, 20), 50);
  one(stats("a", 0, 400, 40), 100);
  one(stats("b", 0, 1000, 7), 30);
  assert.equal(l.targets.a.executions, 400);
  assert.equal(l.targets.a.stretches.length, 1);
  assert.ok(reached(l, l.targets.b));
  assert.deepEqual([...resumePoints(l, ["a", "b"])], [["a", { start: 400, seconds: 3500 }]]);

  // Second sitting, another commit: it starts at 400, and adds a stretch and its finding.
  const two = recorder(l, "c2");
  const f = { target: "a", kind: "exception" as const, signature: "exception TypeError x", message: "x is not a function", index: 650, seed: 5 };
  two(stats("a", 400, 900, 30, [f]), 200);
  assert.deepEqual(l.targets.a.stretches.map((s) => [s.from, s.to, s.commit]), [[0, 400, "c1"], [400, 900, "c2"]]);
  assert.equal(l.targets.a.seconds, 300);
  assert.equal(l.targets.a.accepted, 70);
  assert.equal(l.targets.a.findings.length, 1);
  assert.ok(!reached(l, l.targets.a));

  const table = ledgerTable(l, ["a", "b", "c"]);
  assert.match(table, /goal 1,000 executions or 1 h per target; 1 of 3 targets reached it/);
  assert.match(table, /\| a \| 900 \| 5\.0 min \| 70 \| 830 \| 90% \| exception #650: x is not a function \| c1, c2 \|/);
  assert.match(table, /\| c \| 0 \| 0 min .*not started/);
});

test("every target has a seed built in code that its reader accepts: mutations start from evidence that parses", { timeout: 300_000 }, async () => {
  const { TARGETS } = await import("../../../fuzz/targets/index.ts");
  const none: string[] = [];
  for (const t of TARGETS) {
    let seeds: Buffer[];
    try {
      seeds = await t.seeds(undefined);
    } catch (e) {
      none.push(`${t.name}: its seeds cannot be built (${(e as Error).message})`);
      continue;
    }
    let accepted = false;
    for (const s of seeds) {
      try {
        await t.run(s);
        accepted = true;
        break;
      } catch {
        // The next seed.
      }
    }
    if (!accepted) none.push(`${t.name} (${seeds.length} seeds)`);
  }
  assert.deepEqual(none, []);
});

test("a VigilError made from a bug (a TypeError among its causes) is a finding; one made from bad data is not", () => {
  const bug = new TypeError("r.url.charCodeAt is not a function");
  const hidden = judge(new VigilError("cannot read database: r.url.charCodeAt is not a function", { file: "History.db", cause: bug }));
  assert.equal(hidden.ok, false);
  assert.match((hidden as { message: string }).message, /^TypeError: r\.url\.charCodeAt/);
  const deeper = judge(new VigilError("outer", { cause: new VigilError("inner", { cause: new RangeError("Invalid time value") }) }));
  assert.equal(deeper.ok, false);
  assert.deepEqual(judge(new VigilError("cannot read database: database disk image is malformed", { cause: Object.assign(new Error("database disk image is malformed"), { code: "SQLITE_CORRUPT" }) })), { ok: true, rejected: true });
  assert.deepEqual(judge(new VigilError("not valid JSON", { cause: new SyntaxError("Unexpected token") })), { ok: true, rejected: true });
  assert.equal(judge(new TypeError("x")).ok, false);
});
