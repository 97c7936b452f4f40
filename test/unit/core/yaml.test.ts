// core/yaml.ts: the one YAML reader of Vigil (indicator sets, rule files).
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseYaml } from "../../../src/core/yaml.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

test("core schema: dates and YAML 1.1 booleans stay strings, numbers are numbers", () => {
  assert.deepEqual(parseYaml("a: [1, 2]\nd: 2024-01-01\ny: yes\nn: null\nt: true\nh: 0x1F\n"), { a: [1, 2], d: "2024-01-01", y: "yes", n: null, t: true, h: 31 });
});

test("no merge keys: << is an ordinary key", () => {
  assert.deepEqual(parseYaml("base: &b {x: 1}\nother:\n  <<: *b\n"), { base: { x: 1 }, other: { "<<": { x: 1 } } });
});

test("a key given twice is an error, unless duplicate keys are allowed (the last value wins)", () => {
  assert.throws(() => parseYaml("a: 1\na: 2\n"), /unique/i);
  assert.deepEqual(parseYaml("a: 1\na: 2\n", { duplicateKeys: true }), { a: 2 });
});

test("malformed YAML throws an error whose first line names the problem", () => {
  assert.throws(() => parseYaml("a: [1, 2\n"), (e: Error) => e.message.split("\n")[0]!.length > 0);
  assert.throws(() => parseYaml("a: 1\n---\nb: 2\n"));
});

test("a long damaged line is refused in linear time, the error still naming its place (long fuzz run, mvt-indicators #20)", async () => {
  // The yaml package's prettyErrors copied the whole line for each of its thousands of errors
  // (minutes for a megabyte); only the error thrown is placed now.
  const doc = `indicators:\n  - type: github\n    github:\n      path: a.stix2\n  inownload_url: x\n      repo: ${"investigo: ".repeat(100_000)}\n`;
  const e = await withinCpu(5, "the document", () => {
    try {
      parseYaml(doc, { duplicateKeys: true });
    } catch (err) {
      return err as Error;
    }
    return undefined;
  });
  assert.match(e?.message ?? "", /^[A-Z].* at line \d+, column \d+$/);
});
