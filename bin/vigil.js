#!/usr/bin/env node
// The `vigil` command. It runs the build in dist/ (npm run build: scripts/build.mjs) and writes
// nothing beside itself, so an installed copy may be read-only. In a git checkout (src/ beside
// dist/) it first rebuilds dist/ when src/ changed since the last build.
import { closeSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { redactArgs } from "../src/core/secret-args.mjs";

// Checks run with V8's garbage collector on the JavaScript threads only: its helper threads would
// take cores from the threads running modules (bench/NOTES.md). The flag can only be
// given when node starts, so a check started without it runs again in a child process that has
// it; this process only waits and passes on signals and the exit code. (--single-threaded
// implies the flag.) VIGIL_DEFAULT_GC=1 keeps node's default collector.
const GC_FLAG = "--single-threaded-gc";
// The child also gets fixed glibc malloc thresholds (unless the caller set them): blocks of 1 MB
// and more are mapped on their own, and free memory past 4 MB at the top of a heap is given back,
// instead of glibc raising its thresholds after the first big free and keeping what SQLite's
// result pages and file buffers used; this lowers a big check's peak memory (bench/NOTES.md).
// Other C libraries ignore the variables.
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(1 << 20), MALLOC_TRIM_THRESHOLD_: String(4 << 20) };
// A check makes no network connection, so the child is not given NODE_EXTRA_CA_CERTS, which
// node 20 reads and parses as it starts whether or not they are used.
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
if (!hasFlag && !process.env.VIGIL_DEFAULT_GC && args.some((a) => a === "demo" || a === "check" || a.startsWith("check-"))) {
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

const ROOT = join(import.meta.dirname, "..");
if (existsSync(join(ROOT, "src", "cli", "main.ts"))) {
  const { isBuilt, build } = await import("../scripts/build.mjs");
  if (!isBuilt()) {
    console.error("vigil: dist/ is missing or older than src/; building it (npm run build)");
    try {
      await build();
    } catch (e) {
      console.error(`vigil: cannot build dist/: ${String(e?.message ?? e).split("\n")[0]}; run npm ci, or npm run build`);
      process.exit(1);
    }
  }
}
const main = join(ROOT, "dist", "main.js");
if (!existsSync(main)) {
  console.error(`vigil: ${main} is missing: this copy of Vigil was never built (npm run build)`);
  process.exit(1);
}
await import(pathToFileURL(main).href);
