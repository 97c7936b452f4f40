#!/usr/bin/env node
// Runs Node's test runner over test files found under the given folders (Node 20's --test
// takes no globs), after building dist/ (scripts/build.mjs), which the tests that start the
// `vigil` command run. Usage: node scripts/run-tests.mjs test/unit [more folders or files]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "./build.mjs";

function collect(p, out) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) {
    if (p.endsWith(".test.ts")) out.push(p);
    return;
  }
  for (const name of readdirSync(p).sort()) collect(join(p, name), out);
}

const args = process.argv.slice(2);
const passthrough = args.filter((a) => a.startsWith("--"));
const roots = args.filter((a) => !a.startsWith("--"));
const files = [];
for (const r of roots.length ? roots : ["test/unit"]) collect(r, files);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(", ")}`);
  process.exit(1);
}
try {
  await build();
} catch (e) {
  console.error(`cannot build dist/: ${e.message}`);
  process.exit(1);
}
// Each test run gets a fresh folder, removed afterwards, that holds Vigil's home folder
// (indicator snapshots, parsed-indicator cache) and serves as the temp folder (TMPDIR) of the
// tests and of the Vigil processes they start: tests never read or write the user's home, never
// depend on what an earlier run left, and leave no fixtures behind in the system's temp folder.
const scratch = mkdtempSync(join(tmpdir(), "vigil-test-run-"));
const home = join(scratch, "home");
const temp = join(scratch, "tmp");
mkdirSync(home);
mkdirSync(temp);
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...passthrough, ...files], {
  stdio: "inherit",
  env: { ...process.env, VIGIL_HOME: home, TMPDIR: temp },
});
rmSync(scratch, { recursive: true, force: true });
process.exit(r.status ?? 1);
