// The default results folder: two checks started in the same second each get their own.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mock, test } from "node:test";
import { memoryView } from "../../../src/acquisitions/memory.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { defaultOutputDir, makeOutputDir } from "../../../src/pipeline/output-dir.ts";

test("two checks started in the same second write to two different default folders", async () => {
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "vigil-outdir-"));
  // The clock stands still: both checks start in the same second whatever the machine's speed.
  mock.timers.enable({ apis: ["Date"], now: Date.UTC(2026, 2, 4, 12, 0, 0, 250) });
  process.chdir(dir);
  try {
    const iocs = matcherFromValues({ domain: ["evil.example"] }, "Test set");
    const open = async () => memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "x.txt", data: "x" }] });
    const opts = { quiet: true, json: true, report: false, jobs: "1", module: ["sms"] };
    const [a, b] = await Promise.all([runCheck("ios_backup", "/evidence", open, opts, { iocs }), runCheck("ios_backup", "/evidence", open, opts, { iocs })]);
    assert.notEqual(a.outputDir, b.outputDir);
    for (const o of [a, b]) assert.ok(existsSync(join(o.outputDir, "info.json")), o.outputDir);
    assert.deepEqual(readdirSync(join(dir, "vigil-results")).sort(), ["ios_backup-2026-03-04T120000", "ios_backup-2026-03-04T120000-2"]);
  } finally {
    process.chdir(cwd);
    mock.timers.reset();
  }
});

test("a default folder is created afresh, next to one left by an earlier run; --output is used as given", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-outdir-"));
  const base = join(dir, "results", "kind-x");
  assert.equal(makeOutputDir(base, { unique: true }), base);
  assert.equal(makeOutputDir(base, { unique: true }), `${base}-2`);
  assert.equal(makeOutputDir(base, { unique: true }), `${base}-3`);
  assert.equal(makeOutputDir(base), base);
  assert.match(defaultOutputDir("ios_backup", new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), /vigil-results\/ios_backup-2026-01-02T030405$/);
});
