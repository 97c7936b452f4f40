// An acquisition's results folder read back by the case commands: a summary.json of another
// shape makes that acquisition's problem (named, with what was expected), never a verdict made
// of whatever the file held.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { readAcquisition } from "../../../src/cases/acquisition-results.ts";
import { buildResultsFolder } from "../../helpers/results-fixture.ts";

test("summary.json is checked for what the case verdict uses", async () => {
  const dir = await buildResultsFolder();
  try {
    const acq = { id: "01-ios_backup", kind: "ios_backup", input: "/x", added: "", results: basename(dir), exit_code: 10 };
    const good = readAcquisition(dirname(dir), acq);
    assert.equal(good.problem, undefined);
    assert.equal(good.summary?.verdict, JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).verdict);
    writeFileSync(join(dir, "summary.json"), JSON.stringify({ verdict: 5, incomplete: false }));
    const bad = readAcquisition(dirname(dir), acq);
    assert.equal(bad.summary, undefined);
    assert.equal(bad.problem, `${join(dir, "summary.json")}: not a summary (verdict, incomplete, detections): verdict: expected string, found 5`);
    writeFileSync(join(dir, "summary.json"), JSON.stringify([{ verdict: "traces_found" }]));
    assert.match(readAcquisition(dirname(dir), acq).problem!, /summary\.json: not a summary .*: expected Object, found Array$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
