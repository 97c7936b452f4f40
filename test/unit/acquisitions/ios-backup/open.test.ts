// A payload that is there but cannot be read is not reported as missing: the reason says why.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { openIosBackup } from "../../../../src/acquisitions/ios-backup/open.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../../src/demo/demo-backup.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-payload-"));
const SMS = { domain: "HomeDomain", path: "Library/SMS/sms.db" };
const smsId = createHash("sha1").update("HomeDomain-Library/SMS/sms.db").digest("hex");
let good: string;

before(async () => {
  good = (await buildSyntheticBackup(join(tmp, "good"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
});

async function readSms(backup: string): Promise<string> {
  const view = await openIosBackup(backup, {});
  try {
    const [entry] = await view.find({ backup: [SMS] });
    assert.ok(entry, "sms.db is listed");
    await view.readFile(entry);
    return "read";
  } catch (e) {
    return (e as { oneLine?: () => string }).oneLine?.() ?? String(e);
  } finally {
    await view.close();
  }
}

test("a payload folder that is a file: 'cannot be read (ENOTDIR)', not missing", async () => {
  const backup = join(tmp, "notdir");
  cpSync(good, backup, { recursive: true });
  rmSync(join(backup, smsId.slice(0, 2)), { recursive: true });
  writeFileSync(join(backup, smsId.slice(0, 2)), "not a folder");
  assert.equal(await readSms(backup), `HomeDomain/Library/SMS/sms.db: payload ${smsId.slice(0, 2)}/${smsId} cannot be read (ENOTDIR)`);
});

test("an unreadable payload folder: 'cannot be read (EACCES)'; a missing one is still 'missing'", async () => {
  const backup = join(tmp, "eacces");
  cpSync(good, backup, { recursive: true });
  const folder = join(backup, smsId.slice(0, 2));
  // Root reads any folder: the refusal is played by the file system calls.
  type Fn = (...a: unknown[]) => unknown;
  const fs = createRequire(import.meta.url)("node:fs") as { statSync: Fn; existsSync: Fn };
  const { statSync, existsSync } = fs;
  const denied = (p: unknown) => typeof p === "string" && p.startsWith(folder + "/");
  fs.statSync = (p, ...rest) => {
    if (denied(p)) throw Object.assign(new Error(`EACCES: permission denied, stat '${String(p)}'`), { code: "EACCES", syscall: "stat", path: p });
    return statSync(p, ...rest);
  };
  fs.existsSync = (p) => !denied(p) && existsSync(p);
  syncBuiltinESMExports();
  try {
    assert.equal(await readSms(backup), `HomeDomain/Library/SMS/sms.db: payload ${smsId.slice(0, 2)}/${smsId} cannot be read (EACCES)`);
  } finally {
    fs.statSync = statSync;
    fs.existsSync = existsSync;
    syncBuiltinESMExports();
  }
  rmSync(folder, { recursive: true });
  assert.match(await readSms(backup), /payload .* is missing from the backup folder/);
});
