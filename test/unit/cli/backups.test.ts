// `vigil backups`: the backups in this system's places (here Linux: idevicebackup2's folders
// under the home folder) and in folders given with --in, as text and as JSON.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildIosBackup } from "../../../src/acquisitions/ios-backup/build.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { runVigil } from "../../helpers/evidence.ts";

test("lists the backups of the home folder's places and of --in, and says where it also looked", { skip: process.platform !== "linux" && "the places of this test are Linux's" }, async () => {
  const home = testDir("vigil-backups-home");
  await buildIosBackup(join(home, ".local", "share", "MobileSync", "Backup", "00008110-AAAA"), { files: [], encrypted: { password: "pw" }, info: { "Device Name": "iPhone de Zoë" } });
  const other = join(home, "Clé USB");
  await buildIosBackup(join(other, "00008110-BBBB"), { files: [], info: { "Device Name": "Old phone", "Product Version": "15.8" } });
  const env = { HOME: home, XDG_DATA_HOME: "" };
  const r = await runVigil(["backups", "--in", other], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^2 iPhone backup\(s\) found:/);
  assert.match(r.stdout, /iPhone de Zoë \(iPhone 13 Pro, iOS 17\.5\.1\): 2024-05-02 08:00 UTC, [\d.]+ KB, encrypted/);
  assert.match(r.stdout, /Old phone \(iPhone 13 Pro, iOS 15\.8\): .*, not encrypted\n\s+.*Clé USB\/00008110-BBBB/);
  assert.match(r.stdout, new RegExp(`Also looked in:\\n  ${join(home, "MobileSync", "Backup")}: no such folder`));

  const j = await runVigil(["backups", "--json"], env);
  const places = JSON.parse(j.stdout) as { dir: string; exists: boolean; backups: { deviceName: string; encrypted: boolean; state: string }[] }[];
  assert.equal(places[0].dir, join(home, ".local", "share", "MobileSync", "Backup"));
  assert.deepEqual(places[0].backups.map((b) => [b.deviceName, b.encrypted, b.state]), [["iPhone de Zoë", true, "complete"]]);

  const none = testDir("vigil-backups-none");
  mkdirSync(join(none, "MobileSync", "Backup"), { recursive: true });
  assert.match((await runVigil(["backups"], { HOME: none, XDG_DATA_HOME: "" })).stdout, /^No iPhone backup found\./);
  const bad = await runVigil(["backups", "--in", join(none, "missing")], { HOME: none });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vigil: error: .*missing: --in: no such folder\n$/);
});
