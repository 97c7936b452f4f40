// A case's own outputs are written as a check's results are: under a temporary name until
// complete (a full disk names the file and leaves nothing truncated), and a case command stopped
// by Ctrl-C leaves neither the acquisition it was adding, nor its lock, nor outputs that no
// longer describe the case.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { LOCK_FILE } from "../../../src/core/output-lock.ts";
import { runVigil, VIGIL_BIN } from "../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const FULL_DISK = resolve(import.meta.dirname, "../../helpers/full-disk.mjs");
const OUTPUTS = ["timeline.csv", "correlations.json", "summary.json", "provenance.json", "report.html"];
const tmp = mkdtempSync(join(tmpdir(), "vigil-case-outputs-"));
const env = { VIGIL_HOME: join(tmp, "home") };
let small: string;

before(async () => {
  small = (await buildSyntheticBackup(join(tmp, "small"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A case holding one checked acquisition of the small backup, its outputs built. */
async function caseWithOne(name: string): Promise<string> {
  const dir = join(tmp, name);
  assert.equal((await runVigil(["case", "init", dir, "--name", name], env)).status, 0);
  const r = await runVigil(["case", "add", dir, small, "--iocs", IOCS, "--no-archive", "--quiet", "--jobs", "1"], env);
  assert.equal(r.status, 10, r.stderr);
  for (const f of OUTPUTS) assert.ok(existsSync(join(dir, f)), f);
  return dir;
}

test("a full disk while the case's timeline is rebuilt: exit 1, one line naming it, nothing truncated left", async () => {
  const dir = await caseWithOne("full");
  const before = readFileSync(join(dir, "timeline.csv"));
  const r = await runVigil(["case", "report", dir, "--no-archive"], { ...env, VIGIL_TEST_FULL_DISK: "timeline.csv", VIGIL_TEST_FULL_DISK_AFTER: "200" }, ["--import", FULL_DISK]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `vigil: error: ${join(dir, "timeline.csv")}: cannot write: no space left on device (ENOSPC)\n`);
  // The timeline of the last complete build is still there, whole; no temporary file, no lock.
  assert.deepEqual(readFileSync(join(dir, "timeline.csv")), before);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".partial") || n === "case.lock"), []);
});

test("Ctrl-C during case add: the acquisition being added, the case lock and the outputs that no longer describe the case are gone", async () => {
  const dir = await caseWithOne("interrupted");
  const big = (await buildSyntheticBackup(join(tmp, "big"), { sms: 40000, smsLinkShare: 0.3, safariVisits: 20000, processes: 50, whatsapp: 5000, manifestFiles: 50 }, { planted: DEMO_PLANTED })).dir;
  // The second acquisition is recorded, then the third is stopped while it is checked.
  const child = spawn(process.execPath, [VIGIL_BIN, "case", "add", dir, small, big, "--iocs", IOCS, "--no-archive", "--jobs", "1"], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on("close", (c, s) => res([c, s])));
  const third = join(dir, "acquisitions", "03-ios_backup");
  try {
    for (let i = 0; i < 6000 && !existsSync(join(third, LOCK_FILE)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(join(third, LOCK_FILE)), `the third check never claimed its results folder: ${stderr}`);
    child.kill("SIGINT");
    assert.deepEqual(await ended, [null, "SIGINT"]);
  } finally {
    child.kill("SIGKILL");
  }
  assert.match(stderr, /\nvigil: interrupted \(SIGINT\)\n/);
  assert.ok(stderr.includes(`vigil: the case's outputs were not all rebuilt; the ones left from before were removed ("vigil case report ${dir}" rebuilds them)\n`), stderr);
  const info = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as { acquisitions: { id: string }[] };
  assert.deepEqual(info.acquisitions.map((a) => a.id), ["01-ios_backup", "02-ios_backup"]);
  assert.deepEqual(readdirSync(join(dir, "acquisitions")).sort(), ["01-ios_backup", "02-ios_backup"]);
  assert.deepEqual(readdirSync(dir).sort(), ["acquisitions", "case.json"]);
  // The case is usable again at once, and rebuilt from what it holds.
  const r = await runVigil(["case", "report", dir, "--no-archive", "--json"], env);
  assert.equal(r.status, 10, r.stderr);
  assert.equal(JSON.parse(r.stdout).acquisitions.length, 2);
});
