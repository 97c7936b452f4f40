// A re-check is only as complete as what it can read of the original run: a coverage.json it
// cannot read, a Vigil run without one, or files the run left unfinished make it incomplete.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { EXIT, type Coverage } from "../../../src/core/model.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";

const iocs = join(mkdtempSync(join(tmpdir(), "vigil-recheck-iocs-")), "domains.txt");
writeFileSync(iocs, "evil.example\n");

/** A Vigil results folder with one clean module file and the given extra files. */
function folder(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "vigil-recheck-gaps-"));
  writeFileSync(join(dir, "info.json"), JSON.stringify({ tool: "vigil" }));
  writeFileSync(join(dir, "safari_history.json"), JSON.stringify([{ url: "https://example.org/" }]));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

async function recheck(dir: string): Promise<{ exitCode: number; coverage: Coverage[] }> {
  const r = await checkIocs(dir, { quiet: true, output: join(dir, "re"), iocs: [iocs] });
  return { exitCode: r.exitCode, coverage: JSON.parse(readFileSync(join(dir, "re", "coverage.json"), "utf8")) as Coverage[] };
}

const CHECKED = JSON.stringify([{ module: "safari_history", title: "Safari history", status: "checked", records: 1 }]);

test("a readable coverage.json with nothing failed: the re-check is complete", async () => {
  const r = await recheck(folder({ "coverage.json": CHECKED }));
  assert.equal(r.exitCode, EXIT.nothingFound);
});

for (const [name, text, reason] of [
  ["an object", '{"safari_history":"failed"}', /coverage\.json: not a list of coverage entries \(module, title, status\): expected Array, found Object; what the original run could not check is unknown$/],
  ["entries without a status", '[{"module":"sms","title":"SMS"}]', /coverage\.json: not a list of coverage entries .*: \[0\]\.status: missing; /],
  ["malformed JSON", "[{", /coverage\.json: malformed JSON: .*; what the original run could not check is unknown$/],
] as const) {
  test(`coverage.json holding ${name}: the re-check is incomplete and says why`, async () => {
    const r = await recheck(folder({ "coverage.json": text }));
    assert.equal(r.exitCode, EXIT.incomplete);
    const gap = r.coverage.find((c) => c.module === "original_coverage");
    assert.equal(gap?.status, "failed");
    assert.match(gap!.reason!, reason);
  });
}

test("a Vigil run without coverage.json, or one that left unfinished files: incomplete", async () => {
  const missing = await recheck(folder({}));
  assert.equal(missing.exitCode, EXIT.incomplete);
  assert.match(missing.coverage.find((c) => c.module === "original_coverage")!.reason!, /coverage\.json: missing; what the original run could not check is unknown$/);
  const unfinished = await recheck(folder({ "coverage.json": CHECKED, "sms.json.partial": '[\n  {"text":"cut' }));
  assert.equal(unfinished.exitCode, EXIT.incomplete);
  assert.match(unfinished.coverage.find((c) => c.module === "original_run")!.reason!, /the original run did not finish: 1 file left unfinished, .*sms\.json\.partial$/);
});
