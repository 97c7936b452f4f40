// bin/vigil.js runs dist/. In a checkout it first builds dist/ when it is missing or older than
// src/, so it never runs stale code, and says how to build when it cannot; an installed copy
// (no src/) without dist/ says it was never built. Run on copies of the launcher and the build
// script in made-up checkouts, whose main.ts prints what it was built from.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const REPO = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "vigil-bin-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function checkout(name: string, { withSources = true, withPackages = true } = {}): string {
  const root = join(tmp, name);
  // The launcher and what it imports before dist/ (the secret options' list, shipped in the package too).
  for (const f of ["bin/vigil.js", "scripts/build.mjs", "src/core/secret-args.mjs"]) cpSync(join(REPO, f), join(root, f));
  writeFileSync(join(root, "package.json"), '{ "name": "fake", "version": "0.0.1", "type": "module" }\n');
  if (withSources) {
    mkdirSync(join(root, "src", "parallel"), { recursive: true });
    writeFileSync(join(root, "src", "parallel", "worker.ts"), "export {};\n");
    says(root, "first");
  }
  if (withPackages) symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  return root;
}

function says(root: string, what: string): void {
  mkdirSync(join(root, "src", "cli"), { recursive: true });
  writeFileSync(join(root, "src", "cli", "main.ts"), `const what: string = ${JSON.stringify(what)};\nconsole.log(what);\n`);
}

const run = (root: string) => spawnSync(process.execPath, [join(root, "bin", "vigil.js"), "--version"], { cwd: tmp, encoding: "utf8" });

test("in a checkout, a missing or stale dist/ is built before it runs", () => {
  const root = checkout("fresh");
  const first = run(root);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, "first\n");
  assert.match(first.stderr, /building it \(npm run build\)/);
  const again = run(root);
  assert.equal(again.stdout, "first\n");
  assert.equal(again.stderr, "", "built already: nothing to say");
  says(root, "second");
  const changed = run(root);
  assert.equal(changed.stdout, "second\n", changed.stderr);
});

test("in a checkout without esbuild, a stale dist/ is refused with how to build it", () => {
  const root = checkout("no-esbuild", { withPackages: false });
  const r = run(root);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /cannot build dist\/: .*esbuild.*; run npm ci, or npm run build\n$/);
  assert.equal(r.stderr.trim().split("\n").length, 2, r.stderr);
});

test("an installed copy without dist/ says it was never built", () => {
  const root = checkout("installed", { withSources: false, withPackages: false });
  const r = run(root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /dist\/main\.js is missing: this copy of Vigil was never built \(npm run build\)\n$/);
});
