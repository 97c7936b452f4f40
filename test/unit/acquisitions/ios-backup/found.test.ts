// Backups described from their three plists only: device, version, date, size, encryption, and
// unfinished or damaged backups told apart from complete ones.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildIosBackup } from "../../../../src/acquisitions/ios-backup/build.ts";
import { describeBackup, findBackups, listPlaces } from "../../../../src/acquisitions/ios-backup/found.ts";
import { writeBplist } from "../../../../src/formats/bplist-writer.ts";
import { testDir } from "../../../helpers/archive-builder.ts";

test("a plain and an encrypted backup in a folder with a non-ASCII name, newest first", async () => {
  const root = join(testDir("vigil-found"), "Sauvegardes de Zoë", "Backup");
  await buildIosBackup(join(root, "00008110-AAAA"), { files: [{ domain: "HomeDomain", relativePath: "Library/a", data: "x".repeat(1000) }] });
  await buildIosBackup(join(root, "00008110-BBBB"), {
    files: [],
    encrypted: { password: "pw" },
    info: { "Device Name": "Téléphone d’Ana", "Product Version": "16.6", "Last Backup Date": new Date("2024-06-01T12:00:00Z"), "Unique Identifier": "00008110-BBBB" },
  });
  const found = await findBackups(join(root, ".."));
  assert.equal(found.length, 2);
  const [enc, plain] = found;
  assert.equal(enc.deviceName, "Téléphone d’Ana");
  assert.equal(enc.iosVersion, "16.6");
  assert.equal(enc.date, "2024-06-01T12:00:00.000Z");
  assert.equal(enc.encrypted, true);
  assert.equal(enc.state, "complete");
  assert.equal(enc.dir, join(root, "00008110-BBBB"));
  assert.equal(plain.encrypted, false);
  assert.equal(plain.model, "iPhone 13 Pro");
  assert.equal(plain.date, "2024-05-02T08:00:00.000Z");
  assert.ok(plain.size! > 1000, String(plain.size));
});

test("only the plists are read: a payload that would block any reader and a Manifest.db that is no database", async () => {
  const dir = join(testDir("vigil-found-read"), "00008110-CCCC");
  await buildIosBackup(dir, { files: [] });
  writeFileSync(join(dir, "Manifest.db"), "not a database");
  mkdirSync(join(dir, "ab"));
  execFileSync("mkfifo", [join(dir, "ab", "ab".padEnd(40, "0"))]);
  const b = await describeBackup(dir);
  assert.equal(b.state, "complete");
  assert.equal(b.deviceName, "Test iPhone");
});

test("a plist that is a FIFO is not read: the backup is damaged, and the listing does not wait for a writer", async () => {
  const dir = join(testDir("vigil-found-fifo"), "00008110-EEEE");
  await buildIosBackup(dir, { files: [], statusPlist: false });
  execFileSync("mkfifo", [join(dir, "Status.plist")]);
  // Before, the read waited for a writer for ever: this one ends it after 2 s (with nothing
  // written), so that the test fails instead of hanging.
  const writer = spawn("sh", ["-c", 'sleep 2; : > "$0"', join(dir, "Status.plist")], { stdio: "ignore" });
  try {
    const b = await describeBackup(dir);
    assert.equal(b.state, "damaged");
    assert.equal(b.problem, "Status.plist cannot be read: not a regular file");
    assert.equal(b.deviceName, "Test iPhone");
  } finally {
    writer.kill();
  }
});

test("a backup cut short is unfinished; a missing or unreadable file makes it damaged", async () => {
  const root = testDir("vigil-found-bad");
  const cut = join(root, "cut");
  await buildIosBackup(cut, { files: [], statusPlist: false });
  writeFileSync(join(cut, "Status.plist"), writeBplist({ SnapshotState: "uploading", BackupState: "new", Date: new Date("2024-05-02T08:00:00Z") }));
  rmSync(join(cut, "Manifest.db"));
  const u = await describeBackup(cut);
  assert.equal(u.state, "unfinished");
  assert.match(u.problem!, /did not finish \(Status\.plist: uploading\)/);

  const noDb = join(root, "nodb");
  await buildIosBackup(noDb, { files: [] });
  rmSync(join(noDb, "Manifest.db"));
  assert.deepEqual([(await describeBackup(noDb)).state, (await describeBackup(noDb)).problem], ["damaged", "Manifest.db is missing"]);

  const badInfo = join(root, "badinfo");
  await buildIosBackup(badInfo, { files: [] });
  writeFileSync(join(badInfo, "Info.plist"), "garbage");
  const d = await describeBackup(badInfo);
  assert.equal(d.state, "damaged");
  assert.match(d.problem!, /^Info\.plist cannot be read: malformed plist/);
  // What Manifest.plist says is still shown.
  assert.equal(d.encrypted, false);
  assert.equal(d.deviceName, "Test iPhone");

  const old = join(root, "old");
  mkdirSync(old);
  writeFileSync(join(old, "Info.plist"), writeBplist({ "Device Name": "Old" }));
  writeFileSync(join(old, "Manifest.mbdb"), "mbdb");
  assert.match((await describeBackup(old)).problem!, /before iOS 10/);
});

test("places: each backup listed once, missing places said to be missing", async () => {
  const root = testDir("vigil-found-places");
  await buildIosBackup(join(root, "Backup", "00008110-DDDD"), { files: [] });
  const listing = await listPlaces([{ dir: join(root, "Backup"), by: "Finder" }, { dir: root }, { dir: join(root, "nowhere") }]);
  assert.deepEqual(
    listing.map((p) => [p.exists, p.backups.length]),
    [
      [true, 1],
      [true, 0],
      [false, 0],
    ],
  );
});
