// Every iOS system-artifact module through the real filesystem-dump opener (folder and
// .tar.gz), so the modules' fs globs are checked against the paths real dumps have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openIosFs } from "../../../../src/acquisitions/ios-fs.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import type { ModuleDef } from "../../../../src/modules/contract.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import datausage from "../../../../src/modules/ios/datausage.ts";
import netusage from "../../../../src/modules/ios/netusage.ts";
import tcc from "../../../../src/modules/ios/tcc.ts";
import globalPreferences from "../../../../src/modules/ios/global-preferences.ts";
import osAnalyticsAdDaily from "../../../../src/modules/ios/os-analytics-ad-daily.ts";
import locationd from "../../../../src/modules/ios/locationd.ts";
import configurationProfiles from "../../../../src/modules/ios/configuration-profiles.ts";
import profileEvents from "../../../../src/modules/ios/profile-events.ts";
import applications from "../../../../src/modules/ios/applications.ts";
import { buildIosFsFolder, buildIosFsTar, type Files } from "../../../helpers/ios-fs-builder.ts";
import { writeBplist } from "../../../helpers/bplist-writer.ts";
import { processUsageDb, sqliteImage } from "../../../helpers/system-fixtures.ts";

const T = "2022-01-01T00:00:00.000Z";
const GROUP = "private/var/containers/Shared/SystemGroup/6B3F2A10-1111-4222-8333-944455556666/Library/ConfigurationProfiles";
const APPS = "private/var/containers/Bundle/Application";

function files(): Files {
  return {
    "private/var/wireless/Library/Databases/DataUsage.sqlite": processUsageDb([{ id: 1, name: "bh", first: T }, { id: 2, name: "x", first: T }], [{ id: 1, proc: 1, at: T }]),
    "private/var/networkd/db/netusage.sqlite": processUsageDb([{ id: 1, name: "bh", first: T }], []),
    "private/var/mobile/Library/TCC/TCC.db": sqliteImage("", (d) => {
      d.exec("CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, last_modified INTEGER NOT NULL)");
      d.prepare("INSERT INTO access VALUES (?, ?, 0, 2, 2, 1, 1640995200)").run("kTCCServiceCamera", "com.stalker.app");
    }),
    "private/var/mobile/Library/Preferences/.GlobalPreferences.plist": writeBplist({ LDMGlobalEnabled: false }),
    "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist": writeBplist({ netUsageBaseline: { bh: [new Date(T), 1, 2, 3, 4] } }),
    "private/var/mobile/Library/Caches/locationd/clients.plist": writeBplist({ "com.stalker.app": { BundleId: "com.stalker.app" } }),
    [`${GROUP}/profile-0f1e2d3c.stub`]: writeBplist({ PayloadIdentifier: "com.x.p", PayloadUUID: "AAAA", PayloadDisplayName: "P", InstallDate: new Date(T), PayloadContent: [{ PayloadType: "com.apple.mdm" }] }),
    [`${GROUP}/MCProfileEvents.plist`]: writeBplist({ ProfileEvents: [{ "com.x.p": { timestamp: new Date(T), operation: "install", process: "profiled" } }] }),
    [`${GROUP}/CloudConfigurationDetails.plist`]: writeBplist({ IsSupervised: false }),
    [`${APPS}/0A1B/Stalk.app/Info.plist`]: writeBplist({ CFBundleIdentifier: "com.stalker.app", CFBundleExecutable: "Stalk" }),
    [`${APPS}/0A1B/Stalk.app/Frameworks/X.framework/Info.plist`]: writeBplist({ CFBundleIdentifier: "com.stalker.framework" }),
  };
}

const iocs = matcherFromValues({ process: ["bh"], app_id: ["com.stalker.app"] }, "Test");

// module → [records, indicator detections, heuristic detections]
const EXPECTED: [ModuleDef<any>, number, number, number][] = [
  [datausage, 2, 1, 0],
  [netusage, 1, 1, 0],
  [tcc, 1, 1, 0],
  [globalPreferences, 1, 0, 0],
  [osAnalyticsAdDaily, 1, 1, 0],
  [locationd, 1, 1, 0],
  [configurationProfiles, 2, 0, 1],
  [profileEvents, 1, 0, 0],
  [applications, 1, 1, 1],
];

for (const [label, make] of [
  ["folder", async () => buildIosFsFolder(files())],
  ["tar.gz", async () => buildIosFsTar(files(), { gzip: true, wrap: "filesystem" })],
] as const) {
  test(`iOS system modules read a filesystem dump (${label}) through the real opener`, async () => {
    const view = await openIosFs(await make());
    try {
      for (const [mod, records, indicators, heuristics] of EXPECTED) {
        const out = await collectModule(mod, view, iocs);
        assert.equal(out.coverage.status, "checked", `${mod.name}: ${out.coverage.reason ?? ""}`);
        assert.equal(out.records.length, records, mod.name);
        assert.equal(out.detections.filter((d) => d.kind === "indicator").length, indicators, mod.name);
        assert.equal(out.detections.filter((d) => d.kind === "heuristic").length, heuristics, mod.name);
      }
    } finally {
      await view.close();
    }
  });
}
