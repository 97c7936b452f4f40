// The results folder is never inside the evidence, also when a symlink on the way leads there.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { checkOutputDir } from "../../../src/pipeline/output-dir.ts";
import { hashTree, runVigil } from "../../helpers/evidence.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-output-dir-"));
const evidence = join(tmp, "backup");
mkdirSync(evidence);
writeFileSync(join(evidence, "Manifest.db"), "not read: the check stops before opening");
const elsewhere = join(tmp, "elsewhere");
mkdirSync(elsewhere);
symlinkSync(evidence, join(elsewhere, "link"));

test("an output folder reached through a symlink into the evidence is refused before it exists", () => {
  const out = join(elsewhere, "link", "results", "deeper");
  assert.throws(
    () => checkOutputDir(out, [evidence]),
    (e: unknown) => e instanceof VigilError && e.code === "usage" && /inside the evidence/.test(e.message) && e.file === out,
  );
  // The evidence reached through a link as input, and the folder as output, are the same.
  assert.throws(() => checkOutputDir(join(evidence, "results"), [join(elsewhere, "link")]), VigilError);
  // Beside the evidence is fine.
  checkOutputDir(join(elsewhere, "results"), [evidence]);
});

test("vigil check-backup --output through a symlink into the backup: exit 2, nothing written", async () => {
  const before = hashTree(evidence);
  const r = await runVigil(["check-backup", evidence, "--output", join(elsewhere, "link", "results"), "--quiet"]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^vigil: error: .*link\/results: the results folder must not be inside the evidence\n$/);
  assert.equal(existsSync(join(evidence, "results")), false);
  assert.deepEqual(hashTree(evidence), before);
});
