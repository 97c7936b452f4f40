// A case folder received from someone else, or damaged on the way: case.json with values of the
// wrong type, an acquisition's results folder named outside the case, listed twice or gone, a
// link to nothing or a FIFO among its results files. Each is said in one line naming the file,
// or is the acquisition's problem in an incomplete case; never a TypeError, a raw ENOENT, a
// wait for ever, nor a read outside the case folder.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SqliteArchive } from "../../../src/case-archive/sqlite.ts";
import { archiveAcquisition, archiveCaseRow } from "../../../src/cases/archive-case.ts";
import { buildCase } from "../../../src/cases/build.ts";
import { loadCase } from "../../../src/cases/case-folder.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { VIGIL_BIN } from "../../helpers/evidence.ts";
import { buildResultsFolder } from "../../helpers/results-fixture.ts";

let results: string;
const tmp = testDir("vigil-damaged-case");
before(async () => {
  results = await buildResultsFolder({ planted: true, days: 2 });
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(results, { recursive: true, force: true });
});

const acq = (id: string, results = `acquisitions/${id}`) => ({ id, kind: "ios_backup", input: "/x", added: "2026-01-01T00:00:00.000Z", results, exit_code: 10 });

function caseWith(name: string, acquisitions: unknown[], copies: string[] = []): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "acquisitions"), { recursive: true });
  writeFileSync(join(dir, "case.json"), JSON.stringify({ vigil_case: 1, id: `id-${name}`, name, created: "2026-01-01T00:00:00.000Z", acquisitions }));
  for (const id of copies) cpSync(results, join(dir, "acquisitions", id), { recursive: true });
  return dir;
}

test("case.json with values of the wrong type, a results folder outside the case, an acquisition listed twice: one line naming case.json", () => {
  const outside = join(tmp, "elsewhere");
  cpSync(results, outside, { recursive: true });
  const cases: [unknown[], RegExp][] = [
    [[{ ...acq("01-a"), results: 5 }], /acquisitions\[0\]\.results: expected string, found 5/],
    [[null], /acquisitions\[0\]: expected Object, found null/],
    [[{ ...acq("01-a"), id: 1 }], /acquisitions\[0\]\.id: expected string/],
    [[acq("01-a", outside)], /acquisitions\[0\]\.results: expected a folder in acquisitions\//],
    [[acq("01-a", "acquisitions/../../elsewhere")], /expected a folder in acquisitions\//],
    [[acq("01-a", "acquisitions/..")], /expected a folder in acquisitions\//],
    [[acq("01-a"), acq("01-a")], /an acquisition listed twice/],
  ];
  for (const [i, [acquisitions, why]] of cases.entries()) {
    const dir = caseWith(`bad-${i}`, acquisitions, ["01-a"]);
    assert.throws(
      () => loadCase(dir),
      (e) => e instanceof VigilError && e.file === join(dir, "case.json") && why.test(e.message) && !e.oneLine().includes("\n"),
      String(why),
    );
  }
  // From the command line: exit 2 or 1 with one line, no stack.
  const dir = join(tmp, "bad-0");
  const r = spawnSync(process.execPath, [VIGIL_BIN, "case", "status", dir], { encoding: "utf8", timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /^vigil: error: .*case\.json: not a Vigil case file .*acquisitions\[0\]\.results: expected string, found 5\n$/);
});

test("an acquisition whose results folder is gone, or holds a link to nothing: the case is built and archived, the problem said", async () => {
  const dir = caseWith("gone", [acq("01-a"), acq("02-b")], ["02-b"]);
  symlinkSync(join(tmp, "nothing-there"), join(dir, "acquisitions", "02-b", "zzz.json"));
  const built = await buildCase(loadCase(dir), { report: true });
  assert.match(built.acquisitions[0].problem ?? "", /01-a: not a results folder/);
  assert.equal(built.acquisitions[1].problem, undefined);
  assert.equal(built.summary.incomplete, true);
  const provenance = JSON.parse(readFileSync(join(dir, "provenance.json"), "utf8")) as { acquisitions: { results: { file: string }[] }[] };
  assert.deepEqual(provenance.acquisitions[0].results, []);
  assert.ok(!provenance.acquisitions[1].results.some((f) => f.file === "zzz.json"));
  const store = new SqliteArchive(join(tmp, "gone.db"));
  try {
    await archiveCaseRow(store, loadCase(dir));
    const a = await archiveAcquisition(store, loadCase(dir), built.acquisitions[0]);
    assert.deepEqual(a, { sightings: 0, problems: [built.acquisitions[0].problem] });
    const b = await archiveAcquisition(store, loadCase(dir), built.acquisitions[1]);
    assert.ok(b.sightings > 0);
    assert.equal(b.problems.length, 1);
    assert.match(b.problems[0], /^zzz\.json: ENOENT/);
  } finally {
    await store.close();
  }
});

test("a FIFO named like a module file in an acquisition's results: the case report says it is not a regular file instead of waiting for ever", () => {
  const dir = caseWith("fifo", [acq("01-a")], ["01-a"]);
  execFileSync("mkfifo", [join(dir, "acquisitions", "01-a", "sms.json")]);
  // Opening a FIFO blocks until something writes to it; a run still blocked after a minute is killed (status null).
  const r = spawnSync(process.execPath, [VIGIL_BIN, "case", "report", dir, "--no-archive", "--json"], { encoding: "utf8", timeout: 60_000 });
  assert.notEqual(r.status, null, "not killed");
  assert.equal(r.status, 10, r.stderr);
  const summary = JSON.parse(r.stdout) as { incomplete: boolean };
  assert.equal(summary.incomplete, true);
  assert.match(readFileSync(join(dir, "report.html"), "utf8"), /sms\.json: not a regular file/);
});

test("an acquisition whose summary.json is missing or says less than its alerts.json: the case verdict follows its detections", async () => {
  for (const variant of ["missing", "says clean"]) {
    const dir = caseWith(`summary-${variant.replace(" ", "-")}`, [acq("01-a")], ["01-a"]);
    const summary = join(dir, "acquisitions", "01-a", "summary.json");
    if (variant === "missing") rmSync(summary);
    else writeFileSync(summary, JSON.stringify({ ...JSON.parse(readFileSync(summary, "utf8")), verdict: "no_known_traces" }));
    const built = await buildCase(loadCase(dir), { report: false });
    // The fixture's planted domain: an indicator match of medium grade.
    assert.deepEqual(built.summary.detections, { strong: 0, medium: 1, weak: 0 });
    assert.equal(built.summary.verdict, "traces_found", variant);
  }
});

test("an acquisition's results folder whose name is too long for the file system, or a link looping on itself: the acquisition's problem, not a raw ENAMETOOLONG or ELOOP", async () => {
  const long = `01-${"x".repeat(300)}`;
  const dir = caseWith("unreachable", [acq(long), acq("02-loop"), acq("03-b")], ["03-b"]);
  symlinkSync("02-loop", join(dir, "acquisitions", "02-loop"));
  const built = await buildCase(loadCase(dir), { report: true });
  assert.match(built.acquisitions[0].problem ?? "", /not a results folder/);
  assert.match(built.acquisitions[1].problem ?? "", /02-loop: not a results folder/);
  assert.equal(built.acquisitions[2].problem, undefined);
  assert.equal(built.summary.incomplete, true);
  assert.match(readFileSync(join(dir, "report.html"), "utf8"), /02-loop: not a results folder/);
});
