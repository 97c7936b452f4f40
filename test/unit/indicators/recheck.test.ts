// A results JSON that is not an array of records is not counted as records checked: it is
// "not a module output"; a record nested deeper than the checker goes is not checked whole.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { MAX_RECORD_DEPTH, recheckResults } from "../../../src/indicators/recheck.ts";

const iocs = matcherFromValues({ domain: ["evil.example"] }, "Test set");

function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function folder(vigil: boolean, files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "vigil-recheck-"));
  if (vigil) writeFileSync(join(dir, "info.json"), JSON.stringify({ tool: "vigil" }));
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), typeof doc === "string" ? doc : JSON.stringify(doc));
  return dir;
}

test("JSON that is not an array of records is not a module output", () => {
  const r = recheckResults(
    folder(true, {
      "deep.json": `${'{"a":'.repeat(100_000)}"https://evil.example/"${"}".repeat(100_000)}`,
      "arrays.json": [[["https://evil.example/"]]],
      "number.json": "42",
      "object.json": { url: "https://evil.example/" },
    }),
    iocs,
  );
  const reasons = Object.fromEntries(r.coverage.map((c) => [c.module, [c.status, c.records, c.reason]]));
  assert.deepEqual(reasons, {
    arrays: ["failed", undefined, "arrays.json: not a module output (expected a JSON array of records (objects); item 0 is an array)"],
    deep: ["failed", undefined, "deep.json: not a module output (expected a JSON array of records, found an object)"],
    number: ["failed", undefined, "number.json: not a module output (expected a JSON array of records, found a number)"],
    object: ["failed", undefined, "object.json: not a module output (expected a JSON array of records, found an object)"],
  });
  assert.equal(r.detections.length, 0);
});

test("MVT's one-object outputs are one record; a record nested too deep is not checked whole", () => {
  const r = recheckResults(
    folder(false, {
      "backup_info.json": { url: "https://evil.example/" },
      "deep.json": [{ url: "https://example.org/" }, nested(MAX_RECORD_DEPTH + 5, "https://evil.example/")],
      "fine.json": [nested(MAX_RECORD_DEPTH - 2, "https://evil.example/")],
    }),
    iocs,
  );
  const by = Object.fromEntries(r.coverage.map((c) => [c.module, c]));
  assert.equal(by.backup_info.status, "checked");
  assert.equal(by.backup_info.detections, 1);
  assert.equal(by.deep.status, "failed");
  assert.equal(by.deep.skipped, 1);
  assert.equal(by.deep.reason, `deep.json: 1 record is nested deeper than ${MAX_RECORD_DEPTH} levels and could not be checked whole`);
  assert.equal(by.fine.status, "checked");
  assert.equal(by.fine.detections, 1, "values well below the old depth limit of 6 are checked");
});
