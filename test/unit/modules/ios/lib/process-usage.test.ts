import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView } from "../../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../../src/indicators/matcher.ts";
import datausage from "../../../../../src/modules/ios/datausage.ts";
import netusage from "../../../../../src/modules/ios/netusage.ts";
import { MAX_HOLES, type ProcessUsageRecord } from "../../../../../src/modules/ios/lib/process-usage.ts";
import { processUsageDb, sqliteImage, type Proc, type Usage } from "../../../../helpers/system-fixtures.ts";
import { assertMvtFields } from "../../../../helpers/mvt-fields.ts";

const none = matcherFromValues({}, "Empty");
const DU = { domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite" };
const backup = (data: Buffer) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ ...DU, data }] });

const T0 = "2021-09-01T10:00:00.000Z";
const procs: Proc[] = [
  { id: 1, name: "1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.mobilesafari", bundle: "com.apple.mobilesafari", first: T0, last: "2021-09-02T10:00:00.000Z" },
  { id: 2, name: "bh", bundle: null, first: "2021-09-01T11:00:00.000Z" },
  { id: 3, name: "com.apple.WebKit.Networking", bundle: null, first: "2021-09-01T12:00:00.000Z" },
  { id: 4, name: "rolexaccountdxyz", bundle: null, first: "2021-09-01T12:30:00.000Z" },
  { id: 5, name: "Spy", bundle: "com.stalker.spy", first: "2021-09-01T13:00:00.000Z" },
  { id: 6, name: "mDNSResponder/com.apple.AppStore", bundle: null, first: "2021-09-01T13:10:00.000Z" },
  { id: 7, name: "IMRemoteURLConne/com.apple.datausage.messages", bundle: null, first: "2021-09-01T13:20:00.000Z" },
];
const usage: Usage[] = [
  { id: 1, proc: 1, at: "2021-09-01T10:05:00.000Z", wwanIn: 100, wwanOut: 50, wifiIn: 7, wifiOut: 8 },
  { id: 2, proc: 2, at: "2021-09-01T11:05:00.000Z", wwanIn: 10, wwanOut: 20 },
  { id: 3, proc: 2, at: "2021-09-01T11:06:00.000Z", wwanIn: 11, wwanOut: 21 },
];

test("datausage: records join usage with processes, MVT field names, and list processes without usage", async () => {
  const out = await collectModule(datausage, backup(processUsageDb(procs, usage)), none);
  assertMvtFields("datausage", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as ProcessUsageRecord[];
  assert.equal(recs.length, 3 + 5); // three usage rows + processes 3 to 7 without usage
  const first = recs[0];
  assert.equal(first.proc_name, "1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.mobilesafari");
  assert.equal(first.bundle_id, "com.apple.mobilesafari");
  assert.equal(first.proc_id, 1);
  assert.equal(first.live_id, 1);
  assert.equal(first.live_proc_id, 1);
  assert.equal(first.first_isodate, T0);
  assert.equal(first.isodate, "2021-09-02T10:00:00.000Z");
  assert.equal(first.live_isodate, "2021-09-01T10:05:00.000Z");
  assert.deepEqual([first.wwan_in, first.wwan_out, first.wifi_in, first.wifi_out], [100, 50, 7, 8]);
  assert.equal(first.source, "WirelessDomain/Library/Databases/DataUsage.sqlite");
  const idle = recs.find((r) => r.proc_id === 3)!;
  assert.equal(idle.live_id, null);
  assert.equal(idle.live_isodate, "2021-09-01T12:00:00.000Z");
  // live_usage per usage row; first/current usage once per process (7 processes).
  const kinds = out.events.map((e) => e.event);
  assert.equal(kinds.filter((k) => k === "live_usage").length, 3);
  assert.equal(kinds.filter((k) => k === "first_usage").length, 7);
  assert.equal(kinds.filter((k) => k === "current_usage").length, 7);
  assert.ok(out.events.some((e) => e.event === "live_usage" && /bh .*WWAN in 11 B, out 21 B/.test(e.description)));
  assert.equal(out.detections.length, 0, "consecutive ids and intact process rows: nothing to flag");
});

test("datausage: process indicators: exact names strong once per process, truncated names lowered, bundle id as app id", async () => {
  const iocs = matcherFromValues({ process: ["bh", "rolexaccountdxyzabc", "com.apple.mobilesafari"], app_id: ["com.stalker.spy"] }, "Pegasus");
  const out = await collectModule(datausage, backup(processUsageDb(procs, usage)), iocs);
  const byMatch = new Map(out.detections.map((d) => [d.matched, d]));
  assert.equal(out.detections.length, 4, out.detections.map((d) => d.title).join("\n"));
  assert.equal(byMatch.get("bh")?.grade, "strong");
  assert.match(byMatch.get("bh")!.title, /Known spyware process bh used the network \(DataUsage\.sqlite; Pegasus\)/);
  assert.equal(byMatch.get("bh")!.timestamp, "2021-09-01T11:00:00.000Z");
  assert.equal(byMatch.get("rolexaccountdxyz")?.grade, "medium", "16-character name that prefixes an indicator: truncated");
  assert.equal(byMatch.get("com.stalker.spy")?.grade, "strong");
  assert.equal(byMatch.get("com.stalker.spy")?.matched_indicator?.type, "app_id");
  // The UUID-prefixed process name and the bundle id both match: one detection, not two.
  assert.equal(out.detections.filter((d) => d.matched === "com.apple.mobilesafari").length, 1);
  assert.equal(out.detections.every((d) => d.artifact === "WirelessDomain/Library/Databases/DataUsage.sqlite"), true);
  // "<process>/<bundle>" names: the process part (cut at 16 characters by iOS) and the bundle part.
  const split = await collectModule(datausage, backup(processUsageDb(procs, usage)), matcherFromValues({ process: ["mDNSResponder", "IMRemoteURLConnectionAgent"], app_id: ["com.apple.datausage.messages"] }, "Test"));
  assert.deepEqual(
    split.detections.map((d) => `${d.matched}|${d.matched_indicator?.type}|${d.grade}`).sort(),
    ["IMRemoteURLConne|process|medium", "com.apple.datausage.messages|app_id|strong", "mDNSResponder|process|strong"],
  );
  // The record of a flagged process marks its events.
  assert.ok(out.events.some((e) => e.detected && /^bh /.test(e.description)));
});

test("datausage: usage rows whose process record was deleted are flagged once per process (must flag / must not flag)", async () => {
  const rows: Usage[] = [...usage, { id: 4, proc: 9, at: "2021-09-03T08:00:00.000Z", wwanIn: 5 }, { id: 5, proc: 9, at: "2021-09-03T09:00:00.000Z" }, { id: 6, proc: null, at: "2021-09-03T09:00:00.000Z" }];
  const out = await collectModule(datausage, backup(processUsageDb(procs, rows)), none);
  const deleted = out.detections.filter((d) => d.rule?.id === "process-record-deleted");
  assert.equal(deleted.length, 1, "two usage rows of the same deleted process; a row with no process link is not flagged");
  assert.equal(deleted[0].grade, "weak");
  assert.equal(deleted[0].kind, "heuristic");
  assert.equal(deleted[0].matched, "ZLIVEUSAGE.ZHASPROCESS 9");
  assert.equal(deleted[0].timestamp, "2021-09-03T08:00:00.000Z");
  const rec = (out.records as ProcessUsageRecord[]).find((r) => r.live_id === 4)!;
  assert.equal(rec.process_record_missing, true);
  assert.equal(rec.proc_name, null);
  assert.ok(out.events.some((e) => e.event === "live_usage" && e.detected && /deleted process record/.test(e.description)));

  const clean = await collectModule(datausage, backup(processUsageDb(procs, usage)), none);
  assert.equal(clean.detections.filter((d) => d.rule?.id === "process-record-deleted").length, 0);
});

test("datausage: holes in process ids: small holes flagged weak, long runs and routine churn are not", async () => {
  const gap = procs.filter((p) => p.id !== 3 && p.id !== 4); // ids 1, 2, 5: hole of two ids
  const out = await collectModule(datausage, backup(processUsageDb(gap, usage)), none);
  const holes = out.detections.filter((d) => d.rule?.id === "process-id-gap");
  assert.equal(holes.length, 1);
  assert.equal(holes[0].grade, "weak");
  assert.equal(holes[0].matched, "ZPROCESS.Z_PK 3, 4");
  assert.match(holes[0].title, /ids 3, 4 missing after "bh"/);
  assert.equal(holes[0].timestamp, "2021-09-01T11:00:00.000Z");
  assert.deepEqual((holes[0].record as { missing_proc_ids: number[] }).missing_proc_ids, [3, 4]);

  // A run of 5 deleted ids (an app and its extensions removed) is not flagged.
  const run: Proc[] = [{ id: 1, name: "a", first: T0 }, { id: 7, name: "b", first: T0 }];
  const long = await collectModule(datausage, backup(processUsageDb(run, [])), none);
  assert.equal(long.detections.length, 0);

  // More holes than MAX_HOLES: deletions are routine here; a warning, no detection.
  const many: Proc[] = Array.from({ length: MAX_HOLES + 2 }, (_, i) => ({ id: 1 + i * 2, name: `p${i}`, first: T0 }));
  const churn = await collectModule(datausage, backup(processUsageDb(many, [])), none);
  assert.equal(churn.detections.length, 0);
  assert.equal(churn.coverage.status, "checked");
  assert.match(churn.warnings.join("\n"), /11 gaps in process record ids/);

  // Exactly MAX_HOLES single holes are still flagged.
  const edge: Proc[] = Array.from({ length: MAX_HOLES + 1 }, (_, i) => ({ id: 1 + i * 2, name: `p${i}`, first: T0 }));
  const atLimit = await collectModule(datausage, backup(processUsageDb(edge, [])), none);
  assert.equal(atLimit.detections.length, MAX_HOLES);
});

test("datausage: newer schema without Wi-Fi columns", async () => {
  const out = await collectModule(datausage, backup(processUsageDb(procs, usage, { noWifi: true })), none);
  assert.equal(out.coverage.status, "checked");
  const r = (out.records as ProcessUsageRecord[])[0];
  assert.equal(r.wifi_in, null);
  assert.equal(r.wwan_in, 100);
});

test("datausage: an older ZPROCESS without ZBUNDLENAME still reads, bundle ids null", async () => {
  const db = sqliteImage("", (d) => {
    d.exec("CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZPROCNAME VARCHAR)");
    d.exec("CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT)");
    d.exec("INSERT INTO ZPROCESS VALUES (1, 7, 1, 600000000, 600000100, 'bh')");
    d.exec("INSERT INTO ZLIVEUSAGE VALUES (1, 5, 1, 1, 600000050, 10, 20)");
  });
  const out = await collectModule(datausage, backup(db), matcherFromValues({ process: ["bh"] }, "Pegasus"));
  assert.equal(out.coverage.status, "checked");
  const r = out.records[0] as ProcessUsageRecord;
  assert.equal(r.bundle_id, null);
  assert.equal(r.wifi_in, null);
  assert.equal(r.first_isodate, "2020-01-06T10:40:00.000Z");
  assert.equal(out.detections.length, 1);
});

test("datausage: unexpected schema and a corrupt file fail with one line naming the file", async () => {
  const wrong = sqliteImage("", (db) => db.exec("CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZPROCNAME TEXT)"));
  const out = await collectModule(datausage, backup(wrong), none);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "WirelessDomain/Library/Databases/DataUsage.sqlite: unexpected schema: table ZPROCESS lacks ZFIRSTTIMESTAMP, ZTIMESTAMP");
  const junk = await collectModule(datausage, backup(Buffer.from("not a database at all, just some text padding it out past the header size....................................................")), none);
  assert.equal(junk.coverage.status, "failed");
  assert.match(junk.coverage.reason!, /^WirelessDomain\/Library\/Databases\/DataUsage\.sqlite: not an SQLite database/);
  assert.doesNotMatch(junk.coverage.reason!, /\n/);
});

test("datausage: absent from a backup without it; filesystem path for dumps", async () => {
  const empty = await collectModule(datausage, memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "x", data: "x" }] }), none);
  assert.equal(empty.coverage.status, "absent");
  const fs = memoryView({ kind: "ios_fs", platform: "ios", files: [{ path: "private/var/wireless/Library/Databases/DataUsage.sqlite", data: processUsageDb(procs, usage) }] });
  const out = await collectModule(datausage, fs, none);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 8);
});

test("netusage: both networkd locations, records name their database; one broken copy is a warning", async () => {
  const a = processUsageDb(procs.slice(0, 2), usage.slice(0, 1));
  const b = processUsageDb([{ id: 1, name: "bh", first: T0 }], [{ id: 1, proc: 1, at: T0 }]);
  const view = memoryView({
    kind: "ios_fs",
    platform: "ios",
    files: [
      { path: "private/var/networkd/netusage.sqlite", data: a },
      { path: "private/var/networkd/db/netusage.sqlite", data: b },
    ],
  });
  const out = await collectModule(netusage, view, matcherFromValues({ process: ["bh"] }, "Pegasus"));
  assertMvtFields("netusage", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.records.length, 3);
  const sources = new Set((out.records as ProcessUsageRecord[]).map((r) => r.source));
  assert.deepEqual([...sources].sort(), ["private/var/networkd/db/netusage.sqlite", "private/var/networkd/netusage.sqlite"]);
  assert.equal(out.detections.length, 2, "bh in each database");
  assert.deepEqual(out.detections.map((d) => d.artifact).sort(), [...sources].sort());
  assert.match(out.detections[0].title, /netusage\.sqlite/);

  const broken = memoryView({
    kind: "ios_fs",
    platform: "ios",
    files: [
      { path: "private/var/networkd/netusage.sqlite", data: a },
      { path: "private/var/networkd/db/netusage.sqlite", data: sqliteImage("", (db) => db.exec("CREATE TABLE t (x)")) },
    ],
  });
  const partial = await collectModule(netusage, broken, none);
  assert.equal(partial.coverage.status, "checked");
  assert.equal(partial.records.length, 2);
  assert.match(partial.warnings[0], /^private\/var\/networkd\/db\/netusage\.sqlite: unexpected schema: no table ZPROCESS/);

  const inBackup = await collectModule(netusage, backup(a), none);
  assert.equal(inBackup.coverage.status, "not_applicable");
});

// Speed is measured by `npm run bench`; a check that went quadratic would run into the timeout.
test("datausage: 4,000 processes with their usage rows, holes in the ids", { timeout: 60_000 }, async () => {
  const many: Proc[] = [];
  const rows: Usage[] = [];
  for (let i = 1; i <= 4000; i++) {
    if (i % 500 === 0) continue; // a few holes
    many.push({ id: i, name: `proc${i}`, bundle: i % 3 ? `com.example.app${i}` : null, first: T0 });
    rows.push({ id: i, proc: i, at: T0, wwanIn: i });
  }
  const view = backup(processUsageDb(many, rows));
  const iocs = matcherFromValues({ process: ["proc1234", "bh", "roleaccountd"], app_id: ["com.example.app77"] }, "Pegasus");
  const out = await collectModule(datausage, view, iocs);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.records.length, rows.length);
  assert.equal(out.detections.filter((d) => d.kind === "indicator").length, 2);
  assert.equal(out.detections.filter((d) => d.rule?.id === "process-id-gap").length, 7, "the skipped id 4000 is the last one, not a hole");
});
