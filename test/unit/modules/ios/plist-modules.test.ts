import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import globalPreferences, { type GlobalPreferenceRecord } from "../../../../src/modules/ios/global-preferences.ts";
import addaily, { type AdDailyRecord } from "../../../../src/modules/ios/os-analytics-ad-daily.ts";
import locationd, { type LocationdRecord } from "../../../../src/modules/ios/locationd.ts";
import { macTime, xmlPlist } from "../../../helpers/system-fixtures.ts";
import { Real, writeBplist } from "../../../helpers/bplist-writer.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const none = matcherFromValues({}, "Empty");
const backup = (files: MemoryFile[]) => memoryView({ kind: "ios_backup", platform: "ios", files });
const fsView = (files: MemoryFile[]) => memoryView({ kind: "ios_fs", platform: "ios", files });
const GP = { domain: "HomeDomain", relativePath: "Library/Preferences/.GlobalPreferences.plist" };
const AD = { domain: "HomeDomain", relativePath: "Library/Preferences/com.apple.osanalytics.addaily.plist" };
const LD = { domain: "RootDomain", relativePath: "Library/Caches/locationd/clients.plist" };

// ---------- global_preferences

test("global_preferences: Lockdown Mode on is stated first, with an event at the file's time; other entries kept", async () => {
  const data = xmlPlist({ WebKitShowLinkPreviews: false, AppleLanguages: ["en-FR", "fr-FR"], LDMGlobalEnabled: true, AKLastEmailListRequestDateKey: new Date("2023-08-01T21:21:46Z") });
  const out = await collectModule(globalPreferences, backup([{ ...GP, data, modified: "2023-08-02T08:00:00.000Z" }]), none);
  assertMvtFields("global_preferences", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as GlobalPreferenceRecord[];
  assert.equal(recs.length, 4);
  assert.deepEqual(recs[0], { entry: "LDMGlobalEnabled", value: true, lockdown_mode: "on", as_of: "2023-08-02T08:00:00.000Z", source: "HomeDomain/Library/Preferences/.GlobalPreferences.plist" });
  assert.deepEqual(recs.find((r) => r.entry === "AppleLanguages")?.value, ["en-FR", "fr-FR"]);
  assert.equal(recs.find((r) => r.entry === "AKLastEmailListRequestDateKey")?.value, "2023-08-01T21:21:46.000Z");
  assert.deepEqual(out.events, [{ timestamp: "2023-08-02T08:00:00.000Z", module: "global_preferences", event: "lockdown_mode", description: "Lockdown Mode on (state when .GlobalPreferences.plist was last written)", detected: false }]);
  assert.equal(out.detections.length, 0);
});

test("global_preferences: Lockdown Mode off (false or never set) is stated, never a detection", async () => {
  const off = await collectModule(globalPreferences, backup([{ ...GP, data: xmlPlist({ LDMGlobalEnabled: false }) }]), none);
  assert.equal((off.records[0] as GlobalPreferenceRecord).lockdown_mode, "off");
  assert.equal(off.events.length, 0, "no file time: no event");
  const unset = await collectModule(globalPreferences, fsView([{ path: "private/var/mobile/Library/Preferences/.GlobalPreferences.plist", data: xmlPlist({ AppleLocale: "fr_FR" }) }]), none);
  const r0 = unset.records[0] as GlobalPreferenceRecord;
  assert.equal(r0.lockdown_mode, "off");
  assert.equal(r0.value, null);
  assert.match(r0.note!, /not set/);
  assert.equal(unset.records.length, 2);
  assert.equal(off.detections.length + unset.detections.length, 0);
});

test("global_preferences: the Lockdown Mode state is exposure (off: a risk, on: context); not set before iOS 16 says nothing", async () => {
  const on = await collectModule(globalPreferences, backup([{ ...GP, data: xmlPlist({ LDMGlobalEnabled: true }), modified: "2023-08-02T08:00:00.000Z" }]), none);
  assert.deepEqual(on.exposure, [{ kind: "lockdown_on", level: "info", params: {}, artifact: "HomeDomain/Library/Preferences/.GlobalPreferences.plist", timestamp: "2023-08-02T08:00:00.000Z", module: "global_preferences" }]);
  const off = await collectModule(globalPreferences, backup([{ ...GP, data: xmlPlist({ LDMGlobalEnabled: false }) }]), none);
  assert.deepEqual(off.exposure.map((e) => [e.kind, e.level]), [["lockdown_off", "risk"]]);
  const unset17 = await collectModule(globalPreferences, memoryView({ kind: "ios_backup", platform: "ios", files: [{ ...GP, data: xmlPlist({ AppleLocale: "fr_FR" }) }], device: { osVersion: "17.5" } }), none);
  assert.deepEqual(unset17.exposure.map((e) => e.kind), ["lockdown_off"]);
  const unset15 = await collectModule(globalPreferences, memoryView({ kind: "ios_backup", platform: "ios", files: [{ ...GP, data: xmlPlist({ AppleLocale: "fr_FR" }) }], device: { osVersion: "15.7" } }), none);
  assert.deepEqual(unset15.exposure, [], "Lockdown Mode came with iOS 16");
  assert.equal(on.detections.length + off.detections.length + unset17.detections.length, 0);
});

test("global_preferences: malformed plist and a non-dictionary fail with one line naming the file", async () => {
  const bad = await collectModule(globalPreferences, backup([{ ...GP, data: "<?xml version=\"1.0\"?><plist><dict><key>x</key>" }]), none);
  assert.equal(bad.coverage.status, "failed");
  assert.match(bad.coverage.reason!, /^HomeDomain\/Library\/Preferences\/\.GlobalPreferences\.plist: malformed plist/);
  assert.doesNotMatch(bad.coverage.reason!, /\n/);
  const arr = await collectModule(globalPreferences, backup([{ ...GP, data: xmlPlist(["a"]) }]), none);
  assert.equal(arr.coverage.reason, "HomeDomain/Library/Preferences/.GlobalPreferences.plist: unexpected plist: the top level is an array, not a dictionary");
});

// ---------- os_analytics_ad_daily

const adPlist = (base: Record<string, unknown>) => xmlPlist({ netUsageBaseline: base, lastPeriodStart: new Date("2021-01-01T00:00:00Z") });

test("os_analytics_ad_daily: per-process counters, events, and process indicators with truncation", async () => {
  const data = adPlist({
    "com.apple.WebKit.Networking": [new Date("2021-06-01T10:00:00Z"), 100, 200, 300, 400],
    bh: [new Date("2021-06-02T11:00:00Z"), 1, 2, 3, 4],
    "rolexaccountdxyz": [new Date("2021-06-02T11:30:00Z"), 0, 0, 5, 6],
    broken: "not an array",
  });
  const iocs = matcherFromValues({ process: ["bh", "rolexaccountdxyzabc"] }, "Pegasus");
  const out = await collectModule(addaily, backup([{ ...AD, data }]), iocs);
  assertMvtFields("os_analytics_ad_daily", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as AdDailyRecord[];
  assert.equal(recs.length, 3);
  assert.deepEqual(recs[0], { package: "com.apple.WebKit.Networking", ts: "2021-06-01T10:00:00.000Z", wifi_in: 100, wifi_out: 200, wwan_in: 300, wwan_out: 400, source: "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist" });
  assert.match(out.warnings[0], /1 netUsageBaseline entry is not \[date, 4 counters\]/);
  assert.equal(out.events.length, 3);
  assert.equal(out.events[0].event, "osanalytics_addaily");
  const grades = Object.fromEntries(out.detections.map((d) => [d.matched, d.grade]));
  assert.deepEqual(grades, { bh: "strong", rolexaccountdxyz: "medium" });
  assert.equal(out.detections[0].timestamp, "2021-06-02T11:00:00.000Z");
  // must not flag: a name that is only a prefix of an indicator but not of truncation length.
  const clean = await collectModule(addaily, backup([{ ...AD, data: adPlist({ rolex: [new Date(), 1, 1, 1, 1] }) }]), iocs);
  assert.equal(clean.detections.length, 0);
});

test("os_analytics_ad_daily: no baseline is zero records; a wrong type or malformed plist fails naming the file", async () => {
  const empty = await collectModule(addaily, fsView([{ path: "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist", data: xmlPlist({ other: 1 }) }]), none);
  assert.equal(empty.coverage.status, "checked");
  assert.equal(empty.coverage.records, 0);
  const wrong = await collectModule(addaily, backup([{ ...AD, data: xmlPlist({ netUsageBaseline: [1, 2] }) }]), none);
  assert.equal(wrong.coverage.reason, "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist: unexpected plist: netUsageBaseline is not a dictionary");
  const bin = await collectModule(addaily, backup([{ ...AD, data: Buffer.from("bplist00garbage") }]), none);
  assert.equal(bin.coverage.status, "failed");
  assert.match(bin.coverage.reason!, /^HomeDomain\/Library\/Preferences\/com\.apple\.osanalytics\.addaily\.plist: malformed plist/);
});

// ---------- locationd_clients

function clients() {
  return xmlPlist({
    "com.apple.Maps": { BundleId: "com.apple.Maps", Authorization: 2, Whitelisted: false, LocationTimeStopped: macTime("2021-05-01T09:00:00Z"), ReceivingLocationInformationTimeStopped: macTime("2021-05-01T09:05:00Z") },
    "/System/Library/LocationBundles/Spy.bundle:": { BundlePath: "/private/var/db/spy/Spy.bundle", Registered: true, ClientStorageToken: Buffer.from([1, 2, 3]) },
    "com.stalker.app": { BundleId: "com.stalker.app", Executable: "/var/containers/Bundle/Application/X/Stalk.app/Stalk", ConsumptionPeriodBegin: macTime("2021-04-30T00:00:00Z") },
    "bh": { Registered: "/usr/libexec/bh" },
    MigrationVersion: 5,
  });
}

test("locationd_clients: client dictionaries become records with ISO times and events", async () => {
  const out = await collectModule(locationd, backup([{ ...LD, data: clients() }]), none);
  assertMvtFields("locationd_clients", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as LocationdRecord[];
  assert.equal(recs.length, 4, "the migration counter is not a client");
  const maps = recs.find((r) => r.package === "com.apple.Maps")!;
  assert.equal(maps.LocationTimeStopped, "2021-05-01T09:00:00.000Z");
  assert.equal(maps.Authorization, 2);
  assert.equal(maps.source, "RootDomain/Library/Caches/locationd/clients.plist");
  const spy = recs.find((r) => r.package === "/System/Library/LocationBundles/Spy.bundle")!;
  assert.equal(spy.ClientStorageToken, "AQID");
  assert.equal(spy.Registered, true);
  assert.deepEqual(
    out.events.map((e) => `${e.event}|${e.timestamp}|${e.description}`),
    [
      "ReceivingLocationInformationTimeStopped|2021-05-01T09:05:00.000Z|ReceivingLocationInformationTimeStopped from com.apple.Maps",
      "LocationTimeStopped|2021-05-01T09:00:00.000Z|LocationTimeStopped from com.apple.Maps",
      "ConsumptionPeriodBegin|2021-04-30T00:00:00.000Z|ConsumptionPeriodBegin from com.stalker.app",
    ],
  );
  assert.equal(out.detections.length, 0);
});

test("locationd_clients: names, bundle ids and paths checked (must flag / must not flag)", async () => {
  const iocs = matcherFromValues({ process: ["bh", "Stalk"], app_id: ["com.stalker.app"], file_path: ["/private/var/db/spy"] }, "Predator");
  const out = await collectModule(locationd, fsView([{ path: "private/var/mobile/Library/Caches/locationd/clients.plist", data: clients() }]), iocs);
  const got = out.detections.map((d) => `${d.matched}|${d.matched_indicator?.type}|${d.grade}`).sort();
  assert.deepEqual(got, [
    "/private/var/db/spy/Spy.bundle|file_path|strong",
    "Stalk|process|strong",
    "bh|process|strong",
    "com.stalker.app|app_id|strong",
  ]);
  assert.ok(out.detections.every((d) => d.artifact === "private/var/mobile/Library/Caches/locationd/clients.plist"));
  // "bh" as the client's name and as the basename of its Registered path is one indicator: one detection.
  assert.equal(out.detections.filter((d) => d.matched_indicator?.value === "bh").length, 1);
  assert.match(out.detections.find((d) => d.matched === "com.stalker.app")!.title, /Known spyware app com\.stalker\.app registered with location services \(Predator\)/);
  // Maps is not flagged by any of these indicators.
  assert.ok(!out.detections.some((d) => (d.record as LocationdRecord).package === "com.apple.Maps"));
});

test("locationd_clients: malformed plist fails with one line naming the file", async () => {
  const out = await collectModule(locationd, backup([{ ...LD, data: "garbage" }]), none);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "RootDomain/Library/Caches/locationd/clients.plist: malformed plist: neither a binary nor an XML plist");
});

// ---------- binary plists, as devices write them

test("binary plists: locationd times as reals, addaily dates and big counters, Lockdown Mode as integer", async () => {
  const ld = writeBplist({
    "com.example.run": { BundleId: "com.example.run", Authorization: 4, LocationTimeStopped: new Real(macTime("2022-02-02T02:02:02.500Z")), ClientStorageToken: Buffer.from("tok") },
  });
  const a = await collectModule(locationd, backup([{ ...LD, data: ld }]), none);
  assert.equal(a.coverage.status, "checked");
  const rec = a.records[0] as LocationdRecord;
  assert.equal(rec.LocationTimeStopped, "2022-02-02T02:02:02.500Z");
  assert.equal(rec.ClientStorageToken, Buffer.from("tok").toString("base64"));

  const ad = writeBplist({ netUsageBaseline: { bh: [new Date("2021-06-02T11:00:00Z"), 5000000000n, 1, new Real(2.5), 0] } });
  const b = await collectModule(addaily, backup([{ ...AD, data: ad }]), matcherFromValues({ process: ["bh"] }, "Pegasus"));
  assert.equal(b.coverage.status, "checked");
  const r = b.records[0] as AdDailyRecord;
  assert.equal(r.ts, "2021-06-02T11:00:00.000Z");
  assert.equal(r.wifi_in, 5000000000);
  assert.equal(r.wwan_in, 2.5);
  assert.equal(b.detections.length, 1);

  const gp = writeBplist({ LDMGlobalEnabled: 1, AppleLocale: "fr_FR" });
  const c = await collectModule(globalPreferences, backup([{ ...GP, data: gp }]), none);
  assert.equal((c.records[0] as GlobalPreferenceRecord).lockdown_mode, "on");
});
