import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import profiles, { type ConfigurationProfilesRecord, type ProfileRecord } from "../../../../src/modules/ios/configuration-profiles.ts";
import profileEvents, { type ProfileEventRecord } from "../../../../src/modules/ios/profile-events.ts";
import { xmlPlist } from "../../../helpers/system-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const none = matcherFromValues({}, "Empty");
const CP = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
const backup = (files: MemoryFile[]) => memoryView({ kind: "ios_backup", platform: "ios", files });

function profile(opts: { id: string; uuid: string; name: string; installed?: string; payloads: Record<string, unknown>[] }) {
  return xmlPlist({
    PayloadType: "Configuration",
    PayloadVersion: 1,
    PayloadIdentifier: opts.id,
    PayloadUUID: opts.uuid,
    PayloadDisplayName: opts.name,
    PayloadOrganization: "Example Org",
    PayloadDescription: "A profile",
    ...(opts.installed ? { InstallDate: new Date(opts.installed) } : {}),
    PayloadContent: opts.payloads.map((p, i) => ({ PayloadVersion: 1, PayloadUUID: `00000000-0000-0000-0000-00000000000${i}`, PayloadIdentifier: `${opts.id}.p${i}`, ...p })),
    SignerCerts: [Buffer.from([0x30, 0x82])],
  });
}

const wifi = profile({ id: "com.example.wifi", uuid: "11111111-1111-1111-1111-111111111111", name: "Office Wi-Fi", installed: "2022-03-01T08:00:00Z", payloads: [{ PayloadType: "com.apple.wifi.managed", SSID_STR: "office" }] });
const hiding = profile({
  id: "com.shady.notif",
  uuid: "22222222-2222-2222-2222-222222222222",
  name: "Battery saver",
  installed: "2022-04-01T08:00:00Z",
  payloads: [
    {
      PayloadType: "com.apple.notificationsettings",
      NotificationSettings: [
        { BundleIdentifier: "com.apple.mobilesafari", NotificationsEnabled: true, ShowInNotificationCenter: true, ShowInLockScreen: true, AlertType: 1 },
        { BundleIdentifier: "com.stalker.app", NotificationsEnabled: true, ShowInNotificationCenter: false, ShowInLockScreen: true, AlertType: 1 },
      ],
    },
  ],
});
const shownOnly = profile({
  id: "com.school.notif",
  uuid: "33333333-3333-3333-3333-333333333333",
  name: "School notifications",
  payloads: [{ PayloadType: "com.apple.notificationsettings", NotificationSettings: [{ BundleIdentifier: "com.school.app", NotificationsEnabled: true, ShowInNotificationCenter: true, ShowInLockScreen: true, AlertType: 2 }] }],
});
const mdm = profile({
  id: "com.corp.mdm",
  uuid: "44444444-4444-4444-4444-444444444444",
  name: "Corp MDM",
  installed: "2022-05-01T08:00:00Z",
  payloads: [{ PayloadType: "com.apple.security.root", PayloadContent: Buffer.from([1, 2]) }, { PayloadType: "com.apple.mdm", ServerURL: "https://mdm.corp.example/" }],
});

test("configuration_profiles: profile stubs become records with MVT fields and a summary; install events", async () => {
  const out = await collectModule(
    profiles,
    backup([
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-aaaa.stub", data: wifi, fileId: "f1" },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/PayloadManifest.plist", data: xmlPlist({}) },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/CloudConfigurationDetails.plist", data: xmlPlist({ IsSupervised: false, IsMandatory: false, OrganizationName: "", CloudConfigurationUIComplete: true }) },
    ]),
    none,
  );
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.records.length, 2, "PayloadManifest.plist is not a profile");
  const p = (out.records as ConfigurationProfilesRecord[]).find((r) => r.kind === "profile") as ProfileRecord;
  assert.equal(p.file_id, "f1");
  assert.equal(p.domain, CP);
  assert.equal(p.relative_path, "Library/ConfigurationProfiles/profile-aaaa.stub");
  assert.equal(p.identifier, "com.example.wifi");
  assert.equal(p.uuid, "11111111-1111-1111-1111-111111111111");
  assert.equal(p.display_name, "Office Wi-Fi");
  assert.equal(p.organization, "Example Org");
  assert.equal(p.install_date, "2022-03-01T08:00:00.000Z");
  assert.deepEqual(p.payload_types, ["com.apple.wifi.managed"]);
  assert.deepEqual((p.plist as { SignerCerts: string[] }).SignerCerts, ["MII="]);
  const cloud = out.records.find((r) => (r as ConfigurationProfilesRecord).kind === "cloud_configuration") as { is_supervised: boolean | null };
  assert.equal(cloud.is_supervised, false);
  assert.equal(out.events.length, 1);
  assert.equal(out.events[0].event, "configuration_profile_install");
  assert.match(out.events[0].description, /"Office Wi-Fi" \(com\.example\.wifi, UUID 11111111-.*\) installed; payloads: com\.apple\.wifi\.managed/);
  assert.equal(out.detections.length, 0);
});

test("configuration_profiles: known profile by UUID or identifier is strong", async () => {
  const iocs = matcherFromValues({ configuration_profile: ["11111111-1111-1111-1111-111111111111"] }, "Stalkerware");
  const out = await collectModule(profiles, backup([{ domain: CP, relativePath: "Library/ConfigurationProfiles/profile-aaaa.stub", data: wifi }]), iocs);
  assertMvtFields("configuration_profiles", out.records);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].grade, "strong");
  assert.equal(out.detections[0].artifact, `${CP}/Library/ConfigurationProfiles/profile-aaaa.stub`);
  assert.equal(out.detections[0].timestamp, "2022-03-01T08:00:00.000Z");
  assert.match(out.detections[0].title, /Known malicious configuration profile "Office Wi-Fi" installed/);
  const byId = await collectModule(profiles, backup([{ domain: CP, relativePath: "Library/ConfigurationProfiles/profile-aaaa.stub", data: wifi }]), matcherFromValues({ configuration_profile: ["com.example.wifi"] }, "S"));
  assert.equal(byId.detections.length, 1);
});

test("configuration_profiles: profile-hides-notifications (must flag / must not flag)", async () => {
  const out = await collectModule(
    profiles,
    memoryView({
      kind: "ios_fs",
      platform: "ios",
      files: [
        { path: "private/var/containers/Shared/SystemGroup/8E1E4B3F-0000-4000-8000-000000000001/Library/ConfigurationProfiles/profile-bbbb.stub", data: hiding },
        { path: "private/var/containers/Shared/SystemGroup/8E1E4B3F-0000-4000-8000-000000000001/Library/ConfigurationProfiles/profile-cccc.stub", data: shownOnly },
      ],
    }),
    none,
  );
  assert.equal(out.records.length, 2);
  const flagged = out.detections.filter((d) => d.rule?.id === "profile-hides-notifications");
  assert.equal(flagged.length, 1, "the profile that shows every notification is not flagged");
  assert.equal(flagged[0].grade, "medium");
  assert.match(flagged[0].title, /"Battery saver" hides notifications of com\.stalker\.app/);
  assert.deepEqual((out.records.find((r) => (r as ProfileRecord).identifier === "com.shady.notif") as ProfileRecord).hidden_notifications, ["com.stalker.app"]);
  assert.match(flagged[0].artifact, /profile-bbbb\.stub$/);
});

test("configuration_profiles: root certificate and MDM enrollment are weak (must flag / must not flag)", async () => {
  const out = await collectModule(
    profiles,
    backup([
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-dddd.stub", data: mdm },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-aaaa.stub", data: wifi },
    ]),
    none,
  );
  const rules = out.detections.map((d) => `${d.rule?.id}|${d.grade}`).sort();
  assert.deepEqual(rules, ["profile-mdm-enrollment|weak", "profile-root-certificate|weak"]);
  assert.ok(out.detections.every((d) => /profile-dddd/.test(d.artifact)));
});

test("configuration_profiles: one malformed stub is a warning; a single malformed file fails naming it", async () => {
  const two = await collectModule(
    profiles,
    backup([
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-aaaa.stub", data: wifi },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-broken.stub", data: "<?xml version=\"1.0\"?><plist><dict><key>x" },
    ]),
    none,
  );
  assert.equal(two.coverage.status, "checked");
  assert.equal(two.records.length, 1);
  assert.match(two.warnings[0], /profile-broken\.stub: malformed plist/);
  const one = await collectModule(profiles, backup([{ domain: CP, relativePath: "Library/ConfigurationProfiles/profile-broken.stub", data: "nonsense" }]), none);
  assert.equal(one.coverage.status, "failed");
  assert.equal(one.coverage.reason, `${CP}/Library/ConfigurationProfiles/profile-broken.stub: malformed plist: neither a binary nor an XML plist`);
  // An unreadable CloudConfigurationDetails.plist is a warning: the list of profiles is still complete.
  const cloud = await collectModule(profiles, backup([{ domain: CP, relativePath: "Library/ConfigurationProfiles/CloudConfigurationDetails.plist", data: "nonsense" }]), none);
  assert.equal(cloud.coverage.status, "checked");
  assert.equal(cloud.coverage.records, 0);
  assert.match(cloud.warnings[0], /CloudConfigurationDetails\.plist: malformed plist/);
});

// ---------- profile_events

const eventsPlist = xmlPlist({
  ProfileEvents: [
    { "com.example.wifi": { timestamp: new Date("2022-03-01T08:00:00Z"), operation: "install", process: "Preferences" } },
    { "com.shady.notif": { timestamp: new Date("2022-04-01T08:00:00Z"), operation: "install", process: "bh" } },
    { "com.shady.notif": { timestamp: new Date("2022-04-02T08:00:00Z"), operation: "remove", process: "profiled" } },
  ],
});

test("profile_events: installs and removals become records and timeline events; ids and processes checked", async () => {
  const iocs = matcherFromValues({ configuration_profile: ["com.shady.notif"], process: ["bh"] }, "Pegasus");
  const out = await collectModule(profileEvents, backup([{ domain: CP, relativePath: "Library/ConfigurationProfiles/MCProfileEvents.plist", data: eventsPlist }]), iocs);
  assertMvtFields("profile_events", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as ProfileEventRecord[];
  assert.deepEqual(recs[0], { operation: "install", process: "Preferences", profile_id: "com.example.wifi", timestamp: "2022-03-01T08:00:00.000Z", source: `${CP}/Library/ConfigurationProfiles/MCProfileEvents.plist` });
  assert.deepEqual(
    out.events.map((e) => e.description),
    [
      "Process Preferences started operation install of configuration profile com.example.wifi",
      "Process bh started operation install of configuration profile com.shady.notif",
      "Process profiled started operation remove of configuration profile com.shady.notif",
    ],
  );
  const got = out.detections.map((d) => `${d.matched}|${d.matched_indicator?.type}|${d.grade}`).sort();
  assert.deepEqual(got, ["bh|process|strong", "com.shady.notif|configuration_profile|strong", "com.shady.notif|configuration_profile|strong"]);
  assert.ok(out.detections.some((d) => /was removed/.test(d.title)));
  assert.equal(out.events[0].detected, false, "the Wi-Fi profile's install is not flagged");
});

test("profile_events: wrong structure and malformed plist fail naming the file", async () => {
  const file = { path: "private/var/containers/Shared/SystemGroup/X/Library/ConfigurationProfiles/MCProfileEvents.plist" };
  const fs = (data: Buffer | string) => memoryView({ kind: "ios_fs", platform: "ios", files: [{ ...file, data }] });
  const wrong = await collectModule(profileEvents, fs(xmlPlist({ ProfileEvents: { a: 1 } })), none);
  assert.equal(wrong.coverage.reason, `${file.path}: unexpected plist: ProfileEvents is not an array`);
  const bad = await collectModule(profileEvents, fs("bplist00xx"), none);
  assert.equal(bad.coverage.status, "failed");
  assert.match(bad.coverage.reason!, /MCProfileEvents\.plist: malformed plist/);
});
