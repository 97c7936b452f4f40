import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openIosBackup } from "../../../../src/acquisitions/ios-backup/open.ts";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import backupInfo from "../../../../src/modules/ios/backup-info.ts";
import manifest, { devicePath, hostsInPath } from "../../../../src/modules/ios/manifest.ts";
import { latestIosRelease } from "../../../../src/indicators/ios-releases.ts";
import { buildIosBackup, type BackupFileSpec } from "../../../helpers/ios-backup-builder.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const base = mkdtempSync(join(tmpdir(), "vigil-iosb-mod-"));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const noIocs = matcherFromValues({}, "empty");

async function withBackup<T>(files: BackupFileSpec[], info: Record<string, string> | undefined, fn: (v: Awaited<ReturnType<typeof openIosBackup>>) => Promise<T>, encrypted?: { password: string }): Promise<T> {
  const dir = join(base, `b${n++}`);
  await buildIosBackup(dir, { files, info, encrypted });
  const v = await openIosBackup(dir, encrypted ? { password: encrypted.password } : {});
  try {
    return await fn(v);
  } finally {
    await v.close();
  }
}

test("backup_info: Info.plist fields as MVT names them, backup event; an outdated iOS is noted, never a detection (it is exposure)", async () => {
  await withBackup([{ domain: "HomeDomain", relativePath: "a", data: "x" }], { "Product Version": "15.7.1" }, async (v) => {
    const r = await collectModule(backupInfo, v, noIocs);
    assertMvtFields("backup_info", r.records);
    assert.equal(r.coverage.status, "checked");
    assert.equal(r.records.length, 1);
    const rec = r.records[0] as Record<string, unknown>;
    assert.equal(rec["Product Version"], "15.7.1");
    assert.equal(rec["Product Type"], "iPhone14,2");
    assert.deepEqual(rec["Installed Applications"], ["com.apple.mobilesafari", "net.whatsapp.WhatsApp"]);
    assert.equal(rec["Last Backup Date"], "2024-05-02T08:00:00.000Z");
    assert.equal(rec["MEID"], null);
    assert.equal(rec.encrypted, false);
    assert.equal(rec.newer_ios_available, latestIosRelease()!.version);
    assert.ok(rec.newer_ios_same_major, "15.x has later releases in the table");
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0].event, "backup_made");
    assert.deepEqual(r.detections, []);
    assert.deepEqual(r.exposure, []);
  });
});

test("backup_info: newest iOS is not flagged (must not flag); encrypted backups say so", async () => {
  const newest = latestIosRelease()!.version;
  await withBackup([{ domain: "HomeDomain", relativePath: "a", data: "x" }], { "Product Version": newest }, async (v) => {
    const r = await collectModule(backupInfo, v, noIocs);
    assert.equal(r.detections.length, 0);
    assert.equal((r.records[0] as Record<string, unknown>).encrypted, true);
    assert.equal((r.records[0] as Record<string, unknown>).newer_ios_available, null);
  }, { password: "p" });
});

test("backup_info: an Info.plist whose Last Backup Date is text and whose names are not text gives no timeline event with that text as its time", async () => {
  const dir = join(base, `b${n++}`);
  await buildIosBackup(dir, { files: [{ domain: "HomeDomain", relativePath: "a", data: "x" }], info: { "Last Backup Date": "not a date", "Product Version": { a: 1 }, "Device Name": ["x"] } });
  const v = await openIosBackup(dir);
  try {
    const r = await collectModule(backupInfo, v, noIocs);
    assert.equal((r.records[0] as Record<string, unknown>)["Last Backup Date"], "not a date");
    assert.deepEqual(r.events, []);
  } finally {
    await v.close();
  }
  const dir2 = join(base, `b${n++}`);
  await buildIosBackup(dir2, { files: [{ domain: "HomeDomain", relativePath: "a", data: "x" }], info: { "Product Version": { a: 1 }, "Device Name": ["x"] } });
  const v2 = await openIosBackup(dir2);
  try {
    const r = await collectModule(backupInfo, v2, noIocs);
    assert.deepEqual(r.events.map((e) => [e.timestamp, e.description]), [["2024-05-02T08:00:00.000Z", "Backup made of the device (iPhone14,2)"]]);
  } finally {
    await v2.close();
  }
});

test("backup_info is not applicable outside iOS backups", async () => {
  const v = memoryView({ kind: "ios_fs", platform: "ios", files: [{ path: "private/var/x", data: "x" }] });
  const r = await collectModule(backupInfo, v, noIocs);
  assert.equal(r.coverage.status, "not_applicable");
});

test("manifest: every item with MBFile times, mode, owner, size; MACB events", async () => {
  const files: BackupFileSpec[] = [
    { domain: "HomeDomain", relativePath: "Library", type: "directory", mtime: new Date("2024-01-01T00:00:00Z") },
    { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: "12345", mtime: new Date("2024-03-01T12:00:00Z"), birth: new Date("2023-01-01T00:00:00Z") },
    { domain: "RootDomain", relativePath: "Library/link", type: "symlink", target: "/private/var/tmp" },
  ];
  await withBackup(files, undefined, async (v) => {
    const r = await collectModule(manifest, v, noIocs);
    assertMvtFields("manifest", r.records);
    assert.equal(r.coverage.status, "checked");
    assert.equal(r.records.length, 3);
    const sms = r.records.find((x: any) => x.relative_path === "Library/SMS/sms.db") as Record<string, unknown>;
    assert.equal(sms.domain, "HomeDomain");
    assert.equal(sms.flags, 1);
    assert.equal(sms.type, "file");
    assert.equal(sms.created, "2023-01-01T00:00:00.000Z");
    assert.equal(sms.modified, "2024-03-01T12:00:00.000Z");
    assert.equal(sms.status_changed, "2024-03-01T12:00:00.000Z");
    assert.equal(sms.mode, "0o100644");
    assert.equal(sms.owner, 501);
    assert.equal(sms.size, 5);
    assert.equal(sms.device_path, "/private/var/mobile/Library/SMS/sms.db");
    const link = r.records.find((x: any) => x.type === "symlink") as Record<string, unknown>;
    assert.equal(link.symlink_target, "/private/var/tmp");
    assert.equal(link.device_path, "/private/var/root/Library/link");
    const smsEvents = r.events.filter((e) => e.description === "Library/SMS/sms.db - HomeDomain");
    assert.deepEqual(smsEvents.map((e) => [e.event, e.timestamp]).sort(), [["---B", "2023-01-01T00:00:00.000Z"], ["M-C-", "2024-03-01T12:00:00.000Z"]]);
    assert.ok(r.events.some((e) => e.event === "M-CB" && e.description === "Library - HomeDomain"));
  });
});

test("manifest: known file path (strong) and file name (medium) are flagged (must flag)", async () => {
  const iocs = matcherFromValues({ file_path: ["/private/var/db/com.apple.xpc.roleaccountd.staging/evil"], file_name: ["bh_agent.plist"] }, "Test set");
  await withBackup(
    [
      { domain: "DatabaseDomain", relativePath: "com.apple.xpc.roleaccountd.staging/evil/payload", data: "x" },
      { domain: "AppDomain-com.x", relativePath: "Library/Preferences/bh_agent.plist", data: "x" },
      { domain: "HomeDomain", relativePath: "Library/Preferences/com.apple.ok.plist", data: "x" },
    ],
    undefined,
    async (v) => {
      const r = await collectModule(manifest, v, iocs);
      const strong = r.detections.filter((d) => d.grade === "strong");
      assert.equal(strong.length, 1);
      assert.equal(strong[0].matched, "/private/var/db/com.apple.xpc.roleaccountd.staging/evil/payload");
      assert.equal(strong[0].artifact, "DatabaseDomain/com.apple.xpc.roleaccountd.staging/evil/payload");
      assert.equal(strong[0].matched_indicator?.type, "file_path");
      const medium = r.detections.filter((d) => d.grade === "medium");
      assert.equal(medium.length, 1);
      assert.equal(medium[0].matched_indicator?.type, "file_name");
      assert.equal(r.detections.length, 2, "the harmless preference file is not flagged");
    },
  );
});

test("manifest: hosts in file names — WebKit origin folders (medium, once per folder) and mentions (weak); no substring false positives", async () => {
  const iocs = matcherFromValues({ domain: ["evil.com"] }, "Test set");
  await withBackup(
    [
      { domain: "AppDomain-com.apple.mobilesafari", relativePath: "Library/WebKit/WebsiteData/LocalStorage/https_evil.com_0.localstorage", data: "x" },
      { domain: "AppDomain-com.apple.mobilesafari", relativePath: "Library/WebKit/WebsiteData/IndexedDB/https_cdn.evil.com_443", type: "directory" },
      { domain: "AppDomain-com.apple.mobilesafari", relativePath: "Library/WebKit/WebsiteData/IndexedDB/https_cdn.evil.com_443/a.sqlite3", data: "x" },
      { domain: "AppDomain-com.apple.mobilesafari", relativePath: "Library/WebKit/WebsiteData/IndexedDB/https_cdn.evil.com_443/b.sqlite3", data: "x" },
      { domain: "AppDomain-com.example", relativePath: "Library/Preferences/evil.com.plist", data: "x" },
      // must not flag:
      { domain: "AppDomain-com.example", relativePath: "Library/Preferences/notevil.com.plist", data: "x" },
      { domain: "AppDomain-com.example", relativePath: "Library/WebKit/WebsiteData/LocalStorage/https_evil.com.example.org_0.localstorage", data: "x" },
      { domain: "AppDomain-com.example", relativePath: "Library/Caches/com.evil.app/data.db", data: "x" },
    ],
    undefined,
    async (v) => {
      const r = await collectModule(manifest, v, iocs);
      const byArtifact = r.detections.map((d) => [d.grade, d.artifact, d.matched]).sort();
      assert.deepEqual(byArtifact, [
        ["medium", "AppDomain-com.apple.mobilesafari/Library/WebKit/WebsiteData/IndexedDB/https_cdn.evil.com_443", "cdn.evil.com"],
        ["medium", "AppDomain-com.apple.mobilesafari/Library/WebKit/WebsiteData/LocalStorage/https_evil.com_0.localstorage", "evil.com"],
        ["weak", "AppDomain-com.example/Library/Preferences/evil.com.plist", "evil.com"],
      ]);
      assert.ok(r.detections.every((d) => !d.title.includes("notevil")));
    },
  );
});

test("manifest: an unreadable MBFile blob is listed without metadata and warned about", async () => {
  await withBackup([{ domain: "HomeDomain", relativePath: "Library/a.txt", data: "x" }, { domain: "HomeDomain", relativePath: "Library/b.txt", data: "y" }], undefined, async (v) => {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(v.backupDir, "Manifest.db"));
    db.prepare("UPDATE Files SET file = ? WHERE relativePath = 'Library/b.txt'").run(Buffer.from("bplist00 not really"));
    db.close();
    const v2 = await openIosBackup(v.backupDir);
    try {
      const r = await collectModule(manifest, v2, noIocs);
      assert.equal(r.coverage.status, "checked");
      assert.equal(r.records.length, 2);
      const b = r.records.find((x: any) => x.relative_path === "Library/b.txt") as Record<string, unknown>;
      assert.equal(b.modified, null);
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0], /1 Manifest.db item\(s\) have unreadable file metadata/);
    } finally {
      await v2.close();
    }
  });
});

test("hostsInPath and devicePath helpers", () => {
  assert.deepEqual(hostsInPath("Library/WebKit/WebsiteData/LocalStorage/https_evil.com_0.localstorage").map((h) => [h.host, h.origin]), [["evil.com", true]]);
  assert.deepEqual(hostsInPath("Library/Preferences/notevil.com.plist").map((h) => h.host), ["notevil.com"]);
  assert.deepEqual(hostsInPath("Library/SMS/sms.db"), []);
  assert.deepEqual(hostsInPath("Library/Cookies/Cookies.binarycookies"), []);
  assert.equal(devicePath("HomeDomain", "Library/SMS/sms.db"), "/private/var/mobile/Library/SMS/sms.db");
  assert.equal(devicePath("AppDomain-com.x", "Library/a"), null);
  // A domain named like what every object inherits is no known domain.
  assert.equal(devicePath("constructor", "Library/a"), null);
});

test("manifest on 20k files streams in well under the time budget", async () => {
  const files: BackupFileSpec[] = [];
  for (let i = 0; i < 20000; i++) files.push({ domain: i % 2 ? "HomeDomain" : `AppDomain-com.app${i % 40}`, relativePath: `Library/WebKit/WebsiteData/LocalStorage/https_site${i}.example.com_0.localstorage`, data: "", omitPayload: true });
  const iocs = matcherFromValues({ domain: ["evil.com"], file_path: ["/private/var/tmp/x"], file_name: ["bh"] }, "Test set");
  await withBackup(files, undefined, async (v) => {
    const t = performance.now();
    const r = await collectModule(manifest, v, iocs);
    const ms = performance.now() - t;
    assert.equal(r.records.length, 20000);
    assert.equal(r.detections.length, 0);
    // A bound that only catches quadratic behaviour: test machines are shared and loaded
    // (the manifest of 20k files takes ~0.2 s on an idle 2-core box).
    assert.ok(ms < 20000, `took ${ms.toFixed(0)} ms`);
  });
});
