// Rule files' values and tables (read by rules written in module code), and their checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RuleSet } from "../../../src/rules/engine.ts";

test("values and tables of rule files are read; a value that is not a number or a table that is not rows is refused", () => {
  const set = new RuleSet([{ lists: { a: ["x"] }, values: { days: 2 }, tables: { rows: [{ key: "k" }] } }], {});
  assert.equal(set.value("days"), 2);
  assert.deepEqual(set.table("rows"), [{ key: "k" }]);
  assert.deepEqual(set.list("a"), ["x"]);
  assert.throws(() => set.value("none"), /no rule value none/);
  assert.throws(() => new RuleSet([{ values: { days: "two" as unknown as number } }], {}, "f.yaml"), /value days must be a number/);
  assert.throws(() => new RuleSet([{ tables: { rows: ["k"] as unknown as Record<string, unknown>[] } }], {}, "f.yaml"), /table rows must be a list of mappings/);
});
