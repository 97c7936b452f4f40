// Telling an acquisition's kind from its path, for `vigil check PATH` and `vigil case add`.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { detectAcquisition } from "../../../src/acquisitions/detect.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { buildIosBackup } from "../../../src/acquisitions/ios-backup/build.ts";
import { androidqfFiles, buildAb, bugreportFiles, writeFolder, zipOf } from "../../helpers/android-builder.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { dnsQuery, frame, pcap, udp } from "../../helpers/net-builder.ts";
import { buildIosFsFolder, buildIosFsTar, buildIosFsZip, buildSysdiagnoseFolder, buildSysdiagnoseTar } from "../../helpers/ios-fs-builder.ts";

const kind = async (p: string) => (await detectAcquisition(p)).kind;

test("iPhone backups: the backup folder and a folder above it", async () => {
  const root = testDir("vigil-detect");
  const backup = join(root, "Backup", "00008110-000A");
  await buildIosBackup(backup, { files: [] });
  assert.equal(await kind(backup), "ios_backup");
  assert.equal(await kind(join(root, "Backup")), "ios_backup");
});

test("sysdiagnoses and file system dumps, as folders and archives", async () => {
  assert.equal(await kind(buildSysdiagnoseFolder({ "ps.txt": "" })), "ios_sysdiagnose");
  const tar = await buildSysdiagnoseTar({ "ps.txt": "" });
  assert.equal(await kind(tar), "ios_sysdiagnose");
  assert.equal(await kind(buildIosFsFolder({ "private/var/mobile/Library/x": "1" })), "ios_fs");
  assert.equal(await kind(buildIosFsZip({ "private/var/mobile/Library/x": "1" })), "ios_fs");
  assert.equal(await kind(await buildIosFsTar({ "private/var/mobile/Library/x": "1" })), "ios_fs");
});

test("Android: .ab backups, androidqf bundles, bugreports and intrusion logs", async () => {
  const root = testDir("vigil-detect-android");
  const ab = join(root, "phone.ab");
  writeFileSync(ab, await buildAb([]));
  assert.equal(await kind(ab), "android_backup");
  assert.equal(await kind(writeFolder(join(root, "qf"), androidqfFiles())), "androidqf");
  const qfZip = join(root, "qf.zip");
  writeFileSync(qfZip, zipOf(androidqfFiles()));
  assert.equal(await kind(qfZip), "androidqf");
  const br = join(root, "bugreport.zip");
  writeFileSync(br, zipOf(bugreportFiles()));
  assert.equal(await kind(br), "android_bugreport");
  const logs = join(root, "logs");
  mkdirSync(logs);
  writeFileSync(join(logs, "network.jsonl"), '{"dns":{"hostname":"a.example"}}\n');
  assert.equal(await kind(logs), "android_intrusion_logs");
  assert.equal(await kind(join(logs, "network.jsonl")), "android_intrusion_logs");
});

test("network evidence: captures by content or name, gzip'd captures, Zeek logs (also JSON), eve.json, App Privacy Report, PCAPdroid CSV, folders and zips of them", async () => {
  const root = testDir("vigil-detect-network");
  const capture = pcap([{ ts: Date.UTC(2024, 0, 1), data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000, 53, dnsQuery("a.example", 1))) }]);
  const file = (name: string, data: string | Buffer) => {
    const p = join(root, name);
    writeFileSync(p, data);
    return p;
  };
  assert.deepEqual(await detectAcquisition(file("phone.pcap", capture)), { kind: "network", because: "is a packet capture" });
  assert.deepEqual(await detectAcquisition(file("capture-no-extension", capture)), { kind: "network", because: "is a pcap capture" });
  assert.equal(await kind(file("phone.pcapng.gz", gzipSync(capture))), "network");
  // Zeek's JSON logs and eve.json are JSON lines too: their names say they are network logs.
  assert.equal(await kind(file("dns.log", '{"ts":1700000000,"query":"a.example"}\n')), "network");
  assert.equal(await kind(file("eve.json", '{"event_type":"dns"}\n')), "network");
  assert.equal(await kind(file("App_Privacy_Report_v4_2024-01-01T00_00_00.ndjson", '{"type":"networkActivity"}\n')), "network");
  assert.equal(await kind(file("connections.csv", "proto,src_ip\n")), "network");
  const folder = join(root, "hotspot");
  mkdirSync(join(folder, "zeek"), { recursive: true });
  writeFileSync(join(folder, "zeek", "ssl.log"), "#fields\tts\n");
  writeFileSync(join(folder, "notes.txt"), "taken at the helpline\n");
  assert.deepEqual(await detectAcquisition(folder), { kind: "network", because: "holds a Zeek log (ssl.log)" });
  const zip = join(root, "captures.zip");
  writeFileSync(zip, zipOf({ "captures/phone.pcap": capture }));
  assert.equal(await kind(zip), "network");
  // JSON-lines files with other names stay intrusion logs.
  const logs = join(root, "logs");
  mkdirSync(logs);
  writeFileSync(join(logs, "network.jsonl"), '{"dns":{"hostname":"a.example"}}\n');
  assert.equal(await kind(logs), "android_intrusion_logs");
});

test("a path that is no acquisition is a one-line usage error", async () => {
  const root = testDir("vigil-detect-none");
  writeFileSync(join(root, "notes.txt"), "just some notes\n");
  await assert.rejects(detectAcquisition(root), /cannot tell what kind of acquisition this folder is/);
  await assert.rejects(detectAcquisition(join(root, "notes.txt")), /cannot tell what kind of acquisition this file is/);
  await assert.rejects(detectAcquisition(join(root, "missing")), /no such file or folder/);
});

test("a folder whose log-like names are a FIFO or a folder: not looked into (a FIFO blocked the look for ever)", async () => {
  const root = testDir("vigil-detect-special");
  const dirs = join(root, "dirs");
  mkdirSync(join(dirs, "events.json"), { recursive: true });
  await assert.rejects(detectAcquisition(dirs), (e: unknown) => e instanceof VigilError && /cannot tell what kind of acquisition this folder is/.test(e.message));
  const fifos = join(root, "fifos");
  mkdirSync(fifos);
  execFileSync("mkfifo", [join(fifos, "security.log")]);
  // Before, the look opened the FIFO and waited for a writer: this one ends it after 2 s (with
  // nothing written), so that the test fails instead of hanging.
  const writer = spawn("sh", ["-c", 'sleep 2; : > "$0"', join(fifos, "security.log")], { stdio: "ignore" });
  try {
    const t0 = Date.now();
    await assert.rejects(detectAcquisition(fifos), /cannot tell what kind of acquisition this folder is/);
    assert.ok(Date.now() - t0 < 1500, "the FIFO was not opened");
  } finally {
    writer.kill();
  }
  writeFileSync(join(fifos, "network.jsonl"), '{"dns":{"hostname":"a.example"}}\n');
  assert.equal(await kind(fifos), "android_intrusion_logs");
});
