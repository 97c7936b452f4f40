// scripts/build.mjs: dist/ is built from the checkout's own sources wherever it is started from,
// build.json tells whether the sources changed since, and --clean leaves only the build's files.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { build, isBuilt } from "../../../scripts/build.mjs";

const BUILDER = resolve(import.meta.dirname, "../../../scripts/build.mjs");
const tmp = mkdtempSync(join(tmpdir(), "vigil-build-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A checkout of a made-up program with the two entry points Vigil builds. */
function fakeCheckout(name: string, says: string): string {
  const root = join(tmp, name);
  mkdirSync(join(root, "src", "cli"), { recursive: true });
  mkdirSync(join(root, "src", "parallel"), { recursive: true });
  writeFileSync(join(root, "package.json"), '{ "name": "fake", "version": "1.2.3", "type": "module" }\n');
  writeFileSync(join(root, "src", "cli", "main.ts"), `console.log(${JSON.stringify(says)});\n`);
  writeFileSync(join(root, "src", "parallel", "worker.ts"), "export {};\n");
  return root;
}

test("dist/ is built from the checkout's sources when the current folder is elsewhere", () => {
  // A folder with sources of the same names that are not Vigil's: they must not be built.
  const decoy = fakeCheckout("decoy", "DECOY");
  const dist = join(tmp, "dist-real");
  const script = `const { build } = await import(${JSON.stringify(pathToFileURL(BUILDER).href)}); await build({ dist: ${JSON.stringify(dist)} });`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: decoy, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const main = readFileSync(join(dist, "main.js"), "utf8");
  assert.doesNotMatch(main, /DECOY/);
  assert.match(main, /check-backup/);
  assert.ok(existsSync(join(dist, "worker.js")));
});

test("build.json: the build is current until a source changes; the same sources give the same id", async () => {
  const root = fakeCheckout("stamp", "one");
  const dist = join(root, "dist");
  assert.equal(isBuilt(root, dist), false, "never built");
  await build({ root, dist });
  assert.equal(isBuilt(root, dist), true);
  const first = JSON.parse(readFileSync(join(dist, "build.json"), "utf8"));
  assert.equal(first.version, "1.2.3");
  assert.match(first.id, /^[0-9a-f]{16}$/);
  utimesSync(join(root, "src", "cli", "main.ts"), new Date(), new Date(Date.now() + 5000));
  assert.equal(isBuilt(root, dist), false, "a source touched since");
  await build({ root, dist });
  assert.equal(isBuilt(root, dist), true);
  assert.equal(JSON.parse(readFileSync(join(dist, "build.json"), "utf8")).id, first.id, "same code, same id");
  writeFileSync(join(root, "src", "parallel", "new.ts"), "export const x = 1;\n");
  assert.equal(isBuilt(root, dist), false, "a source added since");
});

test("files of an earlier build stay a day unless the build is clean", async () => {
  const root = fakeCheckout("clean", "two");
  const dist = join(root, "dist");
  await build({ root, dist });
  const built = readdirSync(dist).sort();
  writeFileSync(join(dist, "chunk-OLD.js"), "");
  const old = join(dist, "chunk-OLDER.js");
  writeFileSync(old, "");
  utimesSync(old, new Date(), new Date(Date.now() - 2 * 24 * 3600 * 1000));
  await build({ root, dist });
  assert.deepEqual(readdirSync(dist).sort(), [...built, "chunk-OLD.js"].sort());
  await build({ root, dist, clean: true });
  assert.deepEqual(readdirSync(dist).sort(), built);
});
