// End to end through the `vigil` command: options that would otherwise give a misleading verdict
// are refused before any work (unknown --lang or --module, a missing --iocs path, an --iocs that
// loads nothing, a missing input), and check-iocs keeps an incomplete run incomplete.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { runVigil as vigil, type VigilRun as Run } from "../../helpers/evidence.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const tmp = mkdtempSync(join(tmpdir(), "vigil-e2e-options-"));
const SMALL = { sms: 5, smsLinkShare: 0.3, safariVisits: 5, processes: 5, whatsapp: 3, manifestFiles: 5 };


/** The only "vigil: error:" line, after asserting there is exactly one and no stack trace. */
function oneError(r: Run): string {
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("vigil: error:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return lines[0];
}

let backup: string;
let iocs: string;
let derivedKey: string | undefined;
const runs: Record<string, Run> = {};

before(async () => {
  backup = (await buildSyntheticBackup(join(tmp, "backup"), SMALL, { planted: DEMO_PLANTED })).dir;
  const enc = await buildSyntheticBackup(join(tmp, "enc"), SMALL, { encrypted: { password: "pw", dpic: 10, iter: 10 } });
  derivedKey = enc.derivedKeyHex;
  iocs = join(tmp, "domains.txt");
  writeFileSync(iocs, "planted-evil.example\n");
  writeFileSync(join(tmp, "not-indicators.txt"), "this is not an indicator file\n");

  // A Vigil results folder of a run that could not check safari_history, with one hit elsewhere.
  const results = join(tmp, "results");
  mkdirSync(results);
  writeFileSync(join(results, "info.json"), JSON.stringify({ tool: "vigil", version: "0.0.0" }));
  writeFileSync(
    join(results, "coverage.json"),
    JSON.stringify([
      { module: "sms", title: "SMS", status: "checked", records: 1 },
      { module: "safari_history", title: "Safari", status: "failed", reason: "History.db: corrupt SQLite database" },
    ]),
  );
  writeFileSync(join(results, "sms.json"), JSON.stringify([{ text: "hello", isodate: "2021-07-02T08:41:12.000Z" }]));
  const hit = join(tmp, "results-hit");
  mkdirSync(hit);
  writeFileSync(join(hit, "info.json"), JSON.stringify({ tool: "vigil", version: "0.0.0" }));
  writeFileSync(join(hit, "coverage.json"), JSON.stringify([{ module: "safari_history", title: "Safari", status: "checked", records: 1 }]));
  writeFileSync(join(hit, "safari_history.json"), JSON.stringify([{ url: "https://a.planted-evil.example/x", isodate: "2021-07-02T08:42:03.000Z" }]));

  // Independent runs: started together, so the file stays fast on a busy machine.
  const jobs: Record<string, string[]> = {
    lang: ["check-backup", backup, "--iocs", iocs, "--lang", "xx", "-o", join(tmp, "o-lang")],
    module: ["check-backup", backup, "--iocs", iocs, "--module", "nosuch", "-o", join(tmp, "o-module")],
    otherPlatform: ["check-backup", backup, "--iocs", iocs, "--module", "packages", "-o", join(tmp, "o-other")],
    iocsMissing: ["check-backup", backup, "--iocs", join(tmp, "nope.stix2"), "-o", join(tmp, "o-iocs-missing")],
    iocsEmpty: ["check-backup", backup, "--iocs", join(tmp, "not-indicators.txt"), "-o", join(tmp, "o-iocs-empty")],
    missing: ["check-backup", join(tmp, "no-such-backup"), "--iocs", iocs, "-o", join(tmp, "o-missing")],
    recheck: ["check-iocs", results, "--iocs", iocs, "-o", join(tmp, "o-recheck"), "--json"],
    outUnderFile: ["check-backup", backup, "--iocs", iocs, "-o", join(iocs, "results")],
    ...(existsSync("/proc/self") ? { outUnderProc: ["check-backup", backup, "--iocs", iocs, "-o", "/proc/vigil-e2e-results"] } : {}),
    keyFile: ["extract-key", enc.dir, "--password", "pw", "--key-file", join(tmp, "key.txt")],
    recheckHit: ["check-iocs", hit, "--iocs", iocs, "-o", join(tmp, "o-recheck-hit"), "--json"],
  };
  const done = await Promise.all(Object.entries(jobs).map(async ([k, a]) => [k, await vigil(a)] as const));
  for (const [k, r] of done) runs[k] = r;
});

test("--lang with no catalog: usage error before any work, no results folder", () => {
  assert.equal(runs.lang.status, 2, runs.lang.stderr);
  assert.match(oneError(runs.lang), /no catalog for language "xx"/);
  assert.equal(existsSync(join(tmp, "o-lang")), false);
});

test("--module that does not exist, or that no module of this platform has: usage error", () => {
  assert.equal(runs.module.status, 2, runs.module.stderr);
  assert.match(oneError(runs.module), /unknown module "nosuch"/);
  assert.equal(runs.otherPlatform.status, 2, runs.otherPlatform.stderr);
  assert.match(oneError(runs.otherPlatform), /--module packages: no such module for an ios acquisition/);
  assert.equal(existsSync(join(tmp, "o-module")), false);
  assert.equal(existsSync(join(tmp, "o-other")), false);
});

test("--iocs path that does not exist: usage error naming it", () => {
  assert.equal(runs.iocsMissing.status, 2, runs.iocsMissing.stderr);
  assert.match(oneError(runs.iocsMissing), /nope\.stix2: --iocs: no such file or folder/);
});

test("--iocs that loads no indicator: error exit 1, not a clean verdict", () => {
  assert.equal(runs.iocsEmpty.status, 1, runs.iocsEmpty.stderr);
  assert.match(oneError(runs.iocsEmpty), /not-indicators\.txt: no indicators could be loaded/);
  assert.equal(existsSync(join(tmp, "o-iocs-empty", "summary.json")), false);
});

test("missing input path: one line naming it", () => {
  assert.ok(runs.missing.status === 1 || runs.missing.status === 2, runs.missing.stderr);
  assert.match(oneError(runs.missing), /no-such-backup: no such file or folder/);
});

test("check-iocs on an incomplete run stays incomplete (exit 20) and still finds hits (exit 10)", () => {
  assert.equal(runs.recheck.status, 20, runs.recheck.stderr);
  const s = JSON.parse(runs.recheck.stdout);
  assert.equal(s.incomplete, true);
  assert.ok(s.notChecked.some((n: { module: string; reason: string }) => n.module === "safari_history" && /original run: History\.db: corrupt/.test(n.reason)), runs.recheck.stdout);
  assert.equal(runs.recheckHit.status, 10, runs.recheckHit.stderr);
  assert.equal(JSON.parse(runs.recheckHit.stdout).incomplete, false);
});

test("extract-key accepts MVT's --key-file spelling for the output file", () => {
  assert.equal(runs.keyFile.status, 0, runs.keyFile.stderr);
  assert.equal(readFileSync(join(tmp, "key.txt"), "utf8"), derivedKey);
});

test("a results folder that cannot be created: one line and exit 2, never a hang", () => {
  assert.equal(runs.outUnderFile.status, 2, runs.outUnderFile.stderr);
  assert.match(oneError(runs.outUnderFile), /domains\.txt: not a folder/);
  if (runs.outUnderProc) {
    // Node's recursive mkdir spins forever under /proc; the folder is made one level at a time.
    assert.equal(runs.outUnderProc.status, 2, runs.outUnderProc.stderr);
    assert.match(oneError(runs.outUnderProc), /vigil-e2e-results: cannot create the folder/);
  }
});

test("iocs import parses the new snapshot ahead, and the next check reads it from the parse cache", async () => {
  const home = join(tmp, "home-import");
  const src = join(tmp, "import-src");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "domains.txt"), "planted-evil.example\n");
  const imported = await vigil(["iocs", "import", src], { VIGIL_HOME: home });
  assert.equal(imported.status, 0, imported.stderr);
  const cacheDir = join(home, "parsed-iocs");
  const entries = () => (existsSync(cacheDir) ? readdirSync(cacheDir).map((f) => `${f}@${statSync(join(cacheDir, f)).mtimeMs}`) : []);
  const after = entries();
  assert.equal(after.length, 1, "one parsed entry, for the new snapshot");
  const checked = await vigil(["check-backup", backup, "--output", join(tmp, "out-import"), "--quiet"], { VIGIL_HOME: home });
  // The imported indicators name nothing in this backup, and its outdated iOS is exposure, not a detection.
  assert.equal(checked.status, 0, checked.stderr);
  assert.deepEqual(entries(), after, "the check used that entry: none added or rewritten");
});
