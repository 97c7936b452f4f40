// One check at a time per results folder: the second is refused (exit 2) while the first runs;
// a lock left by a process that is gone is taken over.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { LOCK_FILE, lockFolder, lockHolder } from "../../../src/core/output-lock.ts";
import { runVigil } from "../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-output-lock-"));

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

test("a held lock refuses a second holder, naming the pid; released, it can be taken again", () => {
  const dir = join(tmp, "held");
  mkdirSync(dir);
  const lock = lockFolder(dir);
  assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), `${process.pid}\n`);
  assert.equal(lockHolder(dir), process.pid);
  assert.throws(
    () => lockFolder(dir),
    (e: unknown) => e instanceof VigilError && e.code === "usage" && e.oneLine() === `${dir}: results folder is being written by another Vigil check (pid ${process.pid}); choose another --output`,
  );
  lock.release();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  lockFolder(dir).release();
});

test("a lock whose process is gone is stale and taken over", () => {
  const dir = join(tmp, "stale");
  mkdirSync(dir);
  writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
  assert.equal(lockHolder(dir), undefined);
  const lock = lockFolder(dir);
  assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), `${process.pid}\n`);
  lock.release();
});

test("two checks at once into one --output: one writes its results, the other exits 2", async () => {
  const backup = (await buildSyntheticBackup(join(tmp, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
  const out = join(tmp, "shared-out");
  const args = ["check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--no-report", "--jobs", "1"];
  const runs = await Promise.all([runVigil(args), runVigil(args)]);
  const codes = runs.map((r) => r.status).sort((a, b) => (a ?? 0) - (b ?? 0));
  assert.deepEqual(codes, [2, 10], runs.map((r) => r.stderr).join("\n"));
  const refused = runs.find((r) => r.status === 2)!;
  assert.match(refused.stderr, /^vigil: error: .*shared-out: results folder (is being written by another Vigil check \(pid \d+\)|already holds a previous run); choose another --output\n$/);
  // The results are one run's: its summary, no lock left.
  assert.equal(existsSync(join(out, LOCK_FILE)), false);
  assert.equal((JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { exitCode: number }).exitCode, 10);
});

test("vigil refuses a results folder whose lock a live process holds (exit 2, nothing written), and takes over a stale one", async () => {
  const backup = join(tmp, "not-opened");
  mkdirSync(backup);
  const busy = join(tmp, "busy");
  mkdirSync(busy);
  writeFileSync(join(busy, LOCK_FILE), `${process.pid}\n`);
  const r = await runVigil(["check-backup", backup, "--iocs", IOCS, "--output", busy, "--quiet"]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, `vigil: error: ${busy}: results folder is being written by another Vigil check (pid ${process.pid}); choose another --output\n`);
  assert.deepEqual(readdirSync(busy), [LOCK_FILE]);
});
