// The Android parsers and modules against MVT's Android test artifacts (androidqf bundle,
// dumpsys/getprop/ps/tombstone samples, bugreport folder, telephony backup). Expected counts are
// computed here from the raw files with simple, separate patterns, not by the parsers under test.
// Until the Android acquisition openers land, the corpus files are served through memoryView.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { memoryView } from "../../src/acquisitions/memory.ts";
import { mergeSpecs } from "../../src/acquisitions/spec-match.ts";
import type { AcquisitionKind } from "../../src/acquisitions/view.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { androidModules } from "../../src/modules/android/index.ts";
import { parseAccessibility } from "../../src/formats/dumpsys/accessibility.ts";
import { parseAdb } from "../../src/formats/dumpsys/adb.ts";
import { parseAppops } from "../../src/formats/dumpsys/appops.ts";
import { parseBatteryDaily } from "../../src/formats/dumpsys/battery-daily.ts";
import { parseBatteryHistory } from "../../src/formats/dumpsys/battery-history.ts";
import { parseDbinfo } from "../../src/formats/dumpsys/dbinfo.ts";
import { toLines } from "../../src/formats/lines.ts";
import { parseDumpsysPackages } from "../../src/formats/dumpsys/package.ts";
import { parsePlatformCompat } from "../../src/formats/dumpsys/platform-compat.ts";
import { parseResolverTable } from "../../src/formats/dumpsys/resolver.ts";
import { splitDumpsys } from "../../src/formats/dumpsys/sections.ts";
import { parseGetprop } from "../../src/formats/getprop.ts";
import { parseTombstone } from "../../src/formats/tombstone.ts";
import { parsePs } from "../../src/modules/android/processes.ts";

const skip = { skip: !HAVE_CORPUS };
const A = (...p: string[]) => corpus("mvt-artifacts", ...p);
const read = (...p: string[]) => readFileSync(A(...p), "utf8");
const count = (text: string, re: RegExp) => text.split("\n").filter((l) => re.test(l)).length;
const mod = (name: string) => androidModules.find((m) => m.name === name)!;

function folderView(kind: AcquisitionKind, dir: string, files?: string[]) {
  const names = files ?? readdirSync(A(dir));
  return memoryView({ kind, platform: "android", files: names.map((f) => ({ path: f, data: readFileSync(A(dir, f)) })) });
}

/** Lines of one service section of a raw dumpsys text, cut with plain string search. */
function rawSection(text: string, service: string): string {
  const start = text.indexOf(`DUMP OF SERVICE ${service}:`);
  if (start < 0) return "";
  const rest = text.slice(start);
  const end = rest.search(/\n(-{9} [\d.]+s was the duration|DUMP OF SERVICE )/);
  return end < 0 ? rest : rest.slice(0, end);
}

test("android_data dumpsys samples: each parser against independent counts", skip, () => {
  const pk = read("android_data", "dumpsys_packages.txt");
  assert.equal(parseDumpsysPackages(toLines(pk)).length, count(pk, /^ {2}Package \[/));
  const acts = parseResolverTable(toLines(pk), "Activity");
  const actSection = pk.slice(pk.indexOf("Activity Resolver Table:"), pk.indexOf("\nPackages:"));
  assert.equal(acts.length, count(actSection, /^ {8}[0-9a-f]+ \S+\/\S+/));
  assert.ok(acts.length > 0);

  const a11y = parseAccessibility(toLines(read("android_data", "dumpsys_accessibility.txt")));
  assert.equal(a11y.filter((s) => s.state === "installed").length, count(read("android_data", "dumpsys_accessibility.txt"), /^ {4}\d+ : /));
  assert.equal(a11y.filter((s) => s.state === "enabled").length, 0);
  const v14 = parseAccessibility(toLines(read("android_data", "dumpsys_accessibility_v14_or_later.txt")));
  assert.deepEqual(v14.map((s) => [s.state, s.service]), [["enabled", "com.malware.accessibility/com.malware.service.malwareservice"]]);

  for (const f of ["dumpsys_adb.txt", "dumpsys_adb_wifi.txt", "dumpsys_adb_xml.txt"]) {
    const text = read("android_data", f);
    const st = parseAdb(toLines(text));
    const userKeys = text.split("\n").filter((l) => /^\s*user_keys=QAAAA/.test(l)).length;
    assert.equal(st.keys.length, userKeys, f);
    assert.equal(st.connected_to_adb, true, f);
  }
  const xml = parseAdb(toLines(read("android_data", "dumpsys_adb_xml.txt")));
  assert.equal(xml.keys[0].comment, "user@laptop");
  assert.equal(xml.keys[0].last_connection, new Date(1628501829898).toISOString());

  const ao = read("android_data", "dumpsys_appops.txt");
  const ops = parseAppops(toLines(ao));
  assert.equal(ops.length, count(ao, /^ {4}Package \S+:$/));
  const entries = ops.reduce((n, p) => n + p.permissions.reduce((m, q) => m + q.entries.length, 0), 0);
  assert.equal(entries, count(ao, /^\s+(Access|Reject): \[/));

  const bat = read("android_data", "dumpsys_battery.txt");
  assert.equal(parseBatteryDaily(toLines(bat)).length, count(bat, /^\s+(Update|Uninstall) \S+/));
  const hist = parseBatteryHistory(toLines(bat));
  assert.equal(hist.length, (bat.slice(0, bat.indexOf("Daily stats:")).match(/[+-]?(top|job|fg|proc|pkginst|pkgunin)=[\w-]+:"/g) ?? []).length);

  const db = read("android_data", "dumpsys_dbinfo.txt");
  const ops2 = parseDbinfo(toLines(db));
  assert.equal(ops2.length, count(db, /^\s+\d+: \[\d{4}-/));
  assert.ok(ops2.every((o) => o.path.startsWith("/data/")));

  const pc = read("android_data", "dumpsys_platform_compat.txt");
  const overrides = parsePlatformCompat(toLines(pc));
  const names = new Set((pc.match(/(?:packageOverrides|rawOverrides)=\{([^}]*)\}/g) ?? []).flatMap((m) => m.slice(m.indexOf("{") + 1, -1).split(",").map((x) => x.trim().split("=")[0])));
  assert.equal(overrides.length, names.size);
});

test("android_data getprop and ps samples", skip, () => {
  const gp = read("android_data", "getprop.txt");
  assert.equal(parseGetprop(toLines(gp), "getprop.txt").properties.length, count(gp, /^\[[^\]]+\]: \[/));
  const ps = read("android_data", "ps.txt");
  assert.equal(parsePs(ps, "ps.txt").processes.length, count(ps, /^\S+\s+\d+\s+\d+/));
});

test("tombstones: text and protobuf of the same crash agree; bugreport tombstones parse", skip, () => {
  const t = parseTombstone(readFileSync(A("android_data", "tombstone_process.txt")), "tombstone_process.txt");
  const p = parseTombstone(readFileSync(A("android_data", "tombstone_process.pb")), "tombstone_process.pb");
  const text = read("android_data", "tombstone_process.txt");
  const head = /pid: (\d+), tid: (\d+), name: \S+\s+>>> (\S+) <<</.exec(text)!;
  for (const x of [t, p]) {
    assert.equal(x.pid, Number(head[1]));
    assert.equal(x.tid, Number(head[2]));
    assert.equal(x.process_name, head[3]);
    assert.equal(x.uid, Number(/^uid: (\d+)/m.exec(text)![1]));
    assert.equal(x.build_fingerprint, /^Build fingerprint: '([^']+)'/m.exec(text)![1]);
    assert.equal(x.signal_info?.name, /^signal \d+ \((\w+)\)/m.exec(text)![1]);
  }
  assert.equal(t.timestamp, p.timestamp);
  for (const f of ["tombstone_00", "tombstone_01"]) {
    const raw = read("android_data", "bugreport", "FS", "data", "tombstones", f);
    const tb = parseTombstone(Buffer.from(raw), f);
    assert.equal(tb.pid, Number(/^pid: (\d+)/m.exec(raw)![1]));
  }
});

test("androidqf bundle: every module's record count against the raw files", skip, async () => {
  const v = folderView("androidqf", "androidqf");
  const iocs = matcherFromValues({ app_id: ["com.malware.blah"], file_path: ["/sdcard/.profig.os"] }, "Conformance");
  const ds = read("androidqf", "dumpsys.txt");
  const pkgJson = JSON.parse(read("androidqf", "packages.json")) as unknown[];
  const receiverTable = rawSection(ds, "package").split("Receiver Resolver Table:")[1].split("\nActive APEX")[0];
  const expected: Record<string, number> = {
    getprop: count(read("androidqf", "getprop.txt"), /^\[[^\]]+\]: \[/),
    settings: count(read("androidqf", "settings_random.txt"), /^[^=\s]+=/),
    packages: pkgJson.length,
    dumpsys_packages: count(rawSection(ds, "package"), /^ {2}Package \[/),
    processes: count(read("androidqf", "ps.txt"), /^\S+\s+\d+\s+\d+/),
    files: (JSON.parse(read("androidqf", "files.json")) as unknown[]).length,
    root_binaries: (JSON.parse(read("androidqf", "root_binaries.json")) as unknown[]).length,
    dumpsys_accessibility: count(rawSection(ds, "accessibility"), /^ {4}\d+ : /),
    dumpsys_receivers: count(receiverTable, /^ {8}[0-9a-f]+ \S+\/\S+/),
    dumpsys_appops: count(rawSection(ds, "appops"), /^ {4}Package \S+:$/),
    dumpsys_battery_daily: count(rawSection(ds, "batterystats"), /^\s+(Update|Uninstall) \S+/),
    dumpsys_dbinfo: count(rawSection(ds, "dbinfo"), /^\s+\d+: \[\d{4}-/),
    dumpsys_adb: count(rawSection(ds, "adb"), /^\s*user_keys=QAAAA/),
  };
  for (const [name, n] of Object.entries(expected)) {
    const r = await collectModule(mod(name), v, iocs);
    assert.equal(r.coverage.status, "checked", `${name}: ${r.coverage.reason}`);
    assert.equal(r.records.length, n, name);
  }
  const pk = await collectModule(mod("packages"), v, iocs);
  assert.deepEqual(pk.detections.filter((d) => d.kind === "indicator").map((d) => d.matched), ["com.malware.blah"]);
  const files = await collectModule(mod("files"), v, iocs);
  assert.deepEqual(files.detections.map((d) => d.matched), ["/sdcard/.profig.os"]);
  const rb = await collectModule(mod("root_binaries"), v, iocs);
  assert.equal(rb.detections.length, expected.root_binaries);
  const mounts = await collectModule(mod("mounts"), v, iocs);
  assert.equal(mounts.coverage.status, "absent");
});

test("bugreport folder: dumpstate sections and tombstones, text and protobuf of one crash counted once", skip, async () => {
  const dumpstate = read("android_data", "bugreport", "dumpstate.txt");
  const v = memoryView({
    kind: "android_bugreport",
    platform: "android",
    files: [
      { path: "dumpstate.txt", data: dumpstate },
      { path: "main_entry.txt", data: read("android_data", "bugreport", "main_entry.txt") },
      ...["tombstone_00", "tombstone_01"].map((f) => ({ path: `FS/data/tombstones/${f}`, data: readFileSync(A("android_data", "bugreport", "FS", "data", "tombstones", f)) })),
      { path: "FS/data/tombstones/tombstone_02", data: readFileSync(A("android_data", "tombstone_process.txt")) },
      { path: "FS/data/tombstones/tombstone_02.pb", data: readFileSync(A("android_data", "tombstone_process.pb")) },
    ],
  });
  const iocs = matcherFromValues({}, "Conformance");
  const secs = splitDumpsys(dumpstate);
  assert.deepEqual([...secs.keys()], (dumpstate.match(/^DUMP OF SERVICE (\S+):/gm) ?? []).map((l) => l.slice(16, -1)));
  const pk = await collectModule(mod("dumpsys_packages"), v, iocs);
  assert.equal(pk.records.length, count(rawSection(dumpstate, "package"), /^ {2}Package \[/));
  const ao = await collectModule(mod("dumpsys_appops"), v, iocs);
  assert.equal(ao.records.length, count(rawSection(dumpstate, "appops"), /^ {4}Package \S+:$/));
  const tb = await collectModule(mod("tombstones"), v, iocs);
  assert.equal(tb.coverage.status, "checked");
  assert.equal(tb.records.length, 3);
  assert.equal((tb.records as { also_in?: string }[]).filter((r) => r.also_in).length, 1);
  // Services this dumpstate does not hold are reported as not checked, never as clean.
  const adb = await collectModule(mod("dumpsys_adb"), v, iocs);
  assert.equal(adb.coverage.status, "failed");
});

test("android backup telephony files: SMS and MMS with their links", skip, async () => {
  const dir = "apps/com.android.providers.telephony/d_f/";
  const names = readdirSync(A("android_backup", dir));
  const v = memoryView({ kind: "android_backup", platform: "android", files: names.map((f) => ({ path: dir + f, data: readFileSync(A("android_backup", dir, f)) })) });
  const expected = names.reduce((n, f) => n + (JSON.parse(inflateSync(readFileSync(A("android_backup", dir, f))).toString()) as unknown[]).length, 0);
  const r = await collectModule(mod("sms"), v, matcherFromValues({ domain: ["google.com"] }, "Conformance"));
  assert.equal(r.records.length, expected);
  assert.equal(r.detections.length, 2);
  assert.ok(r.detections.every((d) => d.grade === "medium"));
});

test("through the Android openers: androidqf folder (with its nested backup), .ab backups, bugreport folder", skip, async () => {
  const { openAndroidqf } = await import("../../src/acquisitions/android/androidqf.ts");
  const { openAndroidBackup } = await import("../../src/acquisitions/android/android-backup.ts");
  const { openBugreport } = await import("../../src/acquisitions/android/bugreport.ts");
  const iocs = matcherFromValues({ domain: ["google.com"], app_id: ["com.malware.blah"] }, "Conformance");
  const wanted = mergeSpecs(androidModules.map((m) => m.reads));
  const qfView = await openAndroidqf(A("androidqf"), { wanted });
  const memView = folderView("androidqf", "androidqf");
  try {
    for (const m of androidModules) {
      const a = await collectModule(m, qfView, iocs);
      const b = await collectModule(m, memView, iocs);
      assert.notEqual(a.coverage.status, "failed", `${m.name}: ${a.coverage.reason}`);
      assert.equal(a.coverage.status, b.coverage.status, m.name);
      assert.equal(a.records.length, b.records.length, m.name);
      assert.equal(a.detections.length, b.detections.length, m.name);
    }
    const nested = await qfView.nested();
    const backup = nested.find((n) => n.view.kind === "android_backup");
    assert.ok(backup, "backup.ab opened as a nested view");
    const smsRun = await collectModule(mod("sms"), backup!.view, iocs);
    assert.equal(smsRun.records.length, 2);
    assert.equal(smsRun.detections.length, 2);
  } finally {
    await qfView.close();
  }
  for (const [f, n] of [["backup.ab", 2], ["backup2.ab", 1], ["backup3.ab", 1]] as const) {
    const v = await openAndroidBackup(A("android_backup", f), { password: "123456", wanted });
    try {
      const r = await collectModule(mod("sms"), v, iocs);
      assert.equal(r.coverage.status, "checked", `${f}: ${r.coverage.reason}`);
      assert.equal(r.records.length, n, f);
    } finally {
      await v.close();
    }
  }
  const brView = await openBugreport(A("android_data", "bugreport"));
  try {
    const tb = await collectModule(mod("tombstones"), brView, iocs);
    assert.equal(tb.records.length, readdirSync(A("android_data", "bugreport", "FS", "data", "tombstones")).length);
    const pk = await collectModule(mod("dumpsys_packages"), brView, iocs);
    assert.equal(pk.records.length, count(rawSection(read("android_data", "bugreport", "dumpstate.txt"), "package"), /^ {2}Package \[/));
  } finally {
    await brView.close();
  }
});

test("Echap's stalkerware indicators (ioc.yaml) reach the Android modules: package names and certificate SHA-1s", skip, async () => {
  const { loadIndicatorsForRun } = await import("../../src/indicators/for-run.ts");
  const { matcher } = await loadIndicatorsForRun([corpus("iocs", "echap-stalkerware", "ioc.yaml")]);
  const yaml = readFileSync(corpus("iocs", "echap-stalkerware", "ioc.yaml"), "utf8");
  // First package and first certificate of the file's first entry, read with plain patterns.
  const pkg = /^ {2}packages:\n {2}- (\S+)/m.exec(yaml)![1];
  const cert = /^ {2}certificates:\n {2}- ([0-9A-Fa-f]{40})/m.exec(yaml)![1];
  const apk = (name: string, sha1: string) => ({ name, files: [{ path: `/data/app/${name}/base.apk`, sha256: "0".repeat(64), certificate: { Sha1: sha1.toLowerCase() } }], installer: "com.android.vending", system: false });
  const v = memoryView({ kind: "androidqf", platform: "android", files: [{ path: "packages.json", data: JSON.stringify([apk(pkg, "1".repeat(40)), apk("com.renamed.app", cert), apk("com.example.clean", "2".repeat(40))]) }] });
  const r = await collectModule(mod("packages"), v, matcher);
  const ind = r.detections.filter((d) => d.kind === "indicator");
  assert.deepEqual(ind.map((d) => [d.grade, d.matched_indicator?.type]).sort(), [["strong", "app_cert_hash"], ["strong", "app_id"]]);
  assert.ok(ind.every((d) => d.matched_indicator?.stix2_file_name === "ioc.yaml" || d.matched_indicator?.source.endsWith("ioc.yaml")));
});
