// scripts/bundle.mjs builds Vigil's own sources whatever folder vigil is started from.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";

const BUNDLER = resolve(import.meta.dirname, "../../../scripts/bundle.mjs");

test("the bundle is built from the repository's sources when the current folder is elsewhere", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-bundle-"));
  // A folder with sources of the same names that are not Vigil's: they must not be bundled.
  const decoy = join(tmp, "elsewhere");
  for (const f of ["src/cli/main.ts", "src/parallel/worker.ts"]) {
    mkdirSync(join(decoy, f, ".."), { recursive: true });
    writeFileSync(join(decoy, f), 'console.log("DECOY");\n');
  }
  // A fresh node started in that folder, as a user running vigil from anywhere.
  const script = `const { ensureBundle } = await import(${JSON.stringify(pathToFileURL(BUNDLER).href)}); console.log(await ensureBundle(${JSON.stringify(join(tmp, "dist"))}));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: decoy, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const dir = r.stdout.trim();
  assert.ok(existsSync(join(dir, "main.js")), r.stdout);
  const main = readFileSync(join(dir, "main.js"), "utf8");
  assert.doesNotMatch(main, /DECOY/);
  assert.match(main, /check-backup/);
});
