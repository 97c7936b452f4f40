// bin/vigil.js runs checks in a child node started with --single-threaded-gc: the check must see
// the flag (info.json records it), exit codes and signals must reach the caller unchanged, and
// VIGIL_DEFAULT_GC=1 keeps node's default collector in the same process. The child also gets
// fixed glibc malloc thresholds, recorded in info.json, and no NODE_EXTRA_CA_CERTS.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import type { RuntimeInfo } from "../../../src/core/model.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-launcher-"));
let backup: string;

before(async () => {
  backup = (await buildSyntheticBackup(join(tmp, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
});

function runtimeOf(out: string): RuntimeInfo {
  return (JSON.parse(readFileSync(join(out, "info.json"), "utf8")) as { runtime: RuntimeInfo }).runtime;
}

/** This process's environment without allocator settings, plus `extra`. */
function envWithout(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(MALLOC_|GLIBC_TUNABLES$)/.test(k)) delete env[k];
  return { ...env, ...extra };
}

test("a check runs with the single-threaded collector and its exit code reaches the caller", () => {
  const out = join(tmp, "out-flag");
  const r = spawnSync(process.execPath, [BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"], { encoding: "utf8", env: envWithout({ VIGIL_DEFAULT_GC: "" }) });
  assert.equal(r.status, 10, r.stderr);
  const runtime = runtimeOf(out);
  assert.deepEqual(runtime.nodeFlags, ["--single-threaded-gc"]);
  assert.equal(runtime.node, process.version);
  // glibc's thresholds are fixed in the child, and info.json says so.
  assert.deepEqual(runtime.mallocEnv, { MALLOC_MMAP_THRESHOLD_: "1048576", MALLOC_TRIM_THRESHOLD_: "4194304" });
});

test("the caller's own allocator settings win over the launcher's", () => {
  const out = join(tmp, "out-malloc");
  const env = envWithout({ VIGIL_DEFAULT_GC: "", MALLOC_MMAP_THRESHOLD_: "4194304" });
  const r = spawnSync(process.execPath, [BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"], { encoding: "utf8", env });
  assert.equal(r.status, 10, r.stderr);
  assert.deepEqual(runtimeOf(out).mallocEnv, { MALLOC_MMAP_THRESHOLD_: "4194304", MALLOC_TRIM_THRESHOLD_: "4194304" });
});

test("the child is not given NODE_EXTRA_CA_CERTS (a check makes no network connection)", () => {
  // Node warns at start when the file cannot be loaded: the launcher does, the child must not.
  const out = join(tmp, "out-certs");
  const env = envWithout({ VIGIL_DEFAULT_GC: "", NODE_EXTRA_CA_CERTS: join(tmp, "no-such-certs.pem") });
  const r = spawnSync(process.execPath, [BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"], { encoding: "utf8", env });
  assert.equal(r.status, 10, r.stderr);
  assert.equal(r.stderr.match(/Ignoring extra certs/g)?.length, 1, r.stderr);
});

test("VIGIL_DEFAULT_GC=1 runs the check in the same process with node's default collector", () => {
  const out = join(tmp, "out-default");
  const r = spawnSync(process.execPath, [BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"], { encoding: "utf8", env: envWithout({ VIGIL_DEFAULT_GC: "1" }) });
  assert.equal(r.status, 10, r.stderr);
  assert.deepEqual(runtimeOf(out).nodeFlags, []);
  assert.equal(runtimeOf(out).mallocEnv, undefined);
});

test("usage errors and commands other than checks keep their exit codes", () => {
  const usage = spawnSync(process.execPath, [BIN, "check-backup"], { encoding: "utf8" });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /missing required argument 'path'/);
  const missing = spawnSync(process.execPath, [BIN, "check-backup", join(tmp, "nothing-here")], { encoding: "utf8" });
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trim().split("\n").length, 1, missing.stderr);
  const version = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
  assert.equal(version.status, 0);
});

test("a signal sent to the launcher stops the check, and the launcher ends by the same signal", { skip: process.platform !== "linux" && "needs /proc and pgrep" }, async () => {
  // Indicators read from a FIFO nobody writes to: the check waits there until it is stopped.
  const fifo = join(tmp, "iocs.fifo");
  execFileSync("mkfifo", [fifo]);
  const launcher = spawn(process.execPath, [BIN, "check-backup", backup, "--iocs", fifo, "--output", join(tmp, "out-signal"), "--quiet"], { stdio: "ignore" });
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((res) => launcher.on("exit", (c, s) => res([c, s])));
  let child = "";
  try {
    for (let i = 0; i < 200 && !child; i++) {
      await new Promise((r) => setTimeout(r, 50));
      child = spawnSync("pgrep", ["-P", String(launcher.pid)], { encoding: "utf8" }).stdout.trim();
    }
    assert.ok(child, "the launcher started no child");
    assert.match(readFileSync(`/proc/${child}/cmdline`, "utf8"), /--single-threaded-gc/);
    launcher.kill("SIGHUP");
    const [code, signal] = await ended;
    assert.deepEqual([code, signal], [null, "SIGHUP"]);
    for (let i = 0; i < 40 && spawnSync("kill", ["-0", child]).status === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.notEqual(spawnSync("kill", ["-0", child]).status, 0, "the check is still running");
  } finally {
    // Whatever failed above, nothing is left waiting on the FIFO.
    if (child) spawnSync("kill", ["-KILL", child]);
    launcher.kill("SIGKILL");
  }
});
