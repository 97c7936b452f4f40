// The iOS system-artifact modules against MVT's test backup, with counts checked against
// independent SQL and plist reads of the same files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { openSqliteFile } from "../../src/formats/sqlite.ts";
import { parsePlist } from "../../src/formats/plist.ts";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import { loadIndicators } from "../../src/indicators/load.ts";
import datausage from "../../src/modules/ios/datausage.ts";
import netusage from "../../src/modules/ios/netusage.ts";
import tcc, { type TccRecord } from "../../src/modules/ios/tcc.ts";
import globalPreferences, { type GlobalPreferenceRecord } from "../../src/modules/ios/global-preferences.ts";
import osAnalyticsAdDaily from "../../src/modules/ios/os-analytics-ad-daily.ts";
import locationd from "../../src/modules/ios/locationd.ts";
import configurationProfiles from "../../src/modules/ios/configuration-profiles.ts";
import profileEvents from "../../src/modules/ios/profile-events.ts";
import applications, { type AppRecord } from "../../src/modules/ios/applications.ts";
import type { ProcessUsageRecord } from "../../src/modules/ios/lib/process-usage.ts";

const skip = !HAVE_CORPUS;
const BACKUP = () => corpus("mvt-artifacts", "ios_backup");
const none = matcherFromValues({}, "Empty");

function sqlCount(file: string, sql: string): number {
  const h = openSqliteFile(file, file);
  try {
    return (h.db.prepare(sql).get() as { n: number }).n;
  } finally {
    h.close();
  }
}

test("datausage on MVT's backup: record count equals independent SQL; the one id hole is flagged weak, nothing else", { skip }, async () => {
  const db = corpus("mvt-artifacts", "ios_backup", "0d", "0d609c54856a9bb2d56729df1d68f2958a88426b");
  const usage = sqlCount(db, "SELECT count(*) AS n FROM ZLIVEUSAGE");
  const idle = sqlCount(db, "SELECT count(*) AS n FROM ZPROCESS p WHERE NOT EXISTS (SELECT 1 FROM ZLIVEUSAGE l WHERE l.ZHASPROCESS = p.Z_PK)");
  const orphans = sqlCount(db, "SELECT count(*) AS n FROM ZLIVEUSAGE l WHERE l.ZHASPROCESS IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ZPROCESS p WHERE p.Z_PK = l.ZHASPROCESS)");
  const view = await openIosBackup(BACKUP());
  try {
    const out = await collectModule(datausage, view, none);
    assert.equal(out.coverage.status, "checked");
    assert.equal(out.records.length, usage + idle); // 10 + 31 (MVT adds one placeholder row for the hole: 42)
    const recs = out.records as ProcessUsageRecord[];
    assert.equal(recs.filter((r) => r.process_record_missing).length, orphans);
    // The earliest process first seen, as MVT's test states it (to the second).
    const firsts = recs.map((r) => r.first_isodate).filter((x): x is string => !!x).sort();
    assert.equal(firsts[0].slice(0, 19), "2019-08-27T15:08:09");
    const holes = out.detections.filter((d) => d.rule?.id === "process-id-gap");
    assert.equal(holes.length, 1);
    assert.equal(holes[0].matched, "ZPROCESS.Z_PK 5");
    assert.equal(holes[0].artifact, "WirelessDomain/Library/Databases/DataUsage.sqlite");
    assert.equal(out.detections.length, 1);
    // MVT's detection test adds the process CumulativeUsageTracker: it has two usage rows, flagged once here.
    const withIoc = await collectModule(datausage, view, matcherFromValues({ process: ["CumulativeUsageTracker"] }, "Test"));
    const hits = withIoc.detections.filter((d) => d.kind === "indicator");
    assert.equal(hits.length, 1);
    assert.equal(hits[0].grade, "strong");
    assert.equal((hits[0].record as ProcessUsageRecord).proc_id, 32);
    // netusage is not part of a backup.
    assert.equal((await collectModule(netusage, view, none)).coverage.status, "not_applicable");
  } finally {
    await view.close();
  }
});

test("tcc on MVT's backup: 11 entries like MVT, auth values in words, one event each", { skip }, async () => {
  const db = corpus("mvt-artifacts", "ios_backup", "64", "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347");
  const n = sqlCount(db, "SELECT count(*) AS n FROM access");
  const allowed = sqlCount(db, "SELECT count(*) AS n FROM access WHERE auth_value = 2");
  const view = await openIosBackup(BACKUP());
  try {
    const out = await collectModule(tcc, view, matcherFromValues({ process: ["Launch"] }, "Test"));
    assert.equal(out.coverage.status, "checked");
    assert.equal(out.records.length, n);
    assert.equal(n, 11);
    const recs = out.records as TccRecord[];
    assert.equal(recs.filter((r) => r.auth_value === "allowed").length, allowed);
    assert.equal(recs[0].service, "kTCCServiceUbiquity");
    assert.equal(recs[0].client, "com.apple.Preferences");
    assert.equal(recs[0].auth_value, "allowed");
    assert.equal(out.events.length, 11);
    assert.equal(out.detections.length, 1);
    assert.equal((out.detections[0].record as TccRecord).client, "Launch");
    assert.equal((out.detections[0].record as TccRecord).service, "kTCCServiceLiverpool");
  } finally {
    await view.close();
  }
});

test("global_preferences on MVT's backup: every entry kept, Lockdown Mode stated", { skip }, async () => {
  const raw = parsePlist(readFileSync(corpus("mvt-artifacts", "ios_backup", "0d", "0dc926a1810f7aee4e8f38793ed788701f93bf9d"))) as Record<string, unknown>;
  const view = await openIosBackup(BACKUP());
  try {
    const out = await collectModule(globalPreferences, view, none);
    assert.equal(out.coverage.status, "checked");
    assert.equal(out.records.length, Object.keys(raw).length); // 16, as MVT counts
    const ldm = out.records[0] as GlobalPreferenceRecord;
    assert.equal(ldm.entry, "LDMGlobalEnabled");
    assert.equal(ldm.lockdown_mode, raw["LDMGlobalEnabled"] === true ? "on" : "off");
    assert.equal(out.detections.length, 0);
    // The backup records the file's modification time: the state becomes a timeline event.
    assert.equal(out.events.length, ldm.as_of ? 1 : 0);
  } finally {
    await view.close();
  }
});

test("applications on MVT's backup: Info.plist's installed apps, origin unknown, nothing flagged", { skip }, async () => {
  const info = parsePlist(readFileSync(corpus("mvt-artifacts", "ios_backup", "Info.plist"))) as Record<string, unknown>;
  const installed = info["Installed Applications"] as string[];
  const view = await openIosBackup(BACKUP());
  try {
    const out = await collectModule(applications, view, none);
    assert.equal(out.coverage.status, "checked");
    const recs = out.records as AppRecord[];
    assert.deepEqual(recs.map((r) => r.bundle_id).sort(), [...installed].sort());
    assert.ok(recs.every((r) => r.source === "unknown"));
    assert.equal(out.detections.length, 0);
    const hit = await collectModule(applications, view, matcherFromValues({ app_id: ["ch.icoaching.typewise"] }, "Test"));
    assert.equal(hit.detections.length, 1);
    assert.equal(hit.detections[0].grade, "strong");
  } finally {
    await view.close();
  }
});

test("modules whose artifacts this backup lacks are absent or failed, never clean; real IOC sets raise nothing new", { skip }, async () => {
  const view = await openIosBackup(BACKUP());
  const { matcher } = loadIndicators([corpus("mvt-artifacts", "stix2")]);
  try {
    // No profile stub is listed; the CloudConfigurationDetails.plist listed has no payload: a warning.
    const cp = await collectModule(configurationProfiles, view, matcher);
    assert.equal(cp.coverage.status, "checked");
    assert.equal(cp.coverage.records, 0);
    assert.match(cp.warnings[0], /CloudConfigurationDetails\.plist: listed in Manifest\.db but its payload .* is missing/);
    const absent = await collectModule(profileEvents, view, matcher);
    assert.equal(absent.coverage.status, "absent");
    assert.match(absent.coverage.reason!, /^not in this backup: \*\/Library\/ConfigurationProfiles\/MCProfileEvents\.plist/);
    // MVT's test backup lists these files in Manifest.db (confirming the paths) without their payloads: could not check.
    for (const [mod, path] of [
      [osAnalyticsAdDaily, "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist"],
      [locationd, "RootDomain/Library/Caches/locationd/clients.plist"],
    ] as const) {
      const partial = await collectModule(mod, view, matcher);
      assert.equal(partial.coverage.status, "failed", mod.name);
      assert.ok(partial.coverage.reason!.startsWith(`${path}: listed in Manifest.db but its payload `), partial.coverage.reason);
    }
    for (const mod of [datausage, tcc, globalPreferences, applications]) {
      const out = await collectModule(mod, view, matcher);
      assert.equal(out.coverage.status, "checked", mod.name);
      assert.equal(out.detections.filter((d) => d.kind === "indicator").length, 0, mod.name);
    }
    // What was read is recorded for provenance (databases read in place are hashed in the background).
    await view.settled();
    const read = view.inputsRead().map((i) => i.path).join("\n");
    assert.match(read, /0d609c54856a9bb2d56729df1d68f2958a88426b/);
    assert.match(read, /Info\.plist/);
  } finally {
    await view.close();
  }
});

test("the same modules through the encrypted copy of the backup give the same records", { skip }, async () => {
  const plain = await openIosBackup(BACKUP());
  const enc = await openIosBackup(corpus("ios_backup_encrypted", "small-fast"), { password: "vigil-test-1" });
  try {
    assert.equal(enc.encrypted, true);
    for (const mod of [datausage, tcc, globalPreferences, applications]) {
      const a = await collectModule(mod, plain, none);
      const b = await collectModule(mod, enc, none);
      assert.equal(b.coverage.status, "checked", mod.name);
      assert.deepEqual(b.records, a.records, mod.name);
      assert.equal(b.detections.length, a.detections.length, mod.name);
    }
  } finally {
    await plain.close();
    await enc.close();
  }
});
