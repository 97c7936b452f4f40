// The case folder: creation, reading back, acquisition ids, and the lock that keeps two commands
// from changing one case at once.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { initCase, loadCase, nextAcquisitionId, withCaseLock } from "../../../src/cases/case-folder.ts";
import { testDir } from "../../helpers/archive-builder.ts";

test("a case is created in a new or empty folder, read back, and numbers its acquisitions", () => {
  const dir = join(testDir("vigil-case-folder"), "ana");
  const c = initCase(dir, "  Ana  ");
  assert.equal(c.info.name, "Ana");
  assert.match(c.info.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(loadCase(dir).info, c.info);
  assert.equal(nextAcquisitionId(c.info, "ios_backup"), "01-ios_backup");
  c.info.acquisitions.push({ id: "01-ios_backup", kind: "ios_backup", input: "/x", added: "", results: "acquisitions/01-ios_backup", exit_code: 0 });
  assert.equal(nextAcquisitionId(c.info, "ios_sysdiagnose"), "02-ios_sysdiagnose");
  assert.throws(() => initCase(dir, "Ana"), /already a case folder/);
  const full = testDir("vigil-case-folder");
  writeFileSync(join(full, "x"), "");
  assert.throws(() => initCase(full, "B"), /not empty/);
  assert.throws(() => loadCase(full), /not a case folder/);
  writeFileSync(join(full, "case.json"), "{");
  assert.throws(() => loadCase(full), /malformed JSON/);
});

test("the case lock: a second command waits its turn, a lock left by a dead process is taken over", async () => {
  const dir = join(testDir("vigil-case-lock"), "c");
  initCase(dir, "C");
  await withCaseLock(dir, async () => {
    await assert.rejects(withCaseLock(dir, async () => 1), /another Vigil command \(process \d+\) is working on this case/);
  });
  // A process id that cannot be running.
  writeFileSync(join(dir, "case.lock"), "999999999");
  assert.equal(await withCaseLock(dir, async () => 42), 42);
});
