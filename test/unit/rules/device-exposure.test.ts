import { test } from "node:test";
import assert from "node:assert/strict";
import { iosReleaseTable, latestIosRelease } from "../../../src/indicators/ios-releases.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import { deviceExposure, monthsBetween, securityBulletins } from "../../../src/rules/device-exposure.ts";

function monthsBefore(date: string, months: number): string {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

test("an iOS older than the newest known release is exposure (outdated_os, a risk), with the last release of its major", () => {
  const [e, ...rest] = deviceExposure({ platform: "ios", osVersion: "15.7.1" });
  assert.deepEqual(rest, []);
  assert.equal(e.kind, "outdated_os");
  assert.equal(e.level, "risk");
  assert.deepEqual(e.params, { os: "iOS", version: "15.7.1", newest: latestIosRelease()!.version, through: iosReleaseTable().complete_through });
  assert.match(String(e.details?.newest_same_major), /^15\./);
});

test("the newest iOS or no version: no exposure", () => {
  assert.deepEqual(deviceExposure({ platform: "ios", osVersion: latestIosRelease()!.version }), []);
  assert.deepEqual(deviceExposure({ platform: "ios" }), []);
  assert.deepEqual(deviceExposure(undefined), []);
});

test("a version newer than the data: said so (context), never taken as up to date or out of date", () => {
  const newest = latestIosRelease()!.version;
  assert.deepEqual(deviceExposure({ platform: "ios", osVersion: "99.0" }), [
    { kind: "os_newer_than_data", level: "info", params: { os: "iOS", version: "99.0", newest, through: iosReleaseTable().complete_through } },
  ]);
  const t = translator("en");
  assert.match(t("exposure.os_newer_than_data.title", deviceExposure({ platform: "ios", osVersion: "99.0" })[0]!.params), /^iOS 99\.0 is newer than the data Vigil has \(its newest release: iOS /);
  const { latest_bulletin } = securityBulletins();
  const ahead = monthsBefore(latest_bulletin, -2);
  assert.deepEqual(deviceExposure({ platform: "android", patchLevel: ahead }), [{ kind: "patch_newer_than_data", level: "info", params: { patch: ahead, bulletin: latest_bulletin } }]);
  assert.match(t("exposure.patch_newer_than_data.title", { patch: ahead, bulletin: latest_bulletin }), /is newer than the data Vigil has/);
});

test("an Android patch level more than the set months older than the newest bulletin is exposure; a recent or unreadable one is not", () => {
  const { latest_bulletin, outdated_after_months } = securityBulletins();
  const old = monthsBefore(latest_bulletin, outdated_after_months + 3);
  assert.deepEqual(deviceExposure({ platform: "android", patchLevel: old }), [
    { kind: "old_security_patch", level: "risk", params: { patch: old, months: outdated_after_months + 3, bulletin: latest_bulletin } },
  ]);
  assert.deepEqual(deviceExposure({ platform: "android", patchLevel: monthsBefore(latest_bulletin, 1) }), []);
  assert.deepEqual(deviceExposure({ platform: "android", patchLevel: "unknown" }), []);
  assert.equal(monthsBetween("2024-11-05", "2025-09-01"), 10);
});
