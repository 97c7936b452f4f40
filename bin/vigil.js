#!/usr/bin/env node
// Vigil ships as TypeScript and needs no build step: the sources are bundled on first run (and
// again after any change) into dist/, see scripts/bundle.mjs. Where that cannot be done, the
// sources run through tsx. VIGIL_NO_BUNDLE=1 forces the tsx path.
import { closeSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { redactArgs } from "../src/core/secret-args.mjs";

// Checks run with V8's garbage collector on the JavaScript threads only. By default V8 also
// collects on helper threads; with two threads running modules on two cores, those helpers take
// cores from the modules, and every collection waits for them (measured on the bench backup:
// about 1.2 s less CPU and 0.3-0.9 s less wall time per check; see the README's "Commands").
// The flag can only be given when node starts, so a check started without it runs again in a
// child process that has it; this process only waits and passes on signals and the exit code.
// (--single-threaded implies the flag.) VIGIL_DEFAULT_GC=1 keeps node's default collector.
const GC_FLAG = "--single-threaded-gc";
// The child also gets fixed glibc malloc thresholds (unless the caller set them): blocks of 1 MB
// and more are mapped and unmapped on their own, instead of glibc raising its threshold after the
// first big free and serving later big blocks (SQLite's result pages, file buffers) from heaps
// that it cannot give back; and the free top of a heap is given back past 4 MB (fixing the first
// threshold alone would fix this one at 128 kB: 2.5 times the system calls; 4 MB makes no more
// calls than glibc's default). Measured on the bench backup at 2x: 330 MB instead of 367 MB of
// peak (mean of 4 alternating runs) with a trim threshold of 32 MB, and 15 MB less with 4 MB;
// at 1x, 289 instead of 312 MB; the time did not change. Other C libraries ignore the variables.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(1 << 20), MALLOC_TRIM_THRESHOLD_: String(4 << 20) };
// A check makes no network connection, so the child is not given NODE_EXTRA_CA_CERTS: node 20
// reads and parses those certificates as it starts, whether or not they are used (85 ms of
// every start on a machine that sets it to the system's 140 certificates).
const UNUSED_IN_CHILD = ["NODE_EXTRA_CA_CERTS"];
// A password given as an option (--password, --passphrase, --backup-password) is on this
// process's command line, which every user of the machine can read (ps, /proc/PID/cmdline).
// The title is rewritten at once with "***" in its place (the kernel shows the rewritten
// argument area), and the child below is started with the same "***" line and receives the
// real arguments over a pipe (fd 3), never on its command line or in its environment.
const ARGS_FD = "VIGIL_ARGS_FD";
let args = process.argv.slice(2);
if (process.env[ARGS_FD]) {
  const fd = Number(process.env[ARGS_FD]);
  delete process.env[ARGS_FD];
  args = JSON.parse(readFileSync(fd, "utf8"));
  closeSync(fd);
  process.argv = [...process.argv.slice(0, 2), ...args];
}
const shown = redactArgs(args);
const secret = shown.some((a, i) => a !== args[i]);
if (secret) process.title = [process.argv0, ...process.execArgv, process.argv[1], ...shown].join(" ");
const hasFlag = process.execArgv.some((a) => a === GC_FLAG || a === "--single-threaded");
if (!hasFlag && !process.env.VIGIL_DEFAULT_GC && args.some((a) => a === "demo" || a.startsWith("check-"))) {
  const { spawn } = await import("node:child_process");
  const env = { ...MALLOC_ENV, ...process.env };
  for (const k of UNUSED_IN_CHILD) delete env[k];
  if (secret) env[ARGS_FD] = "3";
  const child = spawn(process.execPath, [...process.execArgv, GC_FLAG, process.argv[1], ...shown], { stdio: secret ? ["inherit", "inherit", "inherit", "pipe"] : "inherit", env });
  if (secret) {
    child.stdio[3].on("error", () => {}); // the child ended before reading: its exit code says why
    child.stdio[3].end(JSON.stringify(args));
  }
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  // Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  const pass = (signal) => child.kill(signal);
  for (const s of signals) process.on(s, pass);
  const [code, signal] = await new Promise((resolve) => {
    child.on("exit", (c, s) => resolve([c, s]));
    child.on("error", (e) => {
      console.error(`vigil: cannot start ${process.execPath}: ${e.message}`);
      resolve([1, null]);
    });
  });
  for (const s of signals) process.off(s, pass);
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}

let bundle;
if (!process.env.VIGIL_NO_BUNDLE) {
  try {
    bundle = await (await import("../scripts/bundle.mjs")).ensureBundle();
  } catch {
    bundle = undefined;
  }
}
if (bundle) {
  await import(pathToFileURL(join(bundle, "main.js")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
