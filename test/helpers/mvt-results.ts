// MVT-shaped results folders, built in code: the files MVT writes (module JSON, alerts.json,
// <module>_detected.json, info.json, timeline.csv) with the alert shapes of MVT's AlertStore
// ({level, module, message, event_time, event, matched_indicator}) or, for older MVT, detected
// records that carry matched_indicator themselves. Levels and messages follow what MVT's modules
// raise on its own test data (a LOW "Missing process" in DataUsage, an INFO "Lockdown mode
// enabled"), written here from MVT's documented behaviour, not copied from its code.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface MvtAlert {
  level: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL";
  module: string;
  message: string;
  event_time: string;
  event: Record<string, unknown>;
  matched_indicator: { value: string; type: string; name: string; stix2_file_name: string } | null;
}

function write(dir: string, name: string, value: unknown): void {
  writeFileSync(join(dir, name), JSON.stringify(value, null, 4));
}

/** A results folder as MVT writes it: module files, each module's alerts, all alerts, info. */
export function mvtResultsFolder(modules: Record<string, Record<string, unknown>[]>, alerts: MvtAlert[], opts: { alertsJson?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "vigil-mvt-results-"));
  for (const [name, records] of Object.entries(modules)) write(dir, `${name}.json`, records);
  const byModule = new Map<string, MvtAlert[]>();
  for (const a of alerts) byModule.set(a.module, [...(byModule.get(a.module) ?? []), a]);
  for (const [name, list] of byModule) write(dir, `${name}_detected.json`, list);
  if (opts.alertsJson !== false && alerts.length) write(dir, "alerts.json", alerts);
  write(dir, "info.json", { target_path: "/cases/phone", mvt_version: "2.7.0", date: "2025-01-01 10:00:00.000000", ioc_files: [], hashes: [] });
  writeFileSync(join(dir, "timeline.csv"), '"UTC Timestamp","Plugin","Event","Description"\n"2019-08-27 15:08:09.253000","Datausage","process","com.apple.Fitness"\n');
  return dir;
}

const process4 = {
  first_isodate: "2019-08-27 15:08:09.253000",
  isodate: "2019-08-27 15:08:09.253000",
  proc_name: "1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness",
  bundle_id: "com.apple.Fitness",
  proc_id: 4,
  live_proc_id: 4,
  live_isodate: "2019-08-27 15:08:09.253000",
};
const process6 = { ...process4, proc_name: "CommCenter", bundle_id: null, proc_id: 6, live_proc_id: 6 };

/** What MVT writes for its test iPhone backup: a LOW "Missing process" and an INFO "Lockdown mode enabled", no indicator. */
export function mvtIosBackupResults(): string {
  const ldm = { entry: "LDMGlobalEnabled", value: true };
  return mvtResultsFolder(
    { datausage: [process4, process6], global_preferences: [ldm, { entry: "AppleLocale", value: "en_US" }], backup_info: [{ "Product Version": "14.3" }] },
    [
      { level: "LOW", module: "datausage", message: `Missing process 5. Previous process at "${process4.first_isodate}" (${process4.proc_name})`, event_time: process4.first_isodate, event: process4, matched_indicator: null },
      { level: "INFORMATIONAL", module: "global_preferences", message: "Lockdown mode enabled", event_time: "", event: ldm, matched_indicator: null },
    ],
  );
}

/** What MVT writes for an androidqf acquisition: root binaries, sideloaded packages, an old patch level, an accessibility service. */
export function mvtAndroidqfResults(): string {
  const su = { binary_name: "su", path: "/system/bin/su" };
  const revanced = { name: "app.revanced.manager.flutter", installer: "com.android.chrome", system: false };
  const fdroid = { name: "org.fdroid.fdroid", installer: "org.fdroid.fdroid", system: false };
  const patch = { name: "ro.build.version.security_patch", value: "2021-06-05" };
  const service = { package_name: "com.example.helper", service: "com.example.helper/.Access" };
  return mvtResultsFolder(
    { root_binaries: [su], aqf_packages: [revanced, fdroid], aqf_get_prop: [patch], dumpsys_accessibility: [service] },
    [
      { level: "HIGH", module: "root_binaries", message: `Found root binary "su" at path "/system/bin/su"`, event_time: "", event: su, matched_indicator: null },
      { level: "MEDIUM", module: "aqf_packages", message: `Found a package installed via a browser (installer="com.android.chrome"): "${revanced.name}"`, event_time: "", event: revanced, matched_indicator: null },
      { level: "INFORMATIONAL", module: "aqf_packages", message: `Found a package installed via a third party store (installer="org.fdroid.fdroid"): "${fdroid.name}"`, event_time: "", event: fdroid, matched_indicator: null },
      { level: "MEDIUM", module: "aqf_get_prop", message: "This phone has not received security updates for more than six months (last update: 2021-06-05).", event_time: "", event: patch, matched_indicator: null },
      { level: "MEDIUM", module: "dumpsys_accessibility", message: `Found accessibility service: "${service.service}"`, event_time: "", event: service, matched_indicator: null },
    ],
  );
}

/** An MVT folder whose one alert is a real indicator match (CRITICAL, a Pegasus process in DataUsage). */
export function mvtIndicatorResults(): string {
  const proc = { ...process6, proc_name: "roleaccountd", proc_id: 7, live_proc_id: 7, first_isodate: "2021-07-01 10:00:00.000000" };
  return mvtResultsFolder({ datausage: [proc] }, [
    {
      level: "CRITICAL",
      module: "datausage",
      message: 'Found known suspicious process name "roleaccountd"',
      event_time: proc.first_isodate,
      event: proc,
      matched_indicator: { value: "roleaccountd", type: "processes", name: "NSO Group Pegasus", stix2_file_name: "pegasus.stix2" },
    },
  ]);
}
