// Every iOS system-artifact module through the real (encrypted) backup opener, so the
// modules' backup domains and path globs are checked against what Manifest.db holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openIosBackup } from "../../../../src/acquisitions/ios-backup/open.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import type { ModuleDef } from "../../../../src/modules/contract.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import datausage from "../../../../src/modules/ios/datausage.ts";
import netusage from "../../../../src/modules/ios/netusage.ts";
import tcc from "../../../../src/modules/ios/tcc.ts";
import globalPreferences, { type GlobalPreferenceRecord } from "../../../../src/modules/ios/global-preferences.ts";
import osAnalyticsAdDaily from "../../../../src/modules/ios/os-analytics-ad-daily.ts";
import locationd from "../../../../src/modules/ios/locationd.ts";
import configurationProfiles from "../../../../src/modules/ios/configuration-profiles.ts";
import profileEvents from "../../../../src/modules/ios/profile-events.ts";
import applications, { type AppRecord } from "../../../../src/modules/ios/applications.ts";
import { buildIosBackup } from "../../../helpers/ios-backup-builder.ts";
import { testDir } from "../../../helpers/archive-builder.ts";
import { writeBplist } from "../../../helpers/bplist-writer.ts";
import { processUsageDb, sqliteImage } from "../../../helpers/system-fixtures.ts";

const T = "2023-03-01T00:00:00.000Z";
const CP = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";

test("iOS system modules read an encrypted backup through the real opener", async () => {
  const b = await buildIosBackup(testDir("vigil-sys-backup"), {
    encrypted: { password: "pw" },
    info: {
      "Installed Applications": ["com.stalker.app", "net.whatsapp.WhatsApp"],
      Applications: { "com.stalker.app": { iTunesMetadata: writeBplist({ softwareVersionBundleId: "com.stalker.app", sourceApp: "com.other.store", itemName: "Stalk" }) } },
    },
    files: [
      { domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite", data: processUsageDb([{ id: 1, name: "bh", first: T }, { id: 3, name: "y", first: T }], [{ id: 1, proc: 1, at: T }, { id: 2, proc: 2, at: T }]) },
      {
        domain: "HomeDomain",
        relativePath: "Library/TCC/TCC.db",
        data: sqliteImage("", (d) => {
          d.exec("CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, last_modified INTEGER NOT NULL)");
          d.prepare("INSERT INTO access VALUES ('kTCCServiceMicrophone', 'com.stalker.app', 0, 2, 2, 1, 1677628800)").run();
        }),
      },
      { domain: "HomeDomain", relativePath: "Library/Preferences/.GlobalPreferences.plist", data: writeBplist({ LDMGlobalEnabled: true }), mtime: new Date("2023-03-02T00:00:00Z") },
      { domain: "HomeDomain", relativePath: "Library/Preferences/com.apple.osanalytics.addaily.plist", data: writeBplist({ netUsageBaseline: { bh: [new Date(T), 1, 1, 1, 1] } }) },
      { domain: "RootDomain", relativePath: "Library/Caches/locationd/clients.plist", data: writeBplist({ "com.stalker.app": { BundleId: "com.stalker.app" } }) },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/profile-3f2a.stub", data: writeBplist({ PayloadIdentifier: "com.shady", PayloadUUID: "BBBB", InstallDate: new Date(T), PayloadContent: [{ PayloadType: "com.apple.security.root" }] }) },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/CloudConfigurationDetails.plist", data: writeBplist({ IsSupervised: true, OrganizationName: "Corp" }) },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/MCProfileEvents.plist", data: writeBplist({ ProfileEvents: [{ "com.shady": { timestamp: new Date(T), operation: "install", process: "profiled" } }] }) },
      { domain: CP, relativePath: "Library/ConfigurationProfiles/ProfileTruth.plist", data: writeBplist({}) },
    ],
  });
  const view = await openIosBackup(b.dir, { password: "pw" });
  const iocs = matcherFromValues({ process: ["bh"], app_id: ["com.stalker.app"], configuration_profile: ["BBBB"] }, "Test");
  // module → [status, records, indicator detections, heuristic detections]
  const expected: [ModuleDef<any>, string, number, number, number][] = [
    [datausage, "checked", 3, 1, 2], // usage row of deleted process 2, and the hole at id 2
    [netusage, "not_applicable", 0, 0, 0],
    [tcc, "checked", 1, 1, 0],
    [globalPreferences, "checked", 1, 0, 0],
    [osAnalyticsAdDaily, "checked", 1, 1, 0],
    [locationd, "checked", 1, 1, 0],
    [configurationProfiles, "checked", 2, 1, 1],
    [profileEvents, "checked", 1, 0, 0],
    [applications, "checked", 2, 1, 1],
  ];
  try {
    for (const [mod, status, records, indicators, heuristics] of expected) {
      const out = await collectModule(mod, view, iocs);
      assert.equal(out.coverage.status, status, `${mod.name}: ${out.coverage.reason ?? ""}`);
      assert.equal(out.records.length, records, mod.name);
      assert.equal(out.detections.filter((d) => d.kind === "indicator").length, indicators, mod.name);
      assert.equal(out.detections.filter((d) => d.kind === "heuristic").length, heuristics, mod.name);
      if (mod === globalPreferences) {
        assert.equal((out.records[0] as GlobalPreferenceRecord).as_of, "2023-03-02T00:00:00.000Z");
        assert.equal(out.events.length, 1);
      }
      if (mod === applications) {
        const stalk = (out.records as AppRecord[]).find((r) => r.bundle_id === "com.stalker.app")!;
        assert.equal(stalk.source, "other_installer");
        assert.equal((out.records as AppRecord[]).find((r) => r.bundle_id === "net.whatsapp.WhatsApp")!.source, "unknown");
      }
    }
  } finally {
    await view.close();
  }
});
