// Encrypted iOS backups against the corpus vectors (ios_backup_encrypted/): the small-fast and
// realistic backups (expected.json), pyiosbackup's non-conformant fixture, and the public
// keybag known-answer tests. Skips itself when the corpus is not there.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import { decryptBackup } from "../../src/cli/decrypt-backup.ts";
import { extractKey } from "../../src/cli/extract-key.ts";
import { WrongPasswordError } from "../../src/core/errors.ts";
import { aesUnwrap, buildKeybag, deriveKeyFromPassword, kekFromStage1, parseKeybag, splitWrappedKey, stage1, unlockKeybag } from "../../src/formats/keybag.ts";
import { parsePlist } from "../../src/formats/plist.ts";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { hashTree } from "../helpers/evidence.ts";

const skip = !HAVE_CORPUS;
const ENC = (...p: string[]) => corpus("ios_backup_encrypted", ...p);
const UDID = "1cb128eafa77c5be74283e9a3a2130af36a3c059";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const tmp = mkdtempSync(join(tmpdir(), "vigil-conf-iosb-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Expected {
  password: string;
  derived_key_hex: string;
  pbkdf2_sha256_stage_hex: string;
  class_keys: Record<string, { WRAP: number; key_hex: string }>;
  manifest_key: { class: number; key_hex: string };
  manifest_db: { plaintext_sha256: string; encrypted_sha256: string; plaintext_size: number };
  files: Record<string, { domain: string; relativePath: string; plaintext_sha256: string; encrypted_sha256: string; plaintext_size: number; encrypted_size: number; file_key_hex: string; protection_class: number }>;
  plists_sha256: Record<string, string>;
}
const expected = (v: string): Expected => JSON.parse(readFileSync(ENC(v, "expected.json"), "utf8"));

async function checkVector(name: string, opts: Parameters<typeof openIosBackup>[1]) {
  const exp = expected(name);
  const dir = ENC(name, UDID);
  const v = await openIosBackup(ENC(name), opts);
  try {
    assert.equal(v.backupDir, dir);
    assert.equal(v.encrypted, true);
    assert.equal(v.derivedKey!.toString("hex"), exp.derived_key_hex);
    assert.equal(v.device.osVersion, "14.3");
    assert.equal(sha(readFileSync(v.manifestDbPath)), exp.manifest_db.plaintext_sha256, "Manifest.db with PKCS#7 padding removed");
    assert.deepEqual(v.counts(), { files: 1089, directories: 2618, symlinks: 14, total: 3721 });
    for (const [id, f] of Object.entries(exp.files)) {
      const [e] = await v.find({ backup: [{ domain: f.domain, path: f.relativePath }] });
      assert.equal(e.fileId, id);
      const plain = await v.readFile(e);
      assert.equal(plain.length, f.plaintext_size, f.relativePath);
      assert.equal(sha(plain), f.plaintext_sha256, f.relativePath);
    }
    // Paths are relative to the folder given (the vector's folder, above the backup).
    const inputs = new Map(v.inputsRead().map((i) => [i.path.replace(`${UDID}/`, ""), i]));
    assert.ok(v.inputsRead().every((i) => i.path.startsWith(`${UDID}/`)));
    for (const [id, f] of Object.entries(exp.files)) {
      assert.equal(inputs.get(`${id.slice(0, 2)}/${id}`)?.sha256, f.encrypted_sha256);
      assert.equal(inputs.get(`${id.slice(0, 2)}/${id}`)?.size, f.encrypted_size);
    }
    assert.equal(inputs.get("Manifest.db")?.sha256, exp.manifest_db.encrypted_sha256);
    for (const [p, h] of Object.entries(exp.plists_sha256)) assert.equal(inputs.get(p)?.sha256, h, p);
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    const h = await v.openSqlite(sms);
    try {
      assert.ok(h.tables().has("message"));
    } finally {
      h.close();
    }
  } finally {
    await v.close();
  }
}

test("small-fast: password opens the backup; every expected.json hash matches", { skip }, async () => {
  const before = hashTree(ENC("small-fast"));
  await checkVector("small-fast", { password: "vigil-test-1" });
  assert.deepEqual(hashTree(ENC("small-fast")), before, "corpus unchanged");
});

test("small-fast: derived_key.txt (MVT key file) opens it; a key file with a trailing newline too", { skip }, async () => {
  await checkVector("small-fast", { keyFile: ENC("small-fast", "derived_key.txt") });
  const withNewline = join(tmp, "key-nl.txt");
  writeFileSync(withNewline, readFileSync(ENC("small-fast", "derived_key.txt"), "utf8") + "\n");
  const v = await openIosBackup(ENC("small-fast"), { keyFile: withNewline });
  await v.close();
});

test("small-fast: keybag steps (stage 1, KEK, all 11 class keys, Manifest.db key) match expected.json", { skip }, async () => {
  const exp = expected("small-fast");
  const mp = parsePlist(readFileSync(ENC("small-fast", UDID, "Manifest.plist"))) as Record<string, Buffer>;
  const kb = parseKeybag(mp.BackupKeyBag);
  assert.equal((await stage1(Buffer.from(exp.password), kb)).toString("hex"), exp.pbkdf2_sha256_stage_hex);
  const kek = await deriveKeyFromPassword(exp.password, kb);
  assert.equal(kek.toString("hex"), exp.derived_key_hex);
  const keys = unlockKeybag(kb, kek)!;
  for (const c of kb.classes) assert.equal(aesUnwrap(kek, c.wpky!)!.toString("hex"), exp.class_keys[String(c.clas)].key_hex, `class ${c.clas}`);
  const mk = splitWrappedKey(mp.ManifestKey)!;
  assert.equal(mk.clas, exp.manifest_key.class);
  assert.equal(aesUnwrap(keys.get(mk.clas)!, mk.wrapped)!.toString("hex"), exp.manifest_key.key_hex);
});

test("small-fast: wrong password and wrong key file are rejected at open time", { skip }, async () => {
  await assert.rejects(openIosBackup(ENC("small-fast"), { password: "vigil-test-2" }), (e: unknown) => e instanceof WrongPasswordError && e.file === ENC("small-fast", UDID, "Manifest.plist"));
  const other = join(tmp, "other-key.txt");
  writeFileSync(other, readFileSync(ENC("realistic", "derived_key.txt")));
  await assert.rejects(openIosBackup(ENC("small-fast"), { keyFile: other }), WrongPasswordError);
});

test("small-fast: decrypt-backup output matches the expected plaintext and opens as a plain backup; extract-key matches derived_key.txt", { skip }, async () => {
  const exp = expected("small-fast");
  const dest = join(tmp, "small-fast-plain");
  const r = await decryptBackup(ENC("small-fast"), { dest, keyFile: ENC("small-fast", "derived_key.txt") });
  assert.equal(r.written, 10);
  assert.equal(r.withoutPayload, 1079);
  assert.equal(sha(readFileSync(join(dest, "Manifest.db"))), exp.manifest_db.plaintext_sha256);
  for (const [id, f] of Object.entries(exp.files)) assert.equal(sha(readFileSync(join(dest, id.slice(0, 2), id))), f.plaintext_sha256);
  const v = await openIosBackup(dest);
  assert.equal(v.encrypted, false);
  await v.close();
  const { keyHex } = await extractKey(ENC("small-fast"), { password: exp.password, promptPassword: false });
  assert.equal(keyHex, readFileSync(ENC("small-fast", "derived_key.txt"), "utf8"));
});

test("realistic: real iteration counts (DPIC 10 M) with the password; key file; timings", { skip }, async () => {
  const t = performance.now();
  const v = await openIosBackup(ENC("realistic"), { password: "vigil-test-1" });
  const openMs = performance.now() - t;
  await v.close();
  const t2 = performance.now();
  await checkVector("realistic", { keyFile: ENC("realistic", "derived_key.txt") });
  const keyFileMs = performance.now() - t2;
  // Reported, not asserted: the machine running this is shared.
  console.log(`# realistic: open with password ${openMs.toFixed(0)} ms (10 M PBKDF2-SHA256 rounds); open + decrypt and hash 10 payloads with the key file ${keyFileMs.toFixed(0)} ms`);
});

test("pyiosbackup fixture (non-conformant): opens with 0000, unpadded Manifest.db kept raw, payload reads as 'Test data'", { skip }, async () => {
  // "Correct" here: what pyiosbackup itself reads (its own fixture) — the Manifest.db without
  // padding removal (its padding is invalid, and it is a whole SQLite file), the 9-byte file
  // found despite flags 0 and no ProtectionClass (class from the EncryptionKey prefix).
  const v = await openIosBackup(ENC("pyiosbackup-fixture", "backup"), { password: "0000" });
  try {
    assert.equal(v.derivedKey!.toString("hex"), "ec8edc160b5745ccae000bfb4787630f322821191fba7eea38feab2c6307cd9b");
    assert.equal(sha(readFileSync(v.manifestDbPath)), "905647be84ba9e377499a6bbecfeb61e6a949b0188f36bcba4ed2fccde58efd7");
    const [e] = await v.find({ backup: [{ domain: "MyTestDomain", path: "Media/Test.txt" }] });
    assert.ok(e, "found although Files.flags is 0");
    assert.equal((await v.readFile(e)).toString(), "Test data");
  } finally {
    await v.close();
  }
});

interface Kat {
  password: string;
  kind: string;
  WPKY_hex: string;
  ITER: number;
  SALT_hex: string;
  DPIC: number | null;
  DPSL_hex: string | null;
  expected_pbkdf2_sha256_stage_hex: string | null;
  expected_derived_key_hex: string;
  expected_unwrapped_class_key_hex: string;
}

test("public keybag KATs (hashcat, John the Ripper incl. real keybags, pyiosbackup)", { skip }, async () => {
  const kats = (JSON.parse(readFileSync(ENC("public-kats", "keybag_kats.json"), "utf8")) as { kats: Kat[] }).kats;
  assert.equal(kats.length, 8);
  let fullTenMillion = 0;
  await Promise.all(
    kats.map(async (k) => {
      const kb = parseKeybag(
        buildKeybag({
          version: 4,
          type: 1,
          uuid: Buffer.alloc(16),
          wrap: 0,
          salt: Buffer.from(k.SALT_hex, "hex"),
          iter: k.ITER,
          ...(k.DPIC ? { dpwt: 1, dpic: k.DPIC, dpsl: Buffer.from(k.DPSL_hex!, "hex") } : {}),
          classes: [{ uuid: Buffer.alloc(16), clas: 1, wrap: 2, ktyp: 0, wpky: Buffer.from(k.WPKY_hex, "hex") }],
        }),
      );
      let kek: Buffer;
      // The 10 M-round first stage costs ~3 s: run it in full for the real iOS ≥ 10.2 keybag
      // (JtR "test123") only; for the other 10 M vectors start from the published stage-1 output.
      const real = k.kind.startsWith("REAL") && k.DPIC === 10_000_000;
      if (k.DPIC && k.DPIC > 100_000 && !real) {
        kek = await kekFromStage1(Buffer.from(k.expected_pbkdf2_sha256_stage_hex!, "hex"), kb);
      } else {
        if (k.DPIC) assert.equal((await stage1(Buffer.from(k.password), kb)).toString("hex"), k.expected_pbkdf2_sha256_stage_hex, k.password);
        kek = await deriveKeyFromPassword(k.password, kb);
        if (real) fullTenMillion++;
      }
      assert.equal(kek.toString("hex"), k.expected_derived_key_hex, `${k.password} (${k.kind})`);
      const keys = unlockKeybag(kb, kek);
      assert.ok(keys, `${k.password}: class key unwraps`);
      assert.equal(keys.get(1)!.toString("hex"), k.expected_unwrapped_class_key_hex);
      if (!k.DPIC || k.DPIC <= 100_000) assert.equal(unlockKeybag(kb, await deriveKeyFromPassword(k.password + "x", kb)), undefined, "wrong password fails the unwrap");
    }),
  );
  assert.equal(fullTenMillion, 1);
});
