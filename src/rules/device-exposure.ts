// Exposure read from the acquisition's device information: an iOS older than the newest release
// Vigil knows of, an Android security patch level months older than the newest bulletin. Both
// say what the phone was open to, never that it was attacked (README "Exposure"). Compared with
// the bundled tables, never with the clock, so a result can be reproduced; a version newer than
// every one the tables know says the data is behind, never that the phone is up to date.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareIosVersions, iosReleaseTable, latestInMajor, latestIosRelease, newerIosRelease, parseIosVersion } from "../indicators/ios-releases.ts";
import type { DeviceInfo, ExposureInput } from "../core/model.ts";
import { DATA_DIR } from "../core/paths.ts";

export interface SecurityBulletins {
  latest_bulletin: string;
  outdated_after_months: number;
}

let bulletins: SecurityBulletins | undefined;
/** The newest Android security bulletin Vigil knows of, and how many months older counts as old. */
export function securityBulletins(): SecurityBulletins {
  bulletins ??= JSON.parse(readFileSync(join(DATA_DIR, "android", "security-bulletins.json"), "utf8")) as SecurityBulletins;
  return bulletins;
}

/** Whole months between two YYYY-MM-DD dates (b after a); undefined when one is not a date. */
export function monthsBetween(a: string, b: string): number | undefined {
  const ma = /^(\d{4})-(\d\d)/.exec(a.trim());
  const mb = /^(\d{4})-(\d\d)/.exec(b.trim());
  if (!ma || !mb) return undefined;
  return (Number(mb[1]) - Number(ma[1])) * 12 + (Number(mb[2]) - Number(ma[2]));
}

/** The exposure entries the device information gives. */
export function deviceExposure(device: DeviceInfo | undefined): ExposureInput[] {
  const out: ExposureInput[] = [];
  if (!device) return out;
  const version = device.osVersion;
  if (device.platform === "ios" && version) {
    const newer = newerIosRelease(version);
    const newest = latestIosRelease();
    const through = iosReleaseTable().complete_through;
    if (newest && parseIosVersion(version) && compareIosVersions(version, newest.version) > 0) {
      // Newer than every release the table knows: the table is behind, not the phone.
      out.push({ kind: "os_newer_than_data", level: "info", params: { os: "iOS", version, newest: newest.version, through } });
    }
    if (newer) {
      const sameMajor = latestInMajor(version);
      out.push({
        kind: "outdated_os",
        level: "risk",
        params: { os: "iOS", version, newest: newer.version, through },
        details: {
          newest_date: newer.date,
          // A model that cannot take the newest major still gets the last release of its own.
          ...(sameMajor && sameMajor.version !== newer.version && compareIosVersions(sameMajor.version, version) > 0 ? { newest_same_major: sameMajor.version } : {}),
          release_table_through: iosReleaseTable().complete_through,
        },
      });
    }
  }
  const patch = device.patchLevel;
  if (device.platform === "android" && patch) {
    const { latest_bulletin, outdated_after_months } = securityBulletins();
    const months = monthsBetween(patch, latest_bulletin);
    if (months !== undefined && months > outdated_after_months) {
      out.push({ kind: "old_security_patch", level: "risk", params: { patch: patch.trim(), months, bulletin: latest_bulletin } });
    }
    if (months !== undefined && months < 0) {
      out.push({ kind: "patch_newer_than_data", level: "info", params: { patch: patch.trim(), bulletin: latest_bulletin } });
    }
  }
  return out;
}
