// The Android openers against the real artifacts of the corpus (androidqf folder and zip, the
// three .ab backups, the bugreport folder). Skipped when the corpus is missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { openAndroidBackup } from "../../src/acquisitions/android/android-backup.ts";
import { openAndroidqf } from "../../src/acquisitions/android/androidqf.ts";
import { openBugreport } from "../../src/acquisitions/android/bugreport.ts";
import { WrongPasswordError } from "../../src/core/errors.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { androidModules } from "../../src/modules/android/index.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { corpus, HAVE_CORPUS } from "../helpers/corpus.ts";

const skip = !HAVE_CORPUS;
const SMS = "apps/com.android.providers.telephony/d_f/000000_sms_backup";
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

async function files(v: { entries(): AsyncIterable<{ path: string; type?: string }> }): Promise<string[]> {
  const out: string[] = [];
  for await (const e of v.entries()) if ((e.type ?? "file") === "file") out.push(e.path);
  return out.sort();
}

test("corpus androidqf folder: files, nested plain backup with the SMS backup", { skip }, async () => {
  const root = corpus("mvt-artifacts", "androidqf");
  const v = await openAndroidqf(root);
  try {
    assert.deepEqual(await files(v), ["backup.ab", "dumpsys.txt", "files.json", "getprop.txt", "packages.json", "ps.txt", "root_binaries.json", "settings_random.txt"]);
    const nested = await v.nested();
    assert.deepEqual(nested.map((n) => [n.prefix, n.view.kind, n.view.encrypted]), [["backup_", "android_backup", false]]);
    const sms = await nested[0].view.find({ android_backup: ["apps/com.android.providers.telephony/d_f/*_sms_backup"] });
    assert.deepEqual(sms.map((e) => e.path), [SMS]);
  } finally {
    await v.close();
  }
});

test("corpus androidqf.zip: wrapper folder stripped, archive hashed", { skip }, async () => {
  const p = corpus("mvt-artifacts", "androidqf.zip");
  const v = await openAndroidqf(p);
  try {
    assert.deepEqual(await files(v), ["getprop.txt"]);
    assert.equal((await v.readFile((await v.entry("getprop.txt"))!)).toString().split("\n")[0], "[dalvik.vm.appimageformat]: [lz4]");
    await v.settled();
    assert.deepEqual(v.inputsRead(), [{ path: p, sha256: sha(p), size: readFileSync(p).length }]);
  } finally {
    await v.close();
  }
});

for (const [name, encrypted] of [
  ["backup.ab", false],
  ["backup2.ab", true],
  ["backup3.ab", false],
] as const) {
  test(`corpus android_backup/${name}: opens (password 123456 when encrypted), SMS backup readable`, { skip }, async () => {
    const p = corpus("mvt-artifacts", "android_backup", name);
    const v = await openAndroidBackup(p, { password: "123456" });
    try {
      assert.equal(v.encrypted, encrypted);
      const [sms] = await v.find({ android_backup: ["apps/com.android.providers.telephony/d_f/*_sms_backup"] });
      assert.equal(sms.path, SMS);
      const data = await v.readFile(sms);
      assert.equal(data.length, 143);
      if (name === "backup.ab") {
        // The corpus also holds this backup's SMS file extracted: byte for byte the same.
        assert.ok(data.equals(readFileSync(corpus("mvt-artifacts", "android_backup", SMS))));
      }
      const mod = androidModules.find((m) => m.name === "sms");
      if (mod) {
        const out = await collectModule(mod, v, matcherFromValues({}, "none"));
        assert.equal(out.coverage.status, "checked", out.coverage.reason);
        assert.ok((out.coverage.records ?? 0) > 0);
      }
      await v.settled();
      assert.deepEqual(v.inputsRead(), [{ path: p, sha256: sha(p), size: readFileSync(p).length }]);
    } finally {
      await v.close();
    }
  });
}

test("corpus encrypted backups: wrong password refused; androidqf_encrypted nested backup needs and takes the password", { skip }, async () => {
  const p = corpus("mvt-artifacts", "android_backup", "backup2.ab");
  await assert.rejects(openAndroidBackup(p, { password: "654321" }), (e: unknown) => e instanceof WrongPasswordError && e.oneLine() === `${p}: wrong password for this Android backup`);
  const root = corpus("mvt-artifacts", "androidqf_encrypted");
  const without = await openAndroidqf(root);
  const [n] = await without.nested();
  await assert.rejects(n.view.find({ android_backup: ["**"] }), /encrypted: give its password/);
  await without.close();
  const withPw = await openAndroidqf(root, { backupPassword: "123456" });
  const [n2] = await withPw.nested();
  assert.equal((await n2.view.find({ android_backup: ["apps/**/*_sms_backup"] })).length, 1);
  await withPw.close();
});

test("corpus android_data/bugreport folder: main entry, tombstones", { skip }, async () => {
  const v = await openBugreport(corpus("mvt-artifacts", "android_data", "bugreport"));
  try {
    assert.equal(v.device.bugreportMain, "dumpstate.txt");
    assert.deepEqual(await files(v), ["FS/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_01", "dumpstate.txt", "main_entry.txt"]);
    const mod = androidModules.find((m) => m.name === "tombstones");
    if (mod) {
      const out = await collectModule(mod, v, matcherFromValues({}, "none"));
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      assert.equal(out.coverage.records, 2);
    }
  } finally {
    await v.close();
  }
});
