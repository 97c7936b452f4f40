// `vigil report` and the report writer read results files back: a file of an unexpected shape is
// refused with one line naming it and what was expected, never a JavaScript error.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { loadResults } from "../../../src/report/load-results.ts";
import { buildResultsFolder } from "../../helpers/results-fixture.ts";
import { runVigil } from "../../helpers/evidence.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-load-results-"));
let good: string;

before(async () => {
  good = await buildResultsFolder();
});

/** A copy of the good results folder with `file` replaced by `text`. */
function variant(name: string, file: string, text: string): string {
  const dir = join(tmp, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return dir;
}

const CASES: [string, string, string, RegExp][] = [
  ["coverage-object", "coverage.json", '{"sms":"checked"}', /coverage\.json: not a list of coverage entries \(module, title, status\): expected Array, found Object$/],
  ["coverage-status", "coverage.json", '[{"module":"sms","title":"SMS","status":7}]', /coverage\.json: not a list of coverage entries .*: \[0\]\.status: expected \(.*\), found 7$/],
  ["alerts-object", "alerts.json", '{"detections":[]}', /alerts\.json: not a list of detections .*: expected Array, found Object$/],
  ["alerts-grade", "alerts.json", '[{"module":"m","grade":"huge","kind":"indicator","title":"t","matched":"x","artifact":"a"}]', /alerts\.json: .*\[0\]\.grade: expected \("strong" \| "medium" \| "weak"\), found "huge"$/],
  ["info-inputs", "info.json", '{"tool":"vigil","version":"1","command":[],"started":"s","acquisition":{"kind":"k","path":"p","encrypted":false},"inputs":5,"iocs":{"sets":[],"errors":[]}}', /info\.json: not Vigil's run information .*: inputs: expected Array, found 5$/],
];

for (const [name, file, text, expected] of CASES) {
  test(`loadResults refuses ${name}, naming ${file}`, () => {
    const dir = variant(name, file, text);
    assert.throws(
      () => loadResults(dir),
      (e: unknown) => e instanceof VigilError && e.file === join(dir, file) && expected.test(e.oneLine()),
    );
  });
}

test("an MVT folder's _detected.json that is not a list of records is refused, naming it", () => {
  const dir = join(tmp, "mvt");
  cpSync(good, dir, { recursive: true });
  for (const f of ["coverage.json", "alerts.json", "info.json"]) rmSync(join(dir, f));
  writeFileSync(join(dir, "sms_detected.json"), '[["not", "a", "record"]]');
  assert.throws(() => loadResults(dir), (e: unknown) => e instanceof VigilError && /sms_detected\.json: not a list of records .*: \[0\]: expected Object, found Array$/.test(e.oneLine()));
});

test("vigil report on a coverage.json of the wrong shape: exit 1, one line naming it", async () => {
  const dir = join(tmp, "coverage-object");
  const r = await runVigil(["report", dir, "--out", join(tmp, "r.html")]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `vigil: error: ${join(dir, "coverage.json")}: not a list of coverage entries (module, title, status): expected Array, found Object\n`);
});
