import { test } from "node:test";
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import applications, { type AppRecord } from "../../../../src/modules/ios/applications.ts";
import { xmlPlist } from "../../../helpers/system-fixtures.ts";
import { writeBplist } from "../../../helpers/bplist-writer.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const none = matcherFromValues({}, "Empty");

function itunesMetadata(id: string, name: string, sourceApp?: string, extra: Record<string, unknown> = {}) {
  return xmlPlist({
    softwareVersionBundleId: id,
    itemName: name,
    bundleShortVersionString: "2.1",
    bundleVersion: "210",
    artistName: "Example Inc.",
    ...(sourceApp ? { sourceApp } : {}),
    "com.apple.iTunesStore.downloadInfo": { purchaseDate: "2021-07-01T12:00:00Z", accountInfo: { AppleID: "owner@example.com" } },
    ...extra,
  });
}

// ---------- backups

function backupWith(info: Record<string, unknown>, manifest?: Record<string, unknown>) {
  const files: MemoryFile[] = [
    { path: "Info.plist", data: xmlPlist(info) },
    { domain: "HomeDomain", relativePath: "Library/Preferences/x.plist", data: "x" },
  ];
  if (manifest) files.push({ path: "Manifest.plist", data: xmlPlist(manifest) });
  return memoryView({ kind: "ios_backup", platform: "ios", files });
}

test("applications (backup): Info.plist Applications with iTunesMetadata, Installed Applications, Manifest.plist", async () => {
  const view = backupWith(
    {
      "Product Version": "16.5",
      Applications: {
        "net.whatsapp.WhatsApp": { iTunesMetadata: itunesMetadata("net.whatsapp.WhatsApp", "WhatsApp Messenger", "com.apple.AppStore"), PlaceholderIcon: Buffer.from("icon") },
        "com.side.loaded": { iTunesMetadata: itunesMetadata("com.side.loaded", "Side", "com.altstore.marketplace") },
      },
      "Installed Applications": ["net.whatsapp.WhatsApp", "com.side.loaded", "org.mozilla.ios.Firefox"],
    },
    { Applications: { "org.mozilla.ios.Firefox": { CFBundleIdentifier: "org.mozilla.ios.Firefox", CFBundleVersion: "39.0", Path: "/var/containers/Bundle/Application/AAAA/Client.app" }, "com.only.manifest": { CFBundleVersion: "1" } } },
  );
  const out = await collectModule(applications, view, none);
  assertMvtFields("applications", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as AppRecord[];
  const by = new Map(recs.map((r) => [r.bundle_id, r]));
  assert.deepEqual([...by.keys()].sort(), ["com.only.manifest", "com.side.loaded", "net.whatsapp.WhatsApp", "org.mozilla.ios.Firefox"]);
  const wa = by.get("net.whatsapp.WhatsApp")!;
  assert.equal(wa.source, "app_store");
  assert.equal(wa.name, "WhatsApp Messenger");
  assert.equal(wa.version, "2.1");
  assert.equal(wa.sourceApp, "com.apple.AppStore");
  assert.equal(wa.softwareVersionBundleId, "net.whatsapp.WhatsApp");
  assert.equal(wa.isodate, "2021-07-01T12:00:00.000Z");
  assert.equal(wa.icon_sha256, createHash("sha256").update("icon").digest("hex"));
  assert.deepEqual(wa.found_in, ["Info.plist Applications", "Info.plist Installed Applications"]);
  assert.equal(JSON.stringify(wa).includes("owner@example.com"), false, "the Apple ID in the metadata is not copied into the output");
  const ff = by.get("org.mozilla.ios.Firefox")!;
  assert.equal(ff.source, "unknown", "a backup without metadata cannot tell where the app came from");
  assert.equal(ff.build, "39.0");
  assert.equal(ff.app_path, "/var/containers/Bundle/Application/AAAA/Client.app");
  assert.equal(by.get("com.only.manifest")!.file_path, "Manifest.plist");
  // Events: one per app with a purchase date.
  assert.equal(out.events.filter((e) => e.event === "app_installed").length, 2);
  // Only the app whose metadata names another installer is flagged; unknown-origin apps are not.
  const flagged = out.detections.filter((d) => d.rule?.id === "app-not-from-app-store");
  assert.deepEqual(flagged.map((d) => d.matched), ["com.side.loaded"]);
  assert.equal(flagged[0].grade, "weak");
  assert.match(flagged[0].title, /installed by com\.altstore\.marketplace, not the App Store/);
  assert.equal(flagged[0].artifact, "Info.plist");
});

test("applications (backup): app id indicators are strong; the corpus-style Info.plist without Applications works", async () => {
  const view = backupWith({ "Installed Applications": ["ph.telegra.Telegraph", "com.stalker.app"] });
  const out = await collectModule(applications, view, matcherFromValues({ app_id: ["com.stalker.app"] }, "Stalkerware"));
  assert.equal(out.records.length, 2);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].grade, "strong");
  assert.equal(out.detections[0].kind, "indicator");
  assert.match(out.detections[0].title, /Known spyware app com\.stalker\.app is installed/);
});

test("applications (backup): missing or malformed Info.plist fails with one line", async () => {
  const noInfo = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "a", data: "x" }] });
  const a = await collectModule(applications, noInfo, none);
  assert.equal(a.coverage.status, "failed");
  assert.match(a.coverage.reason!, /^Info\.plist: cannot read the backup's Info\.plist/);
  const bad = memoryView({ kind: "ios_backup", platform: "ios", files: [{ path: "Info.plist", data: "<plist><dict><key>x" }] });
  const b = await collectModule(applications, bad, none);
  assert.equal(b.coverage.status, "failed");
  assert.match(b.coverage.reason!, /^Info\.plist: malformed plist/);
  assert.doesNotMatch(b.coverage.reason!, /\n/);
});

// ---------- filesystem dumps

const APPS = "private/var/containers/Bundle/Application";
function appInfo(id: string, name: string, exe: string) {
  return xmlPlist({ CFBundleIdentifier: id, CFBundleDisplayName: name, CFBundleShortVersionString: "1.0", CFBundleVersion: "100", CFBundleExecutable: exe });
}

test("applications (filesystem): bundles with and without store metadata (must flag / must not flag)", async () => {
  const files: MemoryFile[] = [
    // App Store app
    { path: `${APPS}/A1/iTunesMetadata.plist`, data: itunesMetadata("com.example.notes", "Notes Pro", "com.apple.AppStore") },
    { path: `${APPS}/A1/NotesPro.app/Info.plist`, data: appInfo("com.example.notes", "Notes Pro", "NotesPro") },
    { path: `${APPS}/A1/NotesPro.app/PlugIns/Share.appex/Info.plist`, data: appInfo("com.example.notes.share", "Share", "Share") },
    // Sideloaded: no iTunesMetadata
    { path: `${APPS}/B2/Tracker.app/Info.plist`, data: appInfo("com.stalker.tracker", "System Service", "tracker") },
    // Apple's own app without metadata: not flagged
    { path: `${APPS}/C3/Pages.app/Info.plist`, data: appInfo("com.apple.Pages", "Pages", "Pages") },
    // TestFlight and MDM installs: not flagged
    { path: `${APPS}/D4/iTunesMetadata.plist`, data: itunesMetadata("com.beta.app", "Beta", "com.apple.TestFlight") },
    { path: `${APPS}/D4/Beta.app/Info.plist`, data: appInfo("com.beta.app", "Beta", "Beta") },
    { path: `${APPS}/E5/iTunesMetadata.plist`, data: itunesMetadata("com.corp.app", "Corp", "com.apple.dmd") },
    { path: `${APPS}/E5/Corp.app/Info.plist`, data: appInfo("com.corp.app", "Corp", "Corp") },
    // Metadata without sourceApp (older iOS): the App Store
    { path: `${APPS}/F6/iTunesMetadata.plist`, data: itunesMetadata("com.old.app", "Old") },
    { path: `${APPS}/F6/Old.app/Info.plist`, data: appInfo("com.old.app", "Old", "Old") },
  ];
  const out = await collectModule(applications, memoryView({ kind: "ios_fs", platform: "ios", files }), matcherFromValues({ process: ["tracker"] }, "Stalkerware"));
  assert.equal(out.coverage.status, "checked");
  const by = new Map((out.records as AppRecord[]).map((r) => [r.bundle_id, r]));
  assert.equal(by.size, 6, "extensions are not apps");
  assert.deepEqual(
    Object.fromEntries([...by].map(([k, r]) => [k, r.source])),
    { "com.example.notes": "app_store", "com.stalker.tracker": "no_store_metadata", "com.apple.Pages": "no_store_metadata", "com.beta.app": "testflight", "com.corp.app": "mdm", "com.old.app": "app_store" },
  );
  const notes = by.get("com.example.notes")!;
  assert.equal(notes.name, "Notes Pro");
  assert.equal(notes.version, "1.0");
  assert.equal(notes.executable, "NotesPro");
  assert.equal(notes.app_path, `${APPS}/A1/NotesPro.app`);
  assert.equal(notes.file_path, `${APPS}/A1/iTunesMetadata.plist`);
  const flagged = out.detections.filter((d) => d.rule?.id === "app-not-from-app-store");
  assert.deepEqual(flagged.map((d) => d.matched), ["com.stalker.tracker"]);
  assert.match(flagged[0].title, /System Service \(com\.stalker\.tracker\) has no App Store metadata/);
  assert.equal(flagged[0].artifact, `${APPS}/B2/Tracker.app/Info.plist`);
  const ioc = out.detections.filter((d) => d.kind === "indicator");
  assert.equal(ioc.length, 1, "the executable name is checked as a process");
  assert.equal(ioc[0].matched, "tracker");
  assert.equal(ioc[0].grade, "strong");
});

test("applications (filesystem): a malformed iTunesMetadata is a warning and leaves the origin unknown", async () => {
  const files: MemoryFile[] = [
    { path: `${APPS}/A1/iTunesMetadata.plist`, data: "garbage" },
    { path: `${APPS}/A1/X.app/Info.plist`, data: appInfo("com.example.x", "X", "X") },
  ];
  const out = await collectModule(applications, memoryView({ kind: "ios_fs", platform: "ios", files }), none);
  assert.equal(out.coverage.status, "checked");
  assert.equal((out.records[0] as AppRecord).source, "unknown");
  assert.equal(out.detections.length, 0);
  assert.match(out.warnings[0], /A1\/iTunesMetadata\.plist: malformed plist/);
  const only = await collectModule(applications, memoryView({ kind: "ios_fs", platform: "ios", files: [files[0]] }), none);
  assert.equal(only.coverage.status, "failed");
  assert.match(only.coverage.reason!, /^private\/var\/containers\/Bundle\/Application\/A1\/iTunesMetadata\.plist: malformed plist/);
});

test("applications (backup): binary Info.plist with binary iTunesMetadata inside, as Finder writes them", async () => {
  const meta = writeBplist({ softwareVersionBundleId: "com.example.b", itemName: "B", sourceApp: "com.apple.AppStore", purchaseDate: new Date("2020-02-02T10:00:00Z") });
  const info = writeBplist({ Applications: { "com.example.b": { iTunesMetadata: meta, ApplicationSINF: Buffer.from([0]) } }, "Installed Applications": ["com.example.b"] });
  const out = await collectModule(applications, memoryView({ kind: "ios_backup", platform: "ios", files: [{ path: "Info.plist", data: info }] }), none);
  assert.equal(out.coverage.status, "checked");
  const r = out.records[0] as AppRecord;
  assert.equal(r.source, "app_store");
  assert.equal(r.name, "B");
  assert.equal(r.isodate, "2020-02-02T10:00:00.000Z");
  // A corrupt embedded metadata blob is a warning; the app stays, origin unknown.
  const bad = writeBplist({ Applications: { "com.example.c": { iTunesMetadata: Buffer.from("bplist00junk") } } });
  const out2 = await collectModule(applications, memoryView({ kind: "ios_backup", platform: "ios", files: [{ path: "Info.plist", data: bad }] }), none);
  assert.equal(out2.coverage.status, "checked");
  assert.equal((out2.records[0] as AppRecord).source, "unknown");
  assert.match(out2.warnings[0], /^Info\.plist Applications\/com\.example\.c\/iTunesMetadata: malformed plist/);
});

test("applications (backup): WhatsApp's version is exposure to the WhatsApp flaws exploited in the wild before the backup, never a detection", async () => {
  const info = {
    Applications: { "net.whatsapp.WhatsApp": { iTunesMetadata: itunesMetadata("net.whatsapp.WhatsApp", "WhatsApp Messenger", "com.apple.AppStore", { bundleShortVersionString: "2.19.40" }) } },
    "Installed Applications": ["net.whatsapp.WhatsApp"],
  };
  const at = (acquired: string) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ path: "Info.plist", data: xmlPlist(info) }], device: { platform: "ios", model: "iPhone11,2", acquired } });
  const out = await collectModule(applications, at("2019-06-01T00:00:00.000Z"), none);
  assert.deepEqual(out.detections, []);
  // The 2019 missed-call flaw (fixed in 2.19.51); the 2025 one is public only after this backup.
  assert.deepEqual(out.exposure.map((e) => [e.module, e.kind, e.params.cve, e.params.version, e.params.fixed_in, e.artifact]), [
    ["applications", "exploited_flaw", "CVE-2019-3568", "WhatsApp 2.19.40", "WhatsApp for iOS 2.19.51", "Info.plist"],
  ]);
  const later = await collectModule(applications, at("2025-09-15T00:00:00.000Z"), none);
  assert.deepEqual(later.exposure.map((e) => e.params.cve), ["CVE-2019-3568"], "2.19.40 is older than the versions CVE-2025-55177 affects");
});
