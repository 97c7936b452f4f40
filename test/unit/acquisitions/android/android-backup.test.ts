import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { openAndroidBackup } from "../../../../src/acquisitions/android/android-backup.ts";
import { VigilError, WrongPasswordError } from "../../../../src/core/errors.ts";
import { javaCharsUtf8, parseAbHeader } from "../../../../src/formats/android-backup.ts";
import { testDir, writeTemp } from "../../../helpers/archive-builder.ts";
import { buildAb, SMS_BACKUP_PATH } from "../../../helpers/android-builder.ts";
import { oneLineError as oneLine } from "../../../helpers/evidence.ts";

const dir = testDir("vigil-ab");
const SMS = JSON.stringify([{ address: "+15550001", body: "hello https://evil.example/x", date: "1700000000000", type: "1" }]);
const members = [
  { name: "apps/com.android.providers.telephony/_manifest", data: "1\n" },
  { name: SMS_BACKUP_PATH, data: SMS, mtime: new Date("2023-11-14T22:13:20Z") },
  { name: "apps/com.example/f/notes.txt", data: "x" },
];

test("javaCharsUtf8 widens bytes >= 0x80 to U+FF80..U+FFFF as Java does", () => {
  assert.deepEqual([...javaCharsUtf8(Buffer.from([0x41, 0x80, 0xff]))], [0x41, 0xef, 0xbe, 0x80, 0xef, 0xbf, 0xbf]);
});

for (const variant of [
  { label: "plain, compressed (v5)", opts: { compressed: true } },
  { label: "plain, uncompressed (v1)", opts: { compressed: false, version: 1 } },
  { label: "AES-256, compressed (v5)", opts: { compressed: true, password: "123456" } },
  { label: "AES-256, uncompressed (v5)", opts: { compressed: false, password: "pässwörd" } },
  { label: "AES-256, v1 (8-bit PBKDF2)", opts: { compressed: true, password: "123456", version: 1 } },
]) {
  test(`.ab ${variant.label}: lists the tar, reads the SMS backup with its time, hashes the .ab`, async () => {
    const data = await buildAb(members, variant.opts);
    const p = writeTemp(dir, `${variant.label.replace(/\W+/g, "_")}.ab`, data);
    const v = await openAndroidBackup(p, { password: variant.opts.password });
    try {
      assert.equal(v.kind, "android_backup");
      assert.equal(v.specKey, "android_backup");
      assert.equal(v.encrypted, variant.opts.password !== undefined);
      const found = await v.find({ android_backup: ["apps/com.android.providers.telephony/d_f/*_sms_backup"] });
      assert.deepEqual(found.map((f) => f.path), [SMS_BACKUP_PATH]);
      assert.equal(found[0].modified, "2023-11-14T22:13:20.000Z");
      assert.equal((await v.readFile(found[0])).toString(), SMS);
      // Not prefetched: costs one more pass over the stream.
      assert.equal((await v.readFile({ path: "apps/com.example/f/notes.txt" })).toString(), "x");
      await v.settled();
      assert.deepEqual(v.inputsRead(), [{ path: p, size: data.length, sha256: createHash("sha256").update(data).digest("hex") }]);
    } finally {
      await v.close();
    }
    assert.ok(readFileSync(p).equals(data), "the evidence is untouched");
  });
}

test(".ab: wrong password is a WrongPasswordError naming the file", async () => {
  const p = writeTemp(dir, "enc.ab", await buildAb(members, { password: "right" }));
  const e = await oneLine(openAndroidBackup(p, { password: "wrong" }));
  assert.ok(e instanceof WrongPasswordError);
  assert.equal(e.oneLine(), `${p}: wrong password for this Android backup`);
});

test(".ab: a checksum computed over raw key bytes (not Java chars) is refused like a wrong password", async () => {
  const p = writeTemp(dir, "rawck.ab", await buildAb(members, { password: "pw", rawChecksum: true }));
  assert.ok((await oneLine(openAndroidBackup(p, { password: "pw" }))) instanceof WrongPasswordError);
});

test(".ab: encrypted without a password asks getPassword, else says which option to give", async () => {
  const p = writeTemp(dir, "ask.ab", await buildAb(members, { password: "asked" }));
  let asked = 0;
  const v = await openAndroidBackup(p, {
    getPassword: async () => {
      asked++;
      return "asked";
    },
  });
  assert.equal(asked, 1);
  await v.close();
  const e = await oneLine(openAndroidBackup(p, {}));
  assert.equal(e.code, "password");
  assert.match(e.oneLine(), /encrypted: give its password with --password or VIGIL_BACKUP_PASSWORD/);
});

test(".ab: deferErrors turns a failure into a view whose reads fail with the reason", async () => {
  const p = writeTemp(dir, "defer.ab", await buildAb(members, { password: "x" }));
  const v = await openAndroidBackup(p, { deferErrors: true, display: "bundle/backup.ab" });
  assert.equal(v.kind, "android_backup");
  const e = await oneLine(v.find({ android_backup: ["**"] }));
  assert.match(e.oneLine(), /^bundle\/backup\.ab: the Android backup is encrypted/);
});

test(".ab: truncated data, truncated header, and non-backups give one-line errors", async () => {
  const full = await buildAb(
    [
      { name: "apps/a/f/big.bin", data: Buffer.alloc(300_000, 7) },
      { name: SMS_BACKUP_PATH, data: SMS },
    ],
    { compressed: true, password: "pw" },
  );
  const cut = writeTemp(dir, "cut.ab", full.subarray(0, full.length - 2000));
  const e1 = await oneLine(openAndroidBackup(cut, { password: "pw" }));
  assert.match(e1.oneLine(), /cut\.ab: .*(truncated|corrupt)/);
  const cutPlain = await buildAb([{ name: "apps/a/f/big.bin", data: Buffer.alloc(300_000, 7) }], { compressed: false });
  const cut2 = writeTemp(dir, "cut2.ab", cutPlain.subarray(0, 5000));
  assert.match((await oneLine(openAndroidBackup(cut2))).oneLine(), /cut2\.ab: .*truncated/);
  const hdr = writeTemp(dir, "hdr.ab", Buffer.from("ANDROID BACKUP\n5\n1\nAES-256\nABCD\n"));
  assert.match((await oneLine(openAndroidBackup(hdr, { password: "x" }))).oneLine(), /hdr\.ab: truncated Android backup header/);
  const not = writeTemp(dir, "not.ab", Buffer.from("PK\u0003\u0004 not a backup"));
  assert.match((await oneLine(openAndroidBackup(not))).oneLine(), /not\.ab: not an Android backup/);
  assert.throws(() => parseAbHeader(Buffer.from("ANDROID BACKUP\n5\n1\nAES-256\n00\n00\n999999999\n00\n00\n"), "x.ab"), /bad PBKDF2 round count/);
});

test(".ab: a hostile tar member is refused and the rest still read", async () => {
  const p = writeTemp(dir, "hostile.ab", await buildAb([{ name: "../../evil", data: "x" }, { name: SMS_BACKUP_PATH, data: SMS }]));
  const v = await openAndroidBackup(p);
  try {
    assert.deepEqual(v.refused().map((r) => r.entry), ["../../evil"]);
    assert.equal((await v.find({ android_backup: ["apps/**/*_sms_backup"] })).length, 1);
  } finally {
    await v.close();
  }
});

test(".ab bomb: the compression ratio limit applies to the deflated tar inside a backup", async () => {
  const p = writeTemp(dir, "bomb.ab", await buildAb([{ name: "apps/a/f/zeros", data: Buffer.alloc(6_000_000) }], { compressed: true }));
  const e = await oneLine(openAndroidBackup(p, { limits: { maxRatio: 50, ratioFloor: 1_000_000 } }));
  assert.equal(e.code, "archive_limit");
  assert.match(e.oneLine(), /bomb\.ab: compression ratio exceeds 50:1/);
  // Within the default limits the same backup opens.
  await (await openAndroidBackup(p)).close();
});
