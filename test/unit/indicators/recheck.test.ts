// A results JSON that is not an array of records is not counted as records checked: it is
// "not a module output"; a record nested deeper than the checker goes is not checked whole.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { MAX_RECORD_DEPTH, recheckResults } from "../../../src/indicators/recheck.ts";
import { render } from "../../../src/core/i18n/index.ts";
import { toJson } from "../../../src/report/json-writer.ts";

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
      "broken.json": '[{"url": "https://evil.example/"',
    }),
    iocs,
  );
  const reasons = Object.fromEntries(r.coverage.map((c) => [c.module, [c.status, c.records, c.reason]]));
  assert.deepEqual(reasons, {
    arrays: ["failed", undefined, "arrays.json: not a module output (expected a JSON array of records (objects); item 0 is an array)"],
    broken: ["failed", undefined, `broken.json: not valid JSON (${reasonDetail(r.coverage, "broken")})`],
    deep: ["failed", undefined, "deep.json: not a module output (expected a JSON array of records, found an object)"],
    number: ["failed", undefined, "number.json: not a module output (expected a JSON array of records, found a number)"],
    object: ["failed", undefined, "object.json: not a module output (expected a JSON array of records, found an object)"],
  });
  assert.equal(r.detections.length, 0);
  // The reasons are catalog messages: a French report says them in French.
  const fr = Object.fromEntries(r.coverage.map((c) => [c.module, c.reason_message ? render("fr", c.reason_message) : undefined]));
  assert.equal(fr.number, "number.json : pas une sortie de module (expected a JSON array of records, found a number)");
  assert.match(fr.broken!, /^broken\.json : JSON non valide \(.+\)$/);
});

/** The parser's own words after "not valid JSON (", which vary with node's version. */
function reasonDetail(coverage: { module: string; reason?: string }[], module: string): string {
  return /\((.*)\)$/.exec(coverage.find((c) => c.module === module)!.reason!)![1]!;
}

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
  assert.equal(render("fr", by.deep.reason_message!), `deep.json : 1 enregistrement est imbriqué sur plus de ${MAX_RECORD_DEPTH} niveaux et n'a pas pu être vérifié en entier`);
  assert.equal(by.fine.status, "checked");
  assert.equal(by.fine.detections, 1, "values well below the old depth limit of 6 are checked");
});

test("a record nested far too deep, with a match near its top, is written back cut at the depth checked", () => {
  // 100,000 levels: JSON.parse reads them, JSON.stringify (the detected records, alerts.json) overflowed the stack.
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const r = recheckResults(folder(false, { "safari_history.json": `[{"url": "https://evil.example/a", "deep": ${deep}}]` }), iocs);
  const m = r.modules[0]!;
  assert.equal(m.coverage.status, "failed");
  assert.equal(m.coverage.skipped, 1);
  assert.equal(m.detections.length, 1);
  const written = JSON.parse(toJson(m.detectedRecords));
  assert.equal(written[0].url, "https://evil.example/a");
  assert.equal(written[0].matched_indicator.value, "evil.example");
  assert.ok(toJson(m.detections).includes("(nested too deep)"));
});

test("field and module names like inherited properties (constructor, __proto__) are read as unknown names, as text", () => {
  const r = recheckResults(
    folder(false, {
      "sms.json": '[{"constructor": "see https://evil.example/a"}, {"__proto__": "evil.example"}, {"keys": "x"}]',
      "constructor.json": '[{"name": "https://evil.example/b", "keys": "x"}]',
    }),
    iocs,
  );
  const by = Object.fromEntries(r.coverage.map((c) => [c.module, [c.status, c.detections]]));
  assert.deepEqual(by, { constructor: ["checked", 1], sms: ["checked", 2] });
  assert.ok(r.detections.every((d) => d.grade === "weak"), "found in text: a mention");
});

test("a module file too large to read (over 2 GiB) fails that module, naming it; the others are checked", () => {
  const dir = folder(false, { "sms.json": [{ text: "https://evil.example/a" }], "huge.json": "[" });
  truncateSync(join(dir, "huge.json"), 2 ** 31 + 1); // sparse: no disk used
  const r = recheckResults(dir, iocs);
  const by = Object.fromEntries(r.coverage.map((c) => [c.module, [c.status, c.reason]]));
  assert.equal(by.sms![0], "checked");
  assert.equal(by.huge![0], "failed");
  assert.match(by.huge![1]!, /^huge\.json: cannot be read \(.*ERR_FS_FILE_TOO_LARGE\)\)$/);
  const input = r.inputs.find((i) => i.path.endsWith("huge.json"))!;
  assert.equal(input.sha256, "");
  assert.equal(input.size, 2 ** 31 + 1);
  assert.match(input.error!, /ERR_FS_FILE_TOO_LARGE/);
  assert.equal(r.detections.length, 1);
});

test("a module file that is a dangling or looping link fails that module, naming it", () => {
  const dir = folder(false, { "sms.json": [{ text: "https://evil.example/a" }] });
  symlinkSync(join(dir, "nowhere.json"), join(dir, "gone.json"));
  symlinkSync("loop.json", join(dir, "loop.json"));
  const r = recheckResults(dir, iocs);
  const by = Object.fromEntries(r.coverage.map((c) => [c.module, [c.status, c.reason]]));
  assert.deepEqual(by.gone, ["failed", "gone.json: cannot be read (ENOENT: no such file or directory, open '" + join(dir, "gone.json") + "')"]);
  assert.equal(by.loop![0], "failed");
  assert.match(by.loop![1]!, /^loop\.json: cannot be read \(ELOOP/);
  assert.equal(by.sms![0], "checked");
});

test("a message of more than 100,000 characters is re-checked as the live check reads it, never passed over as clean", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-recheck-long-"));
  const text = `${"word ".repeat(40_000)}see https://x.evil.example/a`;
  writeFileSync(join(dir, "sms.json"), JSON.stringify([{ isodate: "2026-01-01 10:00:00.000000", text }]));
  const r = recheckResults(dir, matcherFromValues({ domain: ["evil.example"] }, "Test set"));
  assert.equal(r.coverage[0].status, "checked");
  assert.deepEqual(r.detections.map((d) => [d.matched_indicator?.value, d.matched]), [["evil.example", "x.evil.example"]]);
});

test("a FIFO named like a module file: that module fails, naming it, instead of being left out of the re-check unseen (or read for ever)", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-recheck-fifo-"));
  writeFileSync(join(dir, "safari_history.json"), JSON.stringify([{ url: "https://x.evil.example/a" }]));
  execFileSync("mkfifo", [join(dir, "sms.json")]);
  const r = recheckResults(dir, matcherFromValues({ domain: ["evil.example"] }, "Test set"));
  assert.deepEqual(r.coverage.map((c) => [c.module, c.status]), [["safari_history", "checked"], ["sms", "failed"]]);
  assert.match(r.coverage[1].reason ?? "", /sms\.json: cannot be read \(not a regular file\)/);
});
