import { test, after } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { decryptBackup } from "../../../src/cli/decrypt-backup.ts";
import { extractKey } from "../../../src/cli/extract-key.ts";
import { VigilError, WrongPasswordError } from "../../../src/core/errors.ts";
import { parsePlist } from "../../../src/formats/plist.ts";
import { writeBplist, type BValue } from "../../../src/formats/bplist-writer.ts";
import { buildIosBackup } from "../../helpers/ios-backup-builder.ts";
import { hashTree } from "../../helpers/evidence.ts";

const base = mkdtempSync(join(tmpdir(), "vigil-iosb-cli-"));
after(() => rmSync(base, { recursive: true, force: true }));

const FILES = [
  { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: Buffer.alloc(5000, 1) },
  { domain: "HomeDomain", relativePath: "Library/Preferences/a.plist", data: "aaa" },
  { domain: "HomeDomain", relativePath: "Library/Preferences", type: "directory" as const },
  { domain: "HomeDomain", relativePath: "Library/Safari/History.db", data: "zz", omitPayload: true },
];

test("decrypt-backup writes a plain backup with the same layout that opens without a password; evidence unchanged", async () => {
  const src = join(base, "src1", "udid");
  const built = await buildIosBackup(src, { files: FILES, encrypted: { password: "pw" } });
  const before = hashTree(src);
  const dest = join(base, "out1");
  const lines: string[] = [];
  const r = await decryptBackup(join(base, "src1"), { dest, password: "pw" }, (l) => lines.push(l));
  assert.equal(r.written, 2);
  assert.equal(r.withoutPayload, 1);
  assert.deepEqual(r.failed, []);
  assert.deepEqual(hashTree(src), before, "evidence unchanged");
  const mp = parsePlist(readFileSync(join(dest, "Manifest.plist"))) as Record<string, unknown>;
  assert.equal(mp.IsEncrypted, false);
  assert.equal(mp.ManifestKey, undefined);
  assert.equal(createHash("sha256").update(readFileSync(join(dest, "Manifest.db"))).digest("hex"), built.manifestDbSha256);
  const id = built.fileIds["HomeDomain/Library/Preferences/a.plist"];
  assert.equal(readFileSync(join(dest, id.slice(0, 2), id), "utf8"), "aaa");
  const v = await openIosBackup(dest);
  try {
    assert.equal(v.encrypted, false);
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    assert.deepEqual(await v.readFile(sms), Buffer.alloc(5000, 1));
  } finally {
    await v.close();
  }
});

test("decrypt-backup refuses a destination inside the evidence or not empty, and a plain backup", async () => {
  const parent = join(base, "src2");
  const src = join(parent, "udid");
  await buildIosBackup(src, { files: FILES.slice(0, 2), encrypted: { password: "pw" } });
  const before = hashTree(parent);
  for (const dest of [join(src, "out"), join(parent, "out"), src]) {
    await assert.rejects(decryptBackup(parent, { dest, password: "pw" }), (e: unknown) => e instanceof VigilError && e.code === "usage" && /must not be inside/.test(e.message), dest);
  }
  const full = join(base, "full");
  mkdirSync(full);
  writeFileSync(join(full, "x"), "x");
  await assert.rejects(decryptBackup(src, { dest: full, password: "pw" }), /not empty/);
  await assert.rejects(decryptBackup(src, { dest: join(base, "out2"), password: "nope" }), (e: unknown) => e instanceof WrongPasswordError);
  assert.equal(existsSync(join(base, "out2")), false, "nothing written on a wrong password");
  assert.deepEqual(hashTree(parent), before);

  const plain = join(base, "plain");
  await buildIosBackup(plain, { files: FILES.slice(0, 2) });
  await assert.rejects(decryptBackup(plain, { dest: join(base, "out3") }), /not encrypted/);
});

test("extract-key prints the KEK (MVT format) that works as a key file; wrong password rejected", async () => {
  const src = join(base, "src3");
  const built = await buildIosBackup(src, { files: FILES.slice(0, 2), encrypted: { password: "pässword" } });
  const { keyHex } = await extractKey(src, { password: "pässword", promptPassword: false });
  assert.equal(keyHex, built.derivedKeyHex);
  assert.match(keyHex, /^[0-9a-f]{64}$/);
  const keyFile = join(base, "k.txt");
  writeFileSync(keyFile, keyHex);
  const v = await openIosBackup(src, { keyFile });
  assert.equal(v.encrypted, true);
  await v.close();
  await assert.rejects(extractKey(src, { password: "password", promptPassword: false }), (e: unknown) => e instanceof WrongPasswordError && e.file === join(src, "Manifest.plist"));
  const plain = join(base, "plain3");
  await buildIosBackup(plain, { files: FILES.slice(0, 2) });
  await assert.rejects(extractKey(plain, { password: "x", promptPassword: false }), /not encrypted/);
});

test("decrypt-backup writes nothing outside its destination for a Manifest.db row whose fileID is a path (\"../outside\"): the row is listed as failed", async () => {
  // A pre-iOS 10.2 encrypted backup: its Manifest.db is plain and can be altered here.
  const root = join(base, "escape");
  const src = join(root, "s", "t", "udid");
  await buildIosBackup(src, { files: FILES.slice(0, 2), encrypted: { password: "pw", legacy: true } });
  // payload "../../outside" from the backup folder: root/s/outside; without MBFile, copied as it is.
  writeFileSync(join(root, "s", "outside"), "planted");
  const db = new Database(join(src, "Manifest.db"));
  db.prepare("UPDATE Files SET fileID = '../outside', file = NULL WHERE relativePath = 'Library/SMS/sms.db'").run();
  db.close();
  const dest = join(root, "d", "out");
  const r = await decryptBackup(join(root, "s", "t"), { dest, password: "pw" });
  assert.equal(r.written, 1);
  assert.equal(r.failed.length, 1);
  assert.match(r.failed[0], /Library\/SMS\/sms.db: .*payload name "\.\.\/outside", not 40 hex digits/);
  assert.ok(!existsSync(join(root, "outside")), "nothing written beside the destination");
  assert.deepEqual(readdirSync(root).sort(), ["d", "s"]);
});

test("decrypt-backup: a Manifest.plist whose Date is no valid time is written back as it was read, not a RangeError", async () => {
  const src = join(base, "nandate", "udid");
  await buildIosBackup(src, { files: FILES.slice(0, 2), encrypted: { password: "pw" } });
  const mp = parsePlist(readFileSync(join(src, "Manifest.plist"))) as Record<string, BValue>;
  mp.Date = new Date(NaN);
  writeFileSync(join(src, "Manifest.plist"), writeBplist(mp));
  const dest = join(base, "nandate-out");
  const r = await decryptBackup(src, { dest, password: "pw" });
  assert.equal(r.written, 2);
  const out = parsePlist(readFileSync(join(dest, "Manifest.plist"))) as Record<string, unknown>;
  assert.equal(out.IsEncrypted, false);
  assert.ok(out.Date instanceof Date && Number.isNaN(out.Date.getTime()));
  assert.deepEqual(out.Lockdown, mp.Lockdown);
});
