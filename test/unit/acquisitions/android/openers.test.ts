import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openAndroidqf } from "../../../../src/acquisitions/android/androidqf.ts";
import { openBugreport } from "../../../../src/acquisitions/android/bugreport.ts";
import { filesView } from "../../../../src/acquisitions/android/common.ts";
import { openIntrusionLogs } from "../../../../src/acquisitions/android/intrusion-logs.ts";
import { VigilError, WrongPasswordError } from "../../../../src/core/errors.ts";
import { buildZip, testDir, writeTemp } from "../../../helpers/archive-builder.ts";
import { ageEncrypt, androidqfFiles, bugreportFiles, buildAb, newAgeIdentity, SMS_BACKUP_PATH, writeFolder, zipOf } from "../../../helpers/android-builder.ts";
import { oneLineError as oneLine } from "../../../helpers/evidence.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";
import { FAR_FUTURE, farFutureFolder } from "../../../helpers/far-future.ts";

const dir = testDir("vigil-android-acq");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function paths(v: { entries(): AsyncIterable<{ path: string; type?: string }> }): Promise<string[]> {
  const out: string[] = [];
  for await (const e of v.entries()) if ((e.type ?? "file") === "file") out.push(e.path);
  return out.sort();
}

const DEVICE = { model: "Pixel 7", osVersion: "14", patchLevel: "2024-03-05", fingerprint: "google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys" };

test("androidqf folder: device from getprop.txt, files listed, nested backup and bugreport opened", async () => {
  const ab = await buildAb([{ name: SMS_BACKUP_PATH, data: "[]" }]);
  const br = zipOf(bugreportFiles());
  const root = writeFolder(join(dir, "aqf"), androidqfFiles({ "backup.ab": ab, "bugreport.zip": br }));
  const v = await openAndroidqf(root);
  try {
    assert.equal(v.kind, "androidqf");
    assert.equal(v.encrypted, false);
    assert.deepEqual({ model: v.device.model, osVersion: v.device.osVersion, patchLevel: v.device.patchLevel, fingerprint: v.device.fingerprint }, DEVICE);
    assert.deepEqual(await paths(v), ["backup.ab", "bugreport.zip", "dumpsys.txt", "getprop.txt", "packages.json", "ps.txt"]);
    const nested = await v.nested();
    assert.deepEqual(nested.map((n) => [n.prefix, n.view.kind, n.view.root]), [
      ["backup_", "android_backup", `${root}/backup.ab`],
      ["bugreport_", "android_bugreport", `${root}/bugreport.zip`],
    ]);
    assert.equal((await nested[0].view.find({ android_backup: ["apps/**/*_sms_backup"] })).length, 1);
    assert.equal(nested[1].view.device.model, "Pixel 7");
    assert.equal(await v.nested(), await v.nested(), "opened once");
  } finally {
    await v.close();
  }
});

test("androidqf: the acquisition date from acquisition.json's start time, in UTC; none when it is unreadable", async () => {
  const good = writeFolder(join(dir, "aqf-dated"), androidqfFiles({ "acquisition.json": JSON.stringify({ uuid: "x", started: "2024-03-20T14:10:22.5+02:00" }) }));
  const v = await openAndroidqf(good);
  assert.equal(v.device.acquired, "2024-03-20T12:10:22.500Z");
  await v.close();
  const bad = writeFolder(join(dir, "aqf-undated"), androidqfFiles({ "acquisition.json": "{not json" }));
  const w = await openAndroidqf(bad);
  assert.equal(w.device.acquired, undefined);
  assert.equal(w.device.model, "Pixel 7");
  await w.close();
});

test("androidqf folder one level down (the folder androidqf ran in) is accepted", async () => {
  const outer = join(dir, "outer");
  writeFolder(join(outer, "2f7c0b4e-uuid"), androidqfFiles());
  const v = await openAndroidqf(outer);
  assert.ok((await paths(v)).includes("getprop.txt"));
  assert.equal(v.device.model, "Pixel 7");
  await v.close();
});

test("androidqf zip with a wrapper folder: entries relative to it, archive hashed", async () => {
  const data = zipOf(androidqfFiles(), "androidqf_20240320");
  const p = writeTemp(dir, "aqf.zip", data);
  const v = await openAndroidqf(p);
  try {
    assert.deepEqual(await paths(v), ["dumpsys.txt", "getprop.txt", "packages.json", "ps.txt"]);
    assert.equal(v.device.patchLevel, "2024-03-05");
    assert.deepEqual(await v.nested(), []);
    await v.settled();
    assert.deepEqual(v.inputsRead(), [{ path: p, sha256: sha(data), size: data.length }]);
  } finally {
    await v.close();
  }
});

test("androidqf .zip.age with a passphrase; wrong passphrase is a WrongPasswordError; missing one says what to give", async () => {
  const data = await ageEncrypt(zipOf(androidqfFiles()), { passphrase: "correct horse" });
  const p = writeTemp(dir, "aqf.zip.age", data);
  const v = await openAndroidqf(p, { passphrase: "correct horse" });
  try {
    assert.equal(v.encrypted, true);
    assert.equal(v.device.model, "Pixel 7");
    assert.equal((await v.readFile((await v.entry("ps.txt"))!)).toString().split("\n")[1], "root 1 0 100 10 0 0 S init");
    await v.settled();
    assert.deepEqual(v.inputsRead()[0], { path: p, sha256: sha(data), size: data.length });
  } finally {
    await v.close();
  }
  const wrong = await oneLine(openAndroidqf(p, { passphrase: "wrong" }));
  assert.ok(wrong instanceof WrongPasswordError, wrong.oneLine());
  assert.equal(wrong.file, p);
  const none = await oneLine(openAndroidqf(p, {}));
  assert.equal(none.code, "password");
  assert.match(none.oneLine(), /age-encrypted: give --passphrase/);
  // The passphrase chain is used when no option is given.
  const asked = await openAndroidqf(p, { getPassphrase: async () => "correct horse" });
  await asked.close();
});

test("androidqf .zip.age whose header is damaged or asks too much work: a file problem, never a wrong passphrase", async () => {
  const data = (await ageEncrypt(zipOf(androidqfFiles()), { passphrase: "p" })).toString("latin1");
  const cases: [string, string, RegExp][] = [
    ["work.zip.age", data.replace(/^(-> scrypt \S+) 10$/m, "$1 21"), /scrypt work factor is too high/],
    ["salt.zip.age", data.replace(/^-> scrypt \S+ /m, "-> scrypt AAAA "), /invalid scrypt stanza/],
    ["two.zip.age", data.replace(/^(-> scrypt .*\n.*\n)/m, "$1$1"), /scrypt recipient is not the only one/],
    ["mac.zip.age", data.replace(/^(--- )(.)/m, (_, a: string, c: string) => a + (c === "A" ? "B" : "A")), /invalid header HMAC/],
  ];
  for (const [name, text, reason] of cases) {
    assert.notEqual(text, data, name);
    const e = await oneLine(openAndroidqf(writeTemp(dir, name, Buffer.from(text, "latin1")), { passphrase: "p" }));
    assert.ok(!(e instanceof WrongPasswordError), `${name}: ${e.oneLine()}`);
    assert.equal(e.code, "format", name);
    assert.match(e.oneLine(), new RegExp(`${name.replace(/\./g, "\\.")}: not a readable age-encrypted file \\(${reason.source}`));
  }
});

test("androidqf .zip.age with an X25519 identity file; another identity is refused", async () => {
  const id = await newAgeIdentity();
  const p = writeTemp(dir, "aqf-id.zip.age", await ageEncrypt(zipOf(androidqfFiles()), { identity: id }));
  const idFile = writeTemp(dir, "key.txt", Buffer.from(`# created: 2024-03-20\n# public key: x\n${id}\n`));
  const v = await openAndroidqf(p, { identityFile: idFile });
  assert.equal(v.device.osVersion, "14");
  await v.close();
  const other = writeTemp(dir, "other.txt", Buffer.from((await newAgeIdentity()) + "\n"));
  assert.ok((await oneLine(openAndroidqf(p, { identityFile: other }))) instanceof WrongPasswordError);
  const bad = writeTemp(dir, "bad.txt", Buffer.from("nothing here\n"));
  assert.match((await oneLine(openAndroidqf(p, { identityFile: bad }))).oneLine(), /no AGE-SECRET-KEY/);
});

test("androidqf .zip.age whose header lists 20,000 recipients (2 MB) is refused before any key is tried", async () => {
  const id = await newAgeIdentity();
  const idFile = writeTemp(dir, "key20k.txt", Buffer.from(`${id}\n`));
  const data = (await ageEncrypt(zipOf(androidqfFiles()), { identity: id })).toString("latin1");
  const b64 = (n: number) => randomBytes(n).toString("base64").replace(/=+$/, "");
  const stanzas = Array.from({ length: 20_000 }, () => `-> X25519 ${b64(32)}\n${b64(32)}\n`).join("");
  const nl = data.indexOf("\n") + 1;
  const p = writeTemp(dir, "many.zip.age", Buffer.from(data.slice(0, nl) + stanzas + data.slice(nl), "latin1"));
  const e = await withinCpu(5, "an age header of 20,000 X25519 recipients", () => oneLine(openAndroidqf(p, { identityFile: idFile })));
  assert.ok(!(e instanceof WrongPasswordError), e.oneLine());
  assert.equal(e.code, "format");
  assert.match(e.oneLine(), /many\.zip\.age: age header lists more than 1000 recipients/);
});

test("androidqf .zip.age whose header holds a stanza of 16 MiB is refused at 4 MiB, before age-encryption keeps it line by line", async () => {
  const data = await ageEncrypt(zipOf(androidqfFiles()), { passphrase: "p" });
  const nl = data.indexOf(0x0a) + 1;
  const body = Buffer.alloc(16 << 20, "A".repeat(64) + "\n");
  const p = writeTemp(dir, "long-header.zip.age", Buffer.concat([data.subarray(0, nl), Buffer.from("-> X25519 AAAA\n"), body, Buffer.from("AAAA\n"), data.subarray(nl)]));
  // Before, the whole header was read into an object per line: 1.5 GB of memory and 12 s of CPU for 200 MB.
  const rss = process.memoryUsage().rss;
  const e = await withinCpu(5, "an age header of 16 MiB", () => oneLine(openAndroidqf(p, { passphrase: "p" })));
  assert.equal(e.code, "format");
  assert.match(e.oneLine(), /long-header\.zip\.age: age header is longer than 4 MiB/);
  assert.ok(process.memoryUsage().rss - rss < 100 << 20, "the header is not kept");
});

test("androidqf and bugreport: a damaged or huge getprop.txt or main_entry.txt gives fewer device facts, not a failed open", async () => {
  // Before, a getprop.txt without a property refused the whole bundle (VigilError at open), and one
  // of 600 MB, or such a main_entry.txt, threw a bare ERR_STRING_TOO_LONG.
  const damaged = writeFolder(join(dir, "aqf-bad-getprop"), androidqfFiles({ "getprop.txt": "garbage\n" }));
  const huge = writeFolder(join(dir, "aqf-huge-getprop"), androidqfFiles({ "getprop.txt": "" }));
  truncateSync(join(huge, "getprop.txt"), 600 << 20);
  for (const root of [damaged, huge]) {
    const v = await openAndroidqf(root);
    assert.equal(v.device.model, undefined);
    assert.ok((await v.entry("packages.json")) !== undefined);
    await v.close();
  }
  const br = writeFolder(join(dir, "br-huge-main-entry"), bugreportFiles());
  truncateSync(join(br, "main_entry.txt"), 600 << 20);
  const v = await openBugreport(br);
  assert.equal(v.device.bugreportMain, "bugreport-panther-UQ1A.240205.004-2024-03-20-10-00-00.txt");
  await v.close();
});

test("loose files of one name are numbered in one pass (20,000 took 16 s of CPU, trying every number again for each)", async () => {
  const log = writeTemp(dir, "conn.log", Buffer.from("{}\n"));
  const literal = writeTemp(dir, "3-conn.log", Buffer.from("{}\n"));
  const files = [log, log, literal, ...Array.from({ length: 20_000 }, () => log)];
  const v = await withinCpu(2, "20,000 loose files named conn.log", () => filesView(files, { kind: "network", platform: "network", root: "logs" }));
  const names: string[] = [];
  for await (const e of v.entries()) names.push(e.path);
  assert.equal(names.length, files.length);
  assert.deepEqual(names.slice(0, 5), ["conn.log", "2-conn.log", "3-conn.log", "4-conn.log", "5-conn.log"]);
  assert.equal(names.at(-1), "20003-conn.log");
});

test("androidqf: truncated age file and non-androidqf inputs give one-line errors", async () => {
  const data = await ageEncrypt(zipOf(androidqfFiles({ "big.bin": Buffer.alloc(200_000, 3) })), { passphrase: "p" });
  const p = writeTemp(dir, "cut.zip.age", data.subarray(0, data.length - 1000));
  assert.match((await oneLine(openAndroidqf(p, { passphrase: "p" }))).oneLine(), /cut\.zip\.age: age-encrypted file is truncated or corrupt/);
  const other = writeTemp(dir, "other.zip", buildZip([{ name: "hello.txt", data: "x" }]));
  assert.match((await oneLine(openAndroidqf(other))).oneLine(), /other\.zip: not an androidqf acquisition/);
  const junk = writeTemp(dir, "junk.bin", Buffer.from("junk"));
  assert.match((await oneLine(openAndroidqf(junk))).oneLine(), /junk\.bin: not a readable zip archive/);
  assert.equal((await oneLine(openAndroidqf(join(dir, "missing")))).code, "usage");
});

test("androidqf: an encrypted nested backup without a password fails its modules, not the check", async () => {
  const root = writeFolder(join(dir, "aqf-enc"), androidqfFiles({ "backup.ab": await buildAb([{ name: SMS_BACKUP_PATH, data: "[]" }], { password: "pw" }) }));
  const v = await openAndroidqf(root);
  const [n] = await v.nested();
  assert.equal(n.view.kind, "android_backup");
  assert.match((await oneLine(n.view.find({ android_backup: ["**"] }))).oneLine(), /backup\.ab: the Android backup is encrypted/);
  await v.close();
  const v2 = await openAndroidqf(root, { backupPassword: "pw" });
  const [n2] = await v2.nested();
  assert.equal((await n2.view.find({ android_backup: ["apps/**/*_sms_backup"] })).length, 1);
  await v2.close();
});

test("androidqf zip: a hostile member stops the open with a one-line error", async () => {
  const p = writeTemp(dir, "hostile-aqf.zip", buildZip([{ name: "getprop.txt", data: "" }, { name: "../../.bashrc", data: "evil" }]));
  const e = await oneLine(openAndroidqf(p));
  assert.equal(e.code, "archive_unsafe");
  assert.match(e.oneLine(), /"\.\.\/\.\.\/\.bashrc"/);
});

test("bugreport zip: main entry from main_entry.txt, device from the dumpstate, zip times kept", async () => {
  const files = bugreportFiles({ tombstones: 2 });
  const when = new Date(Date.UTC(2024, 2, 20, 9, 58, 0));
  const p = writeTemp(dir, "br.zip", buildZip(Object.entries(files).map(([name, data]) => ({ name, data, mtime: when }))));
  const v = await openBugreport(p);
  try {
    assert.equal(v.kind, "android_bugreport");
    assert.equal(v.device.bugreportMain, "bugreport-panther-UQ1A.240205.004-2024-03-20-10-00-00.txt");
    assert.deepEqual({ model: v.device.model, osVersion: v.device.osVersion, patchLevel: v.device.patchLevel, build: v.device.build }, { model: "Pixel 7", osVersion: "14", patchLevel: "2024-03-05", build: "UQ1A.240205.004" });
    const t = await v.find({ bugreport: ["FS/data/tombstones/tombstone_*"] });
    assert.equal(t.length, 2);
    assert.equal(t[0].modified, when.toISOString());
  } finally {
    await v.close();
  }
});

test("bugreport folder (and the folder above it); an older dumpstate.txt one; not-a-bugreport", async () => {
  const root = writeFolder(join(dir, "br-folder", "inner"), bugreportFiles({ main: "dumpstate.txt" }));
  for (const p of [root, join(dir, "br-folder")]) {
    const v = await openBugreport(p);
    assert.equal(v.device.bugreportMain, "dumpstate.txt");
    assert.equal(v.device.fingerprint, DEVICE.fingerprint);
    assert.ok((await paths(v)).includes("FS/data/tombstones/tombstone_00"));
    await v.close();
  }
  const noMainEntry = writeFolder(join(dir, "br-nomain"), { "bugreport-x.txt": "Build fingerprint: 'a/b/c:13/TQ1A/1:user/release-keys'\n" });
  const v = await openBugreport(noMainEntry);
  assert.equal(v.device.osVersion, "13");
  await v.close();
  const p = writeTemp(dir, "notbr.zip", buildZip([{ name: "x.txt", data: "x" }]));
  assert.match((await oneLine(openBugreport(p))).oneLine(), /notbr\.zip: not an Android bugreport/);
});

test("intrusion logs: a folder, a zip, loose files; nothing found is an error", async () => {
  const line = JSON.stringify({ dnsEvent: { hostname: "example.com", ipAddresses: ["/1.2.3.4"], timestamp: 1700000000000 } });
  const folder = writeFolder(join(dir, "il"), { "2024-03-20/dns.jsonl": line + "\n", "security.jsonl": "{}\n" });
  const v1 = await openIntrusionLogs(folder);
  assert.equal(v1.kind, "android_intrusion_logs");
  assert.equal(v1.specKey, "intrusion_logs");
  assert.deepEqual(await paths(v1), ["2024-03-20/dns.jsonl", "security.jsonl"]);
  assert.equal((await v1.find({ intrusion_logs: ["**/*.jsonl"] })).length, 2);
  const z = writeTemp(dir, "il.zip", buildZip([{ name: "export/a.jsonl", data: line }]));
  assert.deepEqual(await paths(await openIntrusionLogs(z)), ["a.jsonl"]);
  const f1 = writeTemp(dir, "one.jsonl", Buffer.from(line));
  mkdirSync(join(dir, "sub"), { recursive: true });
  const f2 = join(dir, "sub", "one.jsonl");
  writeFileSync(f2, line);
  const v3 = await openIntrusionLogs([f1, f2]);
  assert.deepEqual(await paths(v3), ["2-one.jsonl", "one.jsonl"]);
  assert.equal((await v3.readFile({ path: "one.jsonl" })).toString(), line);
  assert.deepEqual(v3.inputsRead().map((i) => i.path), [f1]);
  mkdirSync(join(dir, "empty"));
  assert.match((await oneLine(openIntrusionLogs(join(dir, "empty")))).oneLine(), /no intrusion-log files found/);
});

test("androidqf folder: the nested backup is listed once in the inputs, by the nested view", async () => {
  const ab = await buildAb([{ name: SMS_BACKUP_PATH, data: "[]" }]);
  const root = writeFolder(join(dir, "aqf-inputs"), androidqfFiles({ "backup.ab": ab }));
  const v = await openAndroidqf(root);
  const nested = await v.nested();
  await v.readFile((await v.entry("ps.txt"))!);
  for (const n of [v, ...nested.map((x) => x.view)]) await (n as typeof v).settled();
  const all = [v, ...nested.map((x) => x.view)].flatMap((x) => x.inputsRead()).map((i) => [i.path, i.sha256]);
  assert.deepEqual(all.sort(), [
    [join(root, "backup.ab"), sha(ab)],
    [join(root, "getprop.txt"), sha(readFileSync(join(root, "getprop.txt")))],
    [join(root, "ps.txt"), sha(readFileSync(join(root, "ps.txt")))],
  ]);
  await v.close();
});

const far = farFutureFolder();
test("loose files (captures, logs) whose modification time is past what a Date holds: listed without it, not a RangeError", { skip: far === undefined && "no file system here keeps such a time" }, async () => {
  try {
    const f = join(far!, "conn.log");
    writeFileSync(f, "x");
    utimesSync(f, FAR_FUTURE, FAR_FUTURE);
    const v = filesView([f], { kind: "network", platform: "network", root: far! });
    const listed = [];
    for await (const e of v.entries()) listed.push(e);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].modified, undefined);
    assert.ok(listed[0].changed);
    assert.equal((await v.entry!("conn.log"))?.modified, undefined);
  } finally {
    rmSync(far!, { recursive: true, force: true });
  }
});
