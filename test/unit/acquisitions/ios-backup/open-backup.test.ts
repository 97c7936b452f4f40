import { test, after } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { openIosBackup } from "../../../../src/acquisitions/ios-backup/open.ts";
import { locateBackup } from "../../../../src/acquisitions/ios-backup/locate.ts";
import { VigilError, WrongPasswordError } from "../../../../src/core/errors.ts";
import { PASSWORD_ENV, secretChain } from "../../../../src/cli/password.ts";
import { buildIosBackup, fileIdFor, type BackupFileSpec } from "../../../helpers/ios-backup-builder.ts";
import { hashTree } from "../../../helpers/evidence.ts";
import type { FileEntry } from "../../../../src/acquisitions/view.ts";
import { unlockBackup } from "../../../../src/acquisitions/ios-backup/unlock.ts";
import { mbfileArchive, writeBplist, type BValue } from "../../../../src/formats/bplist-writer.ts";
import { aesWrap } from "../../../../src/formats/keybag.ts";
import { parsePlist } from "../../../../src/formats/plist.ts";

const base = mkdtempSync(join(tmpdir(), "vigil-iosb-test-"));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(base, `b${n++}`, "00008110-000A1B2C3D4E5F60");

function smsDb(rows = 3): Buffer {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT)");
  const ins = db.prepare("INSERT INTO message (text) VALUES (?)");
  for (let i = 0; i < rows; i++) ins.run(`hello ${i}`);
  const b = db.serialize();
  db.close();
  return b;
}

/** A WAL-mode database and its -wal file, as iOS leaves them in a backup. */
function walPair(): { db: Buffer; wal: Buffer } {
  const dir = mkdtempSync(join(base, "wal-"));
  const p = join(dir, "x.db");
  const db = new Database(p);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('in-main')");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("INSERT INTO t VALUES ('in-wal')");
  const out = { db: readFileSync(p), wal: readFileSync(p + "-wal") };
  // Leave the connection open long enough to copy: closing would checkpoint the WAL away.
  db.close();
  return out;
}

const FILES: BackupFileSpec[] = [
  { domain: "HomeDomain", relativePath: "Library", type: "directory" },
  { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDb(), mtime: new Date("2024-03-01T12:00:00Z"), birth: new Date("2023-01-01T00:00:00Z") },
  { domain: "HomeDomain", relativePath: "Library/Preferences/com.apple.x.plist", data: "plist-bytes" },
  { domain: "AppDomain-com.example.one", relativePath: "Library/WebKit/WebsiteData/observations.db", data: "one" },
  { domain: "AppDomain-com.example.two", relativePath: "Library/WebKit/WebsiteData/observations.db", data: "two" },
  { domain: "AppDomain-com.example.two", relativePath: "Library/WebKit/WebsiteData/Deep/observations.db", data: "deep" },
  { domain: "RootDomain", relativePath: "Library/Caches/link", type: "symlink", target: "/private/var/tmp" },
  { domain: "HomeDomain", relativePath: "Library/Safari/History.db", data: "never-written", omitPayload: true },
];

test("plain backup: device info, find (exact and globs), entries with MBFile metadata, read, SQLite", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES, info: { "Product Version": "16.1", "Device Name": "Alice's iPhone" } });
  const before = hashTree(dir);
  const v = await openIosBackup(dir);
  try {
    assert.equal(v.kind, "ios_backup");
    assert.equal(v.specKey, "backup");
    assert.equal(v.platform, "ios");
    assert.equal(v.encrypted, false);
    assert.equal(v.device.osVersion, "16.1");
    assert.equal(v.device.model, "iPhone14,2");
    assert.equal(v.device.name, "Alice's iPhone");
    assert.equal(v.device.build, "21F90");
    assert.equal(v.device.serial, "F00TESTSERIAL");
    assert.equal(v.device.identifier, "00008110-000A1B2C3D4E5F60");
    assert.ok(v.device.newerOsAvailable, "16.1 is older than the newest release in the table");

    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    assert.equal(sms.path, "HomeDomain/Library/SMS/sms.db");
    assert.equal(sms.fileId, fileIdFor("HomeDomain", "Library/SMS/sms.db"));
    assert.equal(sms.modified, "2024-03-01T12:00:00.000Z");
    assert.equal(sms.created, "2023-01-01T00:00:00.000Z");
    assert.equal(sms.type, "file");
    assert.equal(sms.meta?.mode, 0o100644);

    const star = await v.find({ backup: [{ domain: "AppDomain-*", path: "Library/WebKit/WebsiteData/*.db" }] });
    assert.deepEqual(star.map((e) => e.path), ["AppDomain-com.example.one/Library/WebKit/WebsiteData/observations.db", "AppDomain-com.example.two/Library/WebKit/WebsiteData/observations.db"]);
    const globstar = await v.find({ backup: [{ domain: "AppDomain-com.example.two", path: "**/observations.db" }] });
    assert.equal(globstar.length, 2);
    const rootLevel = await v.find({ backup: [{ domain: "*", path: "**/sms.db" }, { domain: "HomeDomain", path: "Library/**/com.apple.x.plist" }] });
    assert.deepEqual(rootLevel.map((e) => e.relativePath), ["Library/Preferences/com.apple.x.plist", "Library/SMS/sms.db"]);
    const zeroDirs = await v.find({ backup: [{ domain: "HomeDomain", path: "**/Library/SMS/sms.db" }] });
    assert.equal(zeroDirs.length, 1, "a leading **/ may match no folder");
    const brace = await v.find({ backup: [{ domain: "AppDomain-com.example.{one,two}", path: "Library/WebKit/WebsiteData/observations.db" }] });
    assert.equal(brace.length, 2);
    assert.deepEqual(await v.find({ backup: [{ domain: "HomeDomain", path: "Library" }] }), [], "directories are not files");
    assert.deepEqual(await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/nothing.db" }] }), []);
    assert.deepEqual(await v.find({ fs: ["private/var/mobile/Library/SMS/sms.db"] }), []);

    const h = await v.openSqlite(sms);
    try {
      assert.equal((h.db.prepare("SELECT count(*) AS n FROM message").get() as { n: number }).n, 3);
      assert.equal(h.path, "HomeDomain/Library/SMS/sms.db");
      // No WAL goes with it: read where it is, immutable, not copied.
      assert.equal(h.db.name, `${pathToFileURL(join(dir, sms.fileId!.slice(0, 2), sms.fileId!)).href}?immutable=1`);
      assert.equal(h.db.readonly, true);
    } finally {
      h.close();
    }
    const [one] = await v.find({ backup: [{ domain: "AppDomain-com.example.one", path: "**" }] });
    assert.equal((await v.readFile(one)).toString(), "one");
    const chunks: Buffer[] = [];
    for await (const c of await v.openStream(one)) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), "one");
    assert.equal((await v.readFile({ path: "Info.plist" })).subarray(0, 8).toString(), "bplist00");

    const entries = [];
    for await (const e of v.entries()) entries.push(e);
    assert.equal(entries.length, FILES.length);
    const link = entries.find((e) => e.relativePath === "Library/Caches/link")!;
    assert.equal(link.type, "symlink");
    assert.equal(link.meta?.target, "/private/var/tmp");
    assert.equal(entries.find((e) => e.relativePath === "Library")?.type, "directory");

    assert.equal(v.manifestDbPath, join(dir, "Manifest.db"), "a plain Manifest.db without WAL is read in place");
    // Databases read in place are hashed in the background: settled() waits for it.
    await v.settled();
    const inputs = v.inputsRead();
    const smsInput = inputs.find((i) => i.path === `${sms.fileId!.slice(0, 2)}/${sms.fileId}`)!;
    assert.equal(smsInput.sha256, before.get(`${sms.fileId!.slice(0, 2)}/${sms.fileId}`));
    for (const name of ["Info.plist", "Manifest.plist", "Manifest.db"]) assert.equal(inputs.find((i) => i.path === name)?.sha256, before.get(name), name);
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(dir), before, "evidence unchanged");
});

test("a Manifest entry whose payload is missing: clear error naming the file (partial backup)", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES });
  const v = await openIosBackup(dir);
  try {
    const found = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Safari/History.db" }] });
    assert.equal(found.length, 1, "returned so the module fails rather than reporting the file absent");
    await assert.rejects(v.readFile(found[0]), (e: unknown) => e instanceof VigilError && e.oneLine().startsWith("HomeDomain/Library/Safari/History.db: ") && /payload .* is missing .*partial/.test(e.message));
    await assert.rejects(v.openSqlite(found[0]), /partial/);
  } finally {
    await v.close();
  }
});

test("an empty file without payload reads as empty; a non-empty one without payload is an error", async () => {
  const dir = fresh();
  await buildIosBackup(dir, {
    files: [
      { domain: "HomeDomain", relativePath: "Library/empty.log", data: "", omitPayload: true },
      { domain: "HomeDomain", relativePath: "Library/full.log", data: "abc", omitPayload: true },
    ],
    encrypted: { password: "p" },
  });
  const v = await openIosBackup(dir, { password: "p" });
  try {
    const [empty] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/empty.log" }] });
    assert.equal((await v.readFile(empty)).length, 0);
    const [full] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/full.log" }] });
    await assert.rejects(v.readFile(full), /missing/);
  } finally {
    await v.close();
  }
});

test("find leaves out missing payloads when other matches are present", async () => {
  const dir = fresh();
  await buildIosBackup(dir, {
    files: [
      { domain: "AppDomain-a", relativePath: "x/observations.db", data: "a" },
      { domain: "AppDomain-b", relativePath: "x/observations.db", data: "b", omitPayload: true },
    ],
  });
  const v = await openIosBackup(dir);
  try {
    const found = await v.find({ backup: [{ domain: "AppDomain-*", path: "**/observations.db" }] });
    assert.deepEqual(found.map((e) => e.domain), ["AppDomain-a"]);
  } finally {
    await v.close();
  }
});

test("WAL-mode databases without a WAL entry (Manifest.db included) are read in place, and nothing appears beside them", async () => {
  // A read-only open that is not immutable would create -shm and -wal files beside a WAL-mode
  // database (its header says WAL even after the WAL was checkpointed away).
  const dir = fresh();
  const scratch = mkdtempSync(join(base, "walmode-"));
  const p = join(scratch, "w.db");
  const w = new Database(p);
  w.pragma("journal_mode = WAL");
  w.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')");
  w.close();
  const data = readFileSync(p);
  assert.equal(data[18], 2, "the header says WAL");
  await buildIosBackup(dir, { files: [{ domain: "HomeDomain", relativePath: "Library/w.db", data }] });
  const m = new Database(join(dir, "Manifest.db"));
  m.pragma("journal_mode = WAL");
  m.close();
  const before = hashTree(dir);
  const v = await openIosBackup(dir);
  try {
    assert.equal(v.manifestDbPath, join(dir, "Manifest.db"));
    const [e] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/w.db" }] });
    const h = await v.openSqlite(e);
    try {
      assert.ok(h.db.name.endsWith("?immutable=1"), h.db.name);
      assert.deepEqual(h.db.prepare("SELECT v FROM t").all(), [{ v: "kept" }]);
    } finally {
      h.close();
    }
    await v.settled();
    assert.equal(v.inputsRead().find((i) => i.path === "Manifest.db")?.sha256, before.get("Manifest.db"));
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(dir), before, "no file changed or appeared in the backup folder");
});

test("SQLite with its -wal entry: the WAL is applied from the private copy", async () => {
  const dir = fresh();
  const { db, wal } = walPair();
  await buildIosBackup(dir, {
    files: [
      { domain: "HomeDomain", relativePath: "Library/x.db", data: db },
      { domain: "HomeDomain", relativePath: "Library/x.db-wal", data: wal },
    ],
    encrypted: { password: "pw" },
  });
  const before = hashTree(dir);
  const v = await openIosBackup(dir, { password: "pw" });
  try {
    const [e] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/x.db" }] });
    const h = await v.openSqlite(e);
    try {
      assert.deepEqual((h.db.prepare("SELECT v FROM t ORDER BY rowid").all() as { v: string }[]).map((r) => r.v), ["in-main", "in-wal"]);
    } finally {
      h.close();
    }
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(dir), before);
});

test("encrypted backup: password, key file (with trailing newline), the CLI's env var and prompt chain; provenance hashes the ciphertext", async () => {
  const dir = fresh();
  const built = await buildIosBackup(dir, { files: FILES, encrypted: { password: "correct horse" } });
  const before = hashTree(dir);
  const keyFile = join(base, `key-${n}.txt`);
  writeFileSync(keyFile, built.derivedKeyHex + "\n");
  const envBefore = process.env.VIGIL_BACKUP_PASSWORD;
  try {
    const ways: Parameters<typeof openIosBackup>[1][] = [{ password: "correct horse" }, { keyFile }, { getPassword: secretChain(undefined, PASSWORD_ENV, "q", async () => "correct horse") }];
    for (const opts of ways) {
      const v = await openIosBackup(dir, opts);
      try {
        assert.equal(v.encrypted, true);
        assert.equal(v.derivedKey?.toString("hex"), built.derivedKeyHex);
        const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
        const h = await v.openSqlite(sms);
        assert.equal((h.db.prepare("SELECT count(*) AS n FROM message").get() as { n: number }).n, 3);
        h.close();
        const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/*.plist" }] });
        assert.equal((await v.readFile(pref)).toString(), "plist-bytes");
        const rel = `${pref.fileId!.slice(0, 2)}/${pref.fileId}`;
        assert.equal(v.inputsRead().find((i) => i.path === rel)?.sha256, before.get(rel), "hash of the encrypted bytes on disk");
        assert.equal(v.inputsRead().find((i) => i.path === "Manifest.db")?.sha256, before.get("Manifest.db"));
      } finally {
        await v.close();
      }
    }
    process.env.VIGIL_BACKUP_PASSWORD = "correct horse";
    const v = await openIosBackup(dir, { getPassword: secretChain(undefined, PASSWORD_ENV, "q", false) });
    assert.equal(v.encrypted, true);
    await v.close();
  } finally {
    if (envBefore === undefined) delete process.env.VIGIL_BACKUP_PASSWORD;
    else process.env.VIGIL_BACKUP_PASSWORD = envBefore;
  }
  assert.deepEqual(hashTree(dir), before, "evidence unchanged");
});

test("encrypted backup: wrong password or key file fails at open time naming Manifest.plist; no password is a clear error", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES.slice(0, 3), encrypted: { password: "right" } });
  const mp = join(dir, "Manifest.plist");
  await assert.rejects(openIosBackup(dir, { password: "wrong" }), (e: unknown) => e instanceof WrongPasswordError && e.file === mp && /wrong backup password/.test(e.oneLine()));
  const badKey = join(base, `bad-${n}.txt`);
  writeFileSync(badKey, "ab".repeat(32));
  await assert.rejects(openIosBackup(dir, { keyFile: badKey }), (e: unknown) => e instanceof WrongPasswordError && /wrong key file/.test(e.message));
  writeFileSync(badKey, "not a key");
  await assert.rejects(openIosBackup(dir, { keyFile: badKey }), (e: unknown) => e instanceof VigilError && !(e instanceof WrongPasswordError) && e.file === badKey);
  // Neither a secret nor a way to ask for one: the opener reads no environment and no terminal.
  const envBefore = process.env.VIGIL_BACKUP_PASSWORD;
  process.env.VIGIL_BACKUP_PASSWORD = "right";
  try {
    await assert.rejects(openIosBackup(dir), (e: unknown) => e instanceof VigilError && /encrypted: give its password/.test(e.message));
    await assert.rejects(openIosBackup(dir, { getPassword: async () => undefined }), (e: unknown) => e instanceof VigilError && /encrypted: give its password/.test(e.message));
  } finally {
    if (envBefore === undefined) delete process.env.VIGIL_BACKUP_PASSWORD;
    else process.env.VIGIL_BACKUP_PASSWORD = envBefore;
  }
});

test("legacy (pre-10.2) encrypted backup: single PBKDF2 stage, plaintext Manifest.db", async () => {
  const dir = fresh();
  const built = await buildIosBackup(dir, { files: FILES.slice(0, 3), encrypted: { password: "old", legacy: true }, info: { "Product Version": "9.3.5" } });
  const v = await openIosBackup(dir, { password: "old" });
  try {
    assert.equal(v.derivedKey?.toString("hex"), built.derivedKeyHex);
    const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.x.plist" }] });
    assert.equal((await v.readFile(pref)).toString(), "plist-bytes");
  } finally {
    await v.close();
  }
});

test("locate: the backup folder, a folder above it, several backups, not a backup", async () => {
  const root = join(base, `loc${n++}`);
  const a = join(root, "Backup", "aaaa");
  await buildIosBackup(a, { files: FILES.slice(0, 2) });
  assert.deepEqual(locateBackup(a), { dir: a, how: "given" });
  assert.deepEqual(locateBackup(join(root, "Backup")), { dir: a, how: "below" });
  assert.deepEqual(locateBackup(root), { dir: a, how: "below" });
  const v = await openIosBackup(root);
  assert.equal(v.backupDir, a);
  assert.ok(v.inputsRead().some((i) => i.path === "Backup/aaaa/Info.plist"), "input paths read against the folder given");
  await v.close();
  const b = join(root, "Backup", "bbbb");
  await buildIosBackup(b, { files: FILES.slice(0, 2) });
  assert.throws(() => locateBackup(join(root, "Backup")), (e: unknown) => e instanceof VigilError && /holds 2 backups; give the folder of the one to check/.test(e.message) && e.message.includes(a) && e.message.includes(b));
  const empty = join(root, "empty");
  mkdirSync(empty);
  assert.throws(() => locateBackup(empty), (e: unknown) => e instanceof VigilError && /not an iPhone backup/.test(e.message) && e.file === empty);
  assert.throws(() => locateBackup(join(root, "nope")), /no such file/);
  assert.throws(() => locateBackup(join(a, "Info.plist")), /not a folder/);
  const half = join(root, "half");
  await buildIosBackup(half, { files: FILES.slice(0, 2) });
  unlinkSync(join(half, "Info.plist"));
  assert.throws(() => locateBackup(half), (e: unknown) => e instanceof VigilError && /incomplete iPhone backup: Info.plist is missing/.test(e.message));
});

test("no Manifest.plist (like MVT's test backup): opened as unencrypted; an encrypted Manifest.db then gets a clear error", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES.slice(0, 3), manifestPlist: false });
  const v = await openIosBackup(dir);
  assert.equal(v.encrypted, false);
  assert.equal((await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] })).length, 1);
  await v.close();

  const enc = fresh();
  await buildIosBackup(enc, { files: FILES.slice(0, 3), encrypted: { password: "x" } });
  unlinkSync(join(enc, "Manifest.plist"));
  await assert.rejects(openIosBackup(enc), (e: unknown) => e instanceof VigilError && /Manifest.plist is missing/.test(e.message) && e.file === join(enc, "Manifest.db"));
});

test("truncated Manifest.db, wrong schema, malformed Info.plist: one-line errors naming the file", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: Array.from({ length: 300 }, (_, i) => ({ domain: "HomeDomain", relativePath: `f${i}`, data: "x" })) });
  const copy = (label: string) => {
    const d = join(base, `${label}${n++}`);
    cpSync(dir, d, { recursive: true });
    return d;
  };
  const t = copy("trunc");
  truncateSync(join(t, "Manifest.db"), statSync(join(t, "Manifest.db")).size - 4096);
  await assert.rejects(openIosBackup(t), (e: unknown) => e instanceof VigilError && e.file === join(t, "Manifest.db") && /Manifest.db is truncated/.test(e.message));
  const t2 = copy("trunc2");
  truncateSync(join(t2, "Manifest.db"), 50);
  await assert.rejects(openIosBackup(t2), /shorter than the 100-byte SQLite header/);

  const s = copy("schema");
  const db = new Database(join(s, "Manifest.db"));
  db.exec("DROP TABLE Files; CREATE TABLE Files (fileID TEXT)");
  db.close();
  await assert.rejects(openIosBackup(s), (e: unknown) => e instanceof VigilError && /unexpected Manifest.db schema: table Files lacks domain/.test(e.message));

  const m = copy("info");
  writeFileSync(join(m, "Info.plist"), "<?xml version=\"1.0\"?><plist><dict><key>a</key>");
  await assert.rejects(openIosBackup(m), (e: unknown) => e instanceof VigilError && e.file === join(m, "Info.plist") && /malformed plist/.test(e.message));
  writeFileSync(join(m, "Info.plist"), "just text");
  await assert.rejects(openIosBackup(m), /malformed plist/);

  const enc = fresh();
  await buildIosBackup(enc, { files: FILES.slice(0, 3), encrypted: { password: "x" } });
  truncateSync(join(enc, "Manifest.db"), statSync(join(enc, "Manifest.db")).size - 5);
  await assert.rejects(openIosBackup(enc, { password: "x" }), /encrypted Manifest.db is truncated/);
});

test("encrypted payload corrupted on disk: clear error, other files still readable", async () => {
  const dir = fresh();
  const built = await buildIosBackup(dir, { files: FILES.slice(0, 3), encrypted: { password: "x" } });
  const id = built.fileIds["HomeDomain/Library/Preferences/com.apple.x.plist"];
  truncateSync(join(dir, id.slice(0, 2), id), 7);
  const v = await openIosBackup(dir, { password: "x" });
  try {
    const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.x.plist" }] });
    await assert.rejects(v.readFile(pref), (e: unknown) => e instanceof VigilError && /truncated/.test(e.message) && e.oneLine().startsWith("HomeDomain/Library/Preferences/com.apple.x.plist: "));
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    assert.ok((await v.readFile(sms)).subarray(0, 15).toString() === "SQLite format 3");
  } finally {
    await v.close();
  }
});

test("large payloads stream (encrypted), and the hash is logged once read to the end", async () => {
  const dir = fresh();
  const big = Buffer.alloc(17 * 1024 * 1024, 7);
  big.write("start", 0);
  const built = await buildIosBackup(dir, { files: [{ domain: "MediaDomain", relativePath: "Media/big.bin", data: big }], encrypted: { password: "x" } });
  const v = await openIosBackup(dir, { password: "x" });
  try {
    const [e] = await v.find({ backup: [{ domain: "MediaDomain", path: "Media/big.bin" }] });
    const h = createHash("sha256");
    let size = 0;
    for await (const c of await v.openStream(e)) {
      h.update(c as Buffer);
      size += (c as Buffer).length;
    }
    assert.equal(size, big.length);
    assert.equal(h.digest("hex"), createHash("sha256").update(big).digest("hex"));
    const id = built.fileIds["MediaDomain/Media/big.bin"];
    const onDisk = createHash("sha256").update(readFileSync(join(dir, id.slice(0, 2), id))).digest("hex");
    assert.equal(v.inputsRead().find((i) => i.path === `${id.slice(0, 2)}/${id}`)?.sha256, onDisk);
  } finally {
    await v.close();
  }
});

test("a big stream closed early is still hashed in full for provenance (settled)", async () => {
  const dir = fresh();
  // Each megabyte differs (and the last is partial), so chunks hashed out of order would show.
  const big = Buffer.alloc(17 * 1024 * 1024 + 12345);
  for (let i = 0; i <= 17; i++) big.fill(i + 1, i << 20, Math.min(big.length, (i + 1) << 20));
  const built = await buildIosBackup(dir, { files: [{ domain: "MediaDomain", relativePath: "Media/big.bin", data: big }] });
  const v = await openIosBackup(dir);
  try {
    const [e] = await v.find({ backup: [{ domain: "MediaDomain", path: "Media/big.bin" }] });
    const s = await v.openStream(e);
    for await (const _ of s) break;
    await new Promise((r) => setImmediate(r));
    await v.settled();
    const id = built.fileIds["MediaDomain/Media/big.bin"];
    assert.equal(v.inputsRead().find((i) => i.path === `${id.slice(0, 2)}/${id}`)?.sha256, createHash("sha256").update(big).digest("hex"));
  } finally {
    await v.close();
  }
});

test("a file that vanishes before its background hash is listed with the reason, not left out", async () => {
  const dir = fresh();
  const big = Buffer.alloc(17 * 1024 * 1024, 3);
  const built = await buildIosBackup(dir, { files: [{ domain: "MediaDomain", relativePath: "Media/big.bin", data: big }] });
  const v = await openIosBackup(dir);
  try {
    const [e] = await v.find({ backup: [{ domain: "MediaDomain", path: "Media/big.bin" }] });
    const s = await v.openStream(e);
    const id = built.fileIds["MediaDomain/Media/big.bin"];
    const rel = `${id.slice(0, 2)}/${id}`;
    for await (const _ of s) {
      // Gone while being read (the open stream keeps its own descriptor): the hash after the
      // early close cannot be made.
      rmSync(join(dir, rel));
      break;
    }
    await new Promise((r) => setImmediate(r));
    await v.settled();
    const input = v.inputsRead().find((i) => i.path === rel);
    assert.ok(input, "the file read is still listed");
    assert.equal(input.sha256, "");
    assert.match(input.error ?? "", /could not be hashed.*ENOENT/);
  } finally {
    await v.close();
  }
});

test("a database copy (decrypted) is reused by the next module that opens it, even after other databases were opened", async () => {
  const dir = fresh();
  const dbs = ["A", "B", "C"].map((x) => ({ domain: "HomeDomain", relativePath: `Library/${x}/x.db`, data: smsDb() }));
  await buildIosBackup(dir, { files: dbs, encrypted: { password: "pw" } });
  const before = hashTree(dir);
  const v = await openIosBackup(dir, { password: "pw" });
  try {
    const copyOf = async (x: string) => {
      const [e] = await v.find({ backup: [{ domain: "HomeDomain", path: `Library/${x}/x.db` }] });
      const h = await v.openSqlite(e);
      try {
        assert.equal((h.db.prepare("SELECT count(*) AS n FROM message").get() as { n: number }).n, 3);
        return h.db.name;
      } finally {
        h.close();
      }
    };
    const first = await copyOf("A");
    await copyOf("B");
    await copyOf("C");
    assert.equal(await copyOf("A"), first, "A's private copy was kept");
    assert.ok(existsSync(first));
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(dir), before, "evidence unchanged");
});

/** Every entry the view lists, failing (instead of looping) past `cap`. */
async function listAll(v: { entries(): AsyncIterable<{ path: string }> }, cap = 10_000): Promise<string[]> {
  const out: string[] = [];
  for await (const e of v.entries()) {
    out.push(e.path);
    assert.ok(out.length <= cap, `the listing does not end (${out.length} entries)`);
  }
  return out;
}

/** A copy of a five-file backup, to damage. */
async function smallBackupCopy(label: string): Promise<string> {
  const d = join(base, `${label}${n++}`);
  await buildIosBackup(d, { files: Array.from({ length: 5 }, (_, i) => ({ domain: "HomeDomain", relativePath: `f${i}`, data: "x" })) });
  return d;
}
const manifestError = (d: string, re: RegExp) => (e: unknown) => e instanceof VigilError && e.file === join(d, "Manifest.db") && re.test(e.message);

test("a Manifest.db whose Files table has no rowid (WITHOUT ROWID): a schema error naming the file", async () => {
  const w = await smallBackupCopy("norowid");
  const wdb = new Database(join(w, "Manifest.db"));
  wdb.exec("CREATE TABLE F2 (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB) WITHOUT ROWID; INSERT INTO F2 SELECT * FROM Files; DROP TABLE Files; ALTER TABLE F2 RENAME TO Files");
  wdb.close();
  await assert.rejects(openIosBackup(w), manifestError(w, /unexpected Manifest.db schema: Files has no rowid/));
});

test("a Manifest.db page that gives row ids out of order: the listing ends with an error instead of starting over", async () => {
  // The Files leaf page claims five more cells than it has: their pointers (free space, zeros)
  // point at the page header, read as rows with id 0 after rows 1-5.
  const c = await smallBackupCopy("cells");
  const cpath = join(c, "Manifest.db");
  const bytes = readFileSync(cpath);
  const pageSize = bytes.readUInt16BE(16);
  const probe = new Database(cpath, { readonly: true });
  const root = (probe.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'Files'").get() as { rootpage: number }).rootpage;
  probe.close();
  const at = (root - 1) * pageSize;
  assert.equal(bytes[at], 0x0d, "Files is one leaf page");
  bytes.writeUInt16BE(bytes.readUInt16BE(at + 3) + 5, at + 3);
  writeFileSync(cpath, bytes);
  const cv = await openIosBackup(c);
  try {
    await assert.rejects(listAll(cv), manifestError(c, /corrupt Manifest.db: row ids out of order/));
  } finally {
    await cv.close();
  }
});

test("a malformed Manifest.db page after the first: listing and find fail with an error naming the file", async () => {
  const big = fresh();
  await buildIosBackup(big, { files: Array.from({ length: 400 }, (_, i) => ({ domain: "HomeDomain", relativePath: `folder/file-${i}`, data: "x" })) });
  const bpath = join(big, "Manifest.db");
  const sdb = new Database(bpath, { readonly: true });
  const leaves = (sdb.prepare("SELECT pageno FROM dbstat WHERE name = 'Files' AND pagetype = 'leaf' ORDER BY pageno").all() as { pageno: number }[]).map((r) => r.pageno);
  const bps = sdb.pragma("page_size", { simple: true }) as number;
  sdb.close();
  assert.ok(leaves.length > 2);
  const bb = readFileSync(bpath);
  bb.fill(0xa5, (leaves[2] - 1) * bps, leaves[2] * bps);
  writeFileSync(bpath, bb);
  const bv = await openIosBackup(big);
  try {
    await assert.rejects(listAll(bv), manifestError(big, /corrupt Manifest.db: .*malformed/));
    await assert.rejects(bv.find({ backup: [{ domain: "*", path: "**/file-3*" }] }), manifestError(big, /corrupt Manifest.db/));
  } finally {
    await bv.close();
  }
});

test("Manifest.db rows of odd types are read as text, and a fileID that is not 40 hex digits never names a file outside the backup", async () => {
  const parent = join(base, `odd${n++}`);
  const dir = join(parent, "a", "udid");
  const built = await buildIosBackup(dir, { files: FILES.slice(0, 3) });
  // The payload a fileID of "../outside" names: parent/outside (its two-letter folder is "..").
  writeFileSync(join(parent, "outside"), "not evidence");
  const db = new Database(join(dir, "Manifest.db"));
  db.prepare("UPDATE Files SET fileID = '../outside' WHERE relativePath = 'Library/SMS/sms.db'").run();
  db.prepare("UPDATE Files SET domain = CAST('HomeDomain' AS BLOB), fileID = 12345, flags = 'x', file = 'text' WHERE relativePath = 'Library'").run();
  db.close();
  const before = hashTree(parent);
  const v = await openIosBackup(dir);
  try {
    const listed = await listAll(v);
    assert.ok(listed.includes("HomeDomain/Library"), "a blob domain read as text");
    const entries: FileEntry[] = [];
    for await (const e of v.entries()) entries.push(e);
    const odd = entries.find((e) => e.relativePath === "Library")!;
    assert.equal(odd.fileId, "12345");
    assert.equal(odd.domain, "HomeDomain");
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    assert.equal(sms.fileId, "../outside");
    await assert.rejects(v.readFile(sms), (e: unknown) => e instanceof VigilError && /payload name "\.\.\/outside", not 40 hex digits/.test(e.message));
    await assert.rejects(v.openSqlite(sms), /not 40 hex digits/);
    const rows = [...v.payloadRows()];
    assert.deepEqual(rows.filter((r) => r.refused).map((r) => r.relativePath).sort(), ["Library", "Library/SMS/sms.db"]);
    assert.ok(rows.every((r) => r.refused || !r.path!.includes("..")));
    assert.ok(built.fileIds["HomeDomain/Library/Preferences/com.apple.x.plist"]);
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(parent), before, "nothing written");
});

test("backup files that are not regular files (a folder, a FIFO): an error naming the file, never a read that blocks", async () => {
  const dir = fresh();
  const built = await buildIosBackup(dir, { files: FILES.slice(0, 3) });
  const smsId = built.fileIds["HomeDomain/Library/SMS/sms.db"];
  const prefId = built.fileIds["HomeDomain/Library/Preferences/com.apple.x.plist"];
  const copy = (label: string) => {
    const d = join(base, `${label}${n++}`);
    cpSync(dir, d, { recursive: true });
    return d;
  };
  for (const name of ["Status.plist", "Manifest.plist"]) {
    const d = copy("plistdir");
    rmSync(join(d, name));
    mkdirSync(join(d, name));
    await assert.rejects(openIosBackup(d), (e: unknown) => e instanceof VigilError && e.file === join(d, name) && /not a regular file/.test(e.message));
  }
  const d = copy("fifo");
  rmSync(join(d, smsId.slice(0, 2), smsId));
  mkdirSync(join(d, smsId.slice(0, 2), smsId));
  const fifo = join(d, prefId.slice(0, 2), prefId);
  rmSync(fifo);
  execFileSync("mkfifo", [fifo]);
  // Before, the FIFO was read and the read waited for a writer for ever: this one ends it after
  // 2 s (with nothing written), so that the test fails instead of hanging.
  const writer = spawn("sh", ["-c", 'sleep 2; : > "$0"', fifo], { stdio: "ignore" });
  const before = hashTree(join(d, smsId.slice(0, 2)));
  const v = await openIosBackup(d);
  try {
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    await assert.rejects(v.openSqlite(sms), (e: unknown) => e instanceof VigilError && e.oneLine() === `HomeDomain/Library/SMS/sms.db: payload ${smsId.slice(0, 2)}/${smsId} cannot be read (not a regular file)`);
    const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.x.plist" }] });
    await assert.rejects(v.readFile(pref), (e: unknown) => e instanceof VigilError && /cannot be read \(not a regular file\)/.test(e.message));
    await assert.rejects(v.openStream(pref), /not a regular file/);
  } finally {
    await v.close();
    writer.kill();
  }
  assert.deepEqual(hashTree(join(d, smsId.slice(0, 2))), before, "nothing written");
});

test("an Info.plist whose Last Backup Date is no valid time (NaN): the backup opens, without a backup date", async () => {
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES.slice(0, 3), info: { "Last Backup Date": new Date(NaN) } });
  const v = await openIosBackup(dir);
  try {
    assert.equal(v.device.lastBackup, undefined);
    assert.equal(v.device.acquired, undefined);
    assert.equal(v.device.model, "iPhone14,2");
  } finally {
    await v.close();
  }
});

test("a wrapped Manifest.db or file key that unwraps to 24 bytes, not an AES-256 key: 'cannot unwrap', not a RangeError", async () => {
  const prefix = Buffer.alloc(4);
  const wrapped = (clas: number, ck: Buffer) => {
    prefix.writeUInt32LE(clas, 0);
    return Buffer.concat([prefix, aesWrap(ck, Buffer.alloc(24, 7))]);
  };
  const dir = fresh();
  await buildIosBackup(dir, { files: FILES.slice(0, 3), encrypted: { password: "pw" } });
  const mpPath = join(dir, "Manifest.plist");
  const mp = parsePlist(readFileSync(mpPath)) as Record<string, BValue>;
  const { classKeys } = await unlockBackup(mp, mpPath, { password: "pw" });
  mp.ManifestKey = wrapped(4, classKeys.get(4)!);
  writeFileSync(mpPath, writeBplist(mp));
  await assert.rejects(openIosBackup(dir, { password: "pw" }), (e: unknown) => e instanceof VigilError && e.file === mpPath && /cannot unwrap the Manifest.db key/.test(e.message));

  // Before iOS 10.2 Manifest.db was not encrypted: the file key is changed in place.
  const old = fresh();
  await buildIosBackup(old, { files: FILES.slice(0, 3), encrypted: { password: "pw", legacy: true } });
  const keys = (await unlockBackup(parsePlist(readFileSync(join(old, "Manifest.plist"))) as Record<string, unknown>, "Manifest.plist", { password: "pw" })).classKeys;
  const db = new Database(join(old, "Manifest.db"));
  const blob = mbfileArchive({ relativePath: "Library/Preferences/com.apple.x.plist", mode: 0o100644, size: 11, birth: 1, lastModified: 1, lastStatusChange: 1, protectionClass: 3, encryptionKey: wrapped(3, keys.get(3)!) });
  db.prepare("UPDATE Files SET file = ? WHERE relativePath = 'Library/Preferences/com.apple.x.plist'").run(blob);
  db.close();
  const v = await openIosBackup(old, { password: "pw" });
  try {
    const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.x.plist" }] });
    await assert.rejects(v.readFile(pref), (e: unknown) => e instanceof VigilError && /cannot unwrap this file's key/.test(e.message));
  } finally {
    await v.close();
  }
});

test("a payload or plist that is a link leading out of the backup folder is not read; a link inside it is", async () => {
  const parent = join(base, `links${n++}`);
  const dir = join(parent, "udid");
  const built = await buildIosBackup(dir, { files: FILES.slice(0, 3) });
  const id = (rel: string) => built.fileIds[`HomeDomain/${rel}`];
  const payload = (rel: string) => join(dir, id(rel).slice(0, 2), id(rel));
  // The examiner's own files: a message database and a note.
  writeFileSync(join(parent, "chat.db"), smsDb(5));
  writeFileSync(join(parent, "note.txt"), "not evidence");
  rmSync(payload("Library/SMS/sms.db"));
  symlinkSync(join(parent, "chat.db"), payload("Library/SMS/sms.db"));
  // A link to a file of the backup is read (a copy made with links).
  const inside = join(dir, "pref-copy");
  renameSync(payload("Library/Preferences/com.apple.x.plist"), inside);
  symlinkSync(inside, payload("Library/Preferences/com.apple.x.plist"));
  const v = await openIosBackup(dir);
  try {
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    const outside = (e: unknown) => e instanceof VigilError && e.oneLine() === `HomeDomain/Library/SMS/sms.db: payload ${id("Library/SMS/sms.db").slice(0, 2)}/${id("Library/SMS/sms.db")} cannot be read (a link to a file outside the backup folder)`;
    await assert.rejects(v.openSqlite(sms), outside);
    await assert.rejects(v.readFile(sms), outside);
    await assert.rejects(v.inPlacePath!(sms), outside);
    await assert.rejects(v.openStream(sms), outside);
    const [pref] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.x.plist" }] });
    assert.equal((await v.readFile(pref)).toString(), "plist-bytes");
  } finally {
    await v.close();
  }
  rmSync(join(dir, "Status.plist"));
  symlinkSync(join(parent, "note.txt"), join(dir, "Status.plist"));
  await assert.rejects(openIosBackup(dir), (e: unknown) => e instanceof VigilError && e.file === join(dir, "Status.plist") && /a link to a file outside the backup folder/.test(e.message));
});
