// The results folder is never inside the evidence, also when a symlink on the way leads there;
// a check that stops before it is complete (an error, a signal) leaves none of its files there;
// two checks started in the same second each get their own default folder.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { mock, test } from "node:test";
import { memoryView } from "../../../src/acquisitions/memory.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { checkOutputDir, claimOutputDir, defaultOutputDir, makeOutputDir } from "../../../src/pipeline/output-dir.ts";
import { LOCK_FILE } from "../../../src/core/output-lock.ts";
import { hashTree, runVigil, VIGIL_BIN } from "../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");

const tmp = mkdtempSync(join(tmpdir(), "vigil-output-dir-"));
const evidence = join(tmp, "backup");
mkdirSync(evidence);
writeFileSync(join(evidence, "Manifest.db"), "not read: the check stops before opening");
const elsewhere = join(tmp, "elsewhere");
mkdirSync(elsewhere);
symlinkSync(evidence, join(elsewhere, "link"));

test("an output folder reached through a symlink into the evidence is refused before it exists", () => {
  const out = join(elsewhere, "link", "results", "deeper");
  assert.throws(
    () => checkOutputDir(out, [evidence]),
    (e: unknown) => e instanceof VigilError && e.code === "usage" && /inside the evidence/.test(e.message) && e.file === out,
  );
  // The evidence reached through a link as input, and the folder as output, are the same.
  assert.throws(() => checkOutputDir(join(evidence, "results"), [join(elsewhere, "link")]), VigilError);
  // Beside the evidence is fine.
  checkOutputDir(join(elsewhere, "results"), [evidence]);
});

test("vigil check-backup --output through a symlink into the backup: exit 2, nothing written", async () => {
  const before = hashTree(evidence);
  const r = await runVigil(["check-backup", evidence, "--output", join(elsewhere, "link", "results"), "--quiet"]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^vigil: error: .*link\/results: the results folder must not be inside the evidence\n$/);
  assert.equal(existsSync(join(evidence, "results")), false);
  assert.deepEqual(hashTree(evidence), before);
});

test("a discarded claim removes what the check wrote and the folders it made, never what was there before", () => {
  const parent = join(tmp, "claims");
  mkdirSync(parent);
  const fresh = join(parent, "new", "results");
  const claim = claimOutputDir(fresh, "info.json");
  writeFileSync(join(fresh, "sms.json"), "[]\n");
  writeFileSync(join(fresh, "timeline.csv.partial"), "cut short");
  claim.discard();
  assert.equal(existsSync(join(parent, "new")), false);

  const existing = join(parent, "mine");
  mkdirSync(existing);
  writeFileSync(join(existing, "notes.txt"), "the user's own file");
  const again = claimOutputDir(existing, "info.json");
  writeFileSync(join(existing, "sms.json"), "[]\n");
  again.discard();
  assert.deepEqual(readdirSync(existing), ["notes.txt"]);

  const kept = claimOutputDir(existing, "info.json");
  writeFileSync(join(existing, "info.json"), "{}\n");
  kept.keep();
  assert.deepEqual(readdirSync(existing).sort(), ["info.json", "notes.txt"]);
  // A finished run is found again once the folder is locked.
  assert.throws(() => claimOutputDir(existing, "info.json"), /already holds a previous run/);
});

test("Ctrl-C through the launcher: the check stops, says so, and leaves no partial results", async () => {
  const backup = (await buildSyntheticBackup(join(tmp, "big"), { sms: 40000, smsLinkShare: 0.3, safariVisits: 20000, processes: 50, whatsapp: 5000, manifestFiles: 50 }, { planted: DEMO_PLANTED })).dir;
  const before = hashTree(backup);
  const out = join(tmp, "interrupted");
  const launcher = spawn(process.execPath, [VIGIL_BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--jobs", "1"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  launcher.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((res) => launcher.on("close", (c, s) => res([c, s])));
  try {
    // Once the results folder is claimed, the check is writing there.
    for (let i = 0; i < 1000 && !existsSync(join(out, LOCK_FILE)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(join(out, LOCK_FILE)), `the check never claimed its results folder: ${stderr}`);
    launcher.kill("SIGINT");
    assert.deepEqual(await ended, [null, "SIGINT"]);
  } finally {
    launcher.kill("SIGKILL");
  }
  assert.match(stderr, /\nvigil: interrupted \(SIGINT\)\n/);
  assert.ok(stderr.includes(`vigil: the unfinished results were removed from ${out}\n`), stderr);
  assert.equal(existsSync(out), false);
  assert.deepEqual(hashTree(backup), before);
});

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
  assert.equal(makeOutputDir(base, { unique: true }).dir, base);
  assert.equal(makeOutputDir(base, { unique: true }).dir, `${base}-2`);
  assert.equal(makeOutputDir(base, { unique: true }).dir, `${base}-3`);
  assert.equal(makeOutputDir(base).dir, base);
  // A claim of a default folder takes a fresh one beside a finished run, and a discard removes only it.
  writeFileSync(join(base, "info.json"), "{}\n");
  checkOutputDir(base, [], { unique: true });
  const claim = claimOutputDir(base, "info.json", { unique: true });
  assert.equal(claim.dir, `${base}-4`);
  claim.discard();
  assert.equal(existsSync(`${base}-4`), false);
  assert.ok(existsSync(join(base, "info.json")));
  assert.match(defaultOutputDir("ios_backup", new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), /vigil-results\/ios_backup-2026-01-02T030405$/);
});
