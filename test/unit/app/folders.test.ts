// The app's results folder: folder names every system accepts, one folder per check, earlier
// checks and cases listed from what their folders hold.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { test } from "node:test";
import { checkFolder, earlierChecks, folderName, listCases, newCase, CASES_DIR } from "../../../src/app/folders.ts";
import { testDir } from "../../helpers/archive-builder.ts";

test("folder names: separators and characters Windows refuses replaced, reserved names avoided, accents kept", () => {
  assert.equal(folderName("Zoë / dossier 12"), "Zoë - dossier 12");
  assert.equal(folderName('a<b>c:d"e\\f|g?h*i'), "a-b-c-d-e-f-g-h-i");
  assert.equal(folderName("trailing dots..."), "trailing dots");
  assert.equal(folderName("CON"), "case");
  assert.equal(folderName("lpt1.txt"), "case");
  assert.equal(folderName("   "), "case");
  assert.equal(folderName("e\u0301"), "é", "one form of accented letters (NFC)");
  assert.equal(folderName("x".repeat(200)).length, 80);
});

test("one folder per check, named after the kind and the time, never an existing one", () => {
  const root = testDir("vigil-app-folders");
  const now = new Date("2026-12-07T17:05:09.123Z");
  const first = checkFolder(root, "ios_backup", now);
  assert.equal(first, join(root, "ios_backup-2026-12-07T170509"));
  mkdirSync(first);
  assert.equal(checkFolder(root, "ios_backup", now), `${first}-2`);
});

test("earlier checks: folders with a verdict, newest first; cases: listed from case.json, damaged ones left out", () => {
  const root = testDir("vigil-app-earlier");
  const check = (name: string, started: string, verdict?: string) => {
    mkdirSync(join(root, name));
    if (verdict) writeFileSync(join(root, name, "summary.json"), JSON.stringify({ verdict }));
    writeFileSync(join(root, name, "info.json"), JSON.stringify({ started, acquisition: { kind: "ios_backup", path: `/in/${name}` } }));
  };
  check("a", "2026-01-01T00:00:00Z", "no_known_traces");
  check("b", "2026-02-01T00:00:00Z", "traces_found");
  check("unfinished", "2026-03-01T00:00:00Z");
  const found = earlierChecks(root);
  assert.deepEqual(found.map((c) => [c.input, c.summary.verdict]), [["/in/b", "traces_found"], ["/in/a", "no_known_traces"]]);

  const made = newCase(root, "Zoë: dossier 12");
  assert.equal(made.dir, join(root, CASES_DIR, "Zoë- dossier 12"));
  const twin = newCase(root, "Zoë: dossier 12");
  assert.equal(twin.dir, `${made.dir}-2`);
  mkdirSync(join(root, CASES_DIR, "broken"));
  writeFileSync(join(root, CASES_DIR, "broken", "case.json"), "{");
  assert.deepEqual(listCases(root).map((c) => c.name).sort(), ["Zoë: dossier 12", "Zoë: dossier 12"]);
  assert.equal(earlierChecks(root).length, 2, "the cases folder is not a check");
});

test("earlier checks copied in from elsewhere: info.json values that are not text are left out (the listing is sorted on text), a FIFO summary.json is passed over", () => {
  const root = mkdtempSync(join(tmpdir(), "vigil-app-odd-"));
  try {
    for (const [n, started] of [["a", "2026-01-01T00:00:00.000Z"], ["b", 5], ["c", "2025-01-01T00:00:00.000Z"], ["d", { toString: 1 }]] as const) {
      mkdirSync(join(root, n));
      writeFileSync(join(root, n, "summary.json"), JSON.stringify({ verdict: "no_known_traces" }));
      writeFileSync(join(root, n, "info.json"), JSON.stringify({ started, acquisition: { kind: 1, path: {} }, device: { name: [] } }));
    }
    const checks = earlierChecks(root);
    assert.deepEqual(checks.map((c) => [basename(c.dir), c.started, c.kind, c.input, c.device]), [
      ["a", "2026-01-01T00:00:00.000Z", undefined, undefined, undefined],
      ["c", "2025-01-01T00:00:00.000Z", undefined, undefined, undefined],
      ["b", undefined, undefined, undefined, undefined],
      ["d", undefined, undefined, undefined, undefined],
    ]);
    // Reading a FIFO blocks until something writes to it: listed in a child, killed (status null) if still blocked after a minute.
    mkdirSync(join(root, "e"));
    execFileSync("mkfifo", [join(root, "e", "summary.json")]);
    const code = `import { earlierChecks } from ${JSON.stringify(resolve(import.meta.dirname, "../../../src/app/folders.ts"))}; console.log(earlierChecks(${JSON.stringify(root)}).length);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "4\n");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
