// core/yaml.ts: the one YAML reader of Vigil (indicator sets, rule files).
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MAX_YAML_DEPTH, parseYaml } from "../../../src/core/yaml.ts";
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

test("collections nested deeper than MAX_YAML_DEPTH are refused, placed; a process reading several never aborts", () => {
  // A line of 20,000 "- " (40 KB) read three times in one process: the package's recursion
  // overflowed the stack, and when that fell inside V8's regular expression compiler the process
  // aborted ("FATAL ERROR: RegExpCompiler Allocation failed"), whatever catches the error.
  const dir = mkdtempSync(join(tmpdir(), "vigil-yaml-"));
  try {
    const script = join(dir, "deep.mts");
    const yamlTs = resolve(import.meta.dirname, "../../../src/core/yaml.ts");
    writeFileSync(
      script,
      `import { parseYaml } from ${JSON.stringify(yamlTs)};\nfor (let i = 0; i < 3; i++) {\n  try { parseYaml("- ".repeat(20000) + "x" + i + "\\n"); } catch (e) { console.log(String(e.message).split("\\n")[0]); }\n}\n`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", cwd: resolve(import.meta.dirname, "../../..") });
    assert.equal(r.status, 0, r.stderr.split("\n").find((l) => /FATAL|Error/.test(l)) ?? r.stderr.slice(0, 300));
    assert.deepEqual(r.stdout.trim().split("\n"), Array(3).fill("collections nested more than 200 levels deep at line 1, column 401"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const shapes = {
    compact: (n: number) => `${"- ".repeat(n)}x\n`,
    flow: (n: number) => `${"[".repeat(n)}x${"]".repeat(n)}`,
    flowMap: (n: number) => `${"{a: ".repeat(n)}x${"}".repeat(n)}`,
    indented: (n: number) => `${Array.from({ length: n }, (_, i) => `${" ".repeat(i)}a:`).join("\n")} x\n`,
    // A closing bracket inside a quoted string does not close a collection.
    quoted: (n: number) => `${Array.from({ length: n }, () => '[ "]",').join(" ")} x${"]".repeat(n)}`,
  };
  const depth = (v: unknown): number => (v && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
  for (const [name, make] of Object.entries(shapes)) {
    assert.equal(depth(parseYaml(make(MAX_YAML_DEPTH))), MAX_YAML_DEPTH, name);
    assert.throws(() => parseYaml(make(MAX_YAML_DEPTH + 1)), /^YAMLParseError: collections nested more than 200 levels deep at line \d+, column \d+$/m, name);
  }
  assert.throws(() => parseYaml("a:\n  b:\n    - - - " + "- ".repeat(300) + "x\n"), /nested more than 200 levels deep at line 3, column 401$/);
});
