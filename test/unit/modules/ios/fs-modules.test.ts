import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { entryPages } from "../../../../src/acquisitions/view.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import shutdownLog from "../../../../src/modules/ios/shutdown-log.ts";
import crashReports from "../../../../src/modules/ios/crash-reports.ts";
import sysdiagnoseProcesses, { commandPath } from "../../../../src/modules/ios/sysdiagnose-processes.ts";
import keychainAnalytics from "../../../../src/modules/ios/keychain-analytics.ts";
import iosVersions from "../../../../src/modules/ios/ios-versions.ts";
import filesystem from "../../../../src/modules/ios/filesystem.ts";
import sysdiagnoseInfo from "../../../../src/modules/ios/sysdiagnose-info.ts";
import { ipsText, keychainAnalyticsDb, psText, remotectlDumpstate, shutdownLogText } from "../../../helpers/ios-fs-builder.ts";
import { writeBplist } from "../../../helpers/bplist-writer.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const iocs = matcherFromValues({ process: ["bh", "roleaccountd"], domain: ["evil-cdn.com"], file_path: ["/private/var/db/com.apple.xpc.roleaccountd.staging/subridged"], file_name: ["roleaccountd.plist"] }, "Test Pegasus");
const none = matcherFromValues({}, "empty");
const fsView = (files: MemoryFile[], osVersion = "17.4.1") => memoryView({ kind: "ios_fs", platform: "ios", files, device: { osVersion } });
const sdView = (files: MemoryFile[]) => memoryView({ kind: "ios_sysdiagnose", platform: "ios", files });
const T = 1700000000;
const STAGING = "/private/var/db/com.apple.xpc.roleaccountd.staging";

test("shutdown_log: iOS 26 layout in a sysdiagnose, process indicator as a path component (strong) and the location rule", async () => {
  const text = shutdownLogText(
    [
      { at: T, notices: [{ after: 1.26, clients: [[155, "/usr/libexec/nfcd"]] }] },
      { at: T + 3600, notices: [{ after: 1.26, clients: [[155, "/usr/libexec/nfcd"], [2143, `${STAGING}/bh`]] }, { after: 1.77, clients: [[2143, `${STAGING}/bh`]] }] },
    ],
    "ios26",
  );
  const r = await collectModule(shutdownLog, sdView([{ path: "system_logs.logarchive/Extra/shutdown.0.log", data: text }]), iocs);
  assertMvtFields("shutdown_log", r.records);
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 3);
  const strong = r.detections.filter((d) => d.grade === "strong");
  assert.equal(strong.length, 1);
  assert.equal(strong[0].matched_indicator?.value, "bh");
  assert.equal(strong[0].timestamp, new Date((T + 3600) * 1000).toISOString());
  assert.equal(strong[0].artifact, "system_logs.logarchive/Extra/shutdown.0.log");
  assert.deepEqual(r.detections.filter((d) => d.kind === "heuristic").map((d) => d.rule?.id), ["IOS-SHUTDOWN-01"]);
  assert.equal(r.events.filter((e) => e.event === "shutdown").length, 2 + 3);
});

test("shutdown_log: a clean log gives records and no detection; a path indicator matches the full client path", async () => {
  const clean = shutdownLogText([{ at: T, notices: [{ after: 0.5, clients: [[155, "/usr/libexec/nfcd"], [66, "/usr/libexec/locationd"]] }] }]);
  const r = await collectModule(shutdownLog, fsView([{ path: "private/var/db/diagnostics/shutdown.log", data: clean }]), iocs);
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections, []);
  const withPath = shutdownLogText([{ at: T, notices: [{ after: 0.5, clients: [[9, `${STAGING}/subridged`]] }] }]);
  const r2 = await collectModule(shutdownLog, fsView([{ path: "private/var/db/diagnostics/shutdown.log", data: withPath }]), iocs);
  assert.deepEqual(r2.detections.filter((d) => d.kind === "indicator").map((d) => [d.grade, d.matched_indicator?.type]), [["strong", "file_path"]]);
});

test("shutdown_log: delayed shutdown rule fires once per shutdown; a truncated log is a coverage warning", async () => {
  const text = shutdownLogText([
    { at: T, notices: [1, 2, 3].map((n) => ({ after: n, clients: [[700, "/usr/libexec/oddd"]] as [number, string][] })) },
    { at: null, notices: [{ after: 0.2, clients: [[155, "/usr/libexec/nfcd"]] }] },
  ]);
  const r = await collectModule(shutdownLog, fsView([{ path: "private/var/db/diagnostics/shutdown.log", data: text }]), none);
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade]), [["IOS-SHUTDOWN-02", "weak"]]);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /no SIGTERM line/);
});

test("shutdown_log: an unreadable file fails the module with a one-line reason", async () => {
  const r = await collectModule(shutdownLog, fsView([{ path: "private/var/db/diagnostics/shutdown.log", data: "this is not it\n" }]), none);
  assert.equal(r.coverage.status, "failed");
  assert.match(r.coverage.reason!, /^private\/var\/db\/diagnostics\/shutdown\.log: not a shutdown\.log/);
});

test("crash_reports: BlastDoor crash flagged (medium), spyware process crash strong, Safari crash not flagged, junk file a warning", async () => {
  const r = await collectModule(
    crashReports,
    sdView([
      { path: "crashes_and_spins/MessagesBlastDoorService-2026-07-05-101112.ips", data: ipsText({ procName: "MessagesBlastDoorService" }) },
      { path: "crashes_and_spins/MobileSafari-2026-07-05-101112.ips", data: ipsText({ procName: "MobileSafari", procPath: "/Applications/MobileSafari.app/MobileSafari" }) },
      { path: "crashes_and_spins/bh-2026-07-06-120311.ips", data: ipsText({ procName: "bh", procPath: `${STAGING}/bh` }) },
      { path: "crashes_and_spins/broken.ips", data: "garbage\n" },
    ]),
    iocs,
  );
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 3);
  assert.deepEqual(
    r.detections.map((d) => [d.kind, d.grade, d.rule?.id ?? d.matched_indicator?.value]).sort(),
    [["heuristic", "medium", "IOS-CRASH-01"], ["indicator", "strong", "bh"]],
  );
  assert.equal(r.warnings.length, 1);
  assert.equal(r.events.length, 3);
});

test("sysdiagnose_processes: parses ps.txt and ps_thread.txt once per process; flags indicator and location", async () => {
  const ps = psText([
    { pid: 1, ppid: 0, command: "/sbin/launchd" },
    { pid: 211, user: "mobile", command: "/usr/sbin/mediaserverd" },
    { pid: 340, user: "mobile", command: "/private/var/containers/Bundle/Application/AB12/My App.app/My App --launchedByApp" },
    { pid: 2143, command: `${STAGING}/bh` },
    { pid: 2200, command: "/private/var/tmp/helper -d" },
  ]);
  const r = await collectModule(sysdiagnoseProcesses, sdView([{ path: "ps.txt", data: ps }, { path: "ps_thread.txt", data: ps }]), iocs);
  assert.equal(r.records.length, 5);
  const rec = r.records as { pid: number; path?: string; process_name: string }[];
  assert.equal(rec[2].path, "/private/var/containers/Bundle/Application/AB12/My App.app/My App");
  assert.equal(rec[2].process_name, "My App");
  const got = r.detections.map((d) => `${d.grade}:${d.rule?.id ?? d.matched_indicator?.value}:${d.matched}`).sort();
  assert.deepEqual(got, [`medium:IOS-PROC-01:${STAGING}/bh`, "medium:IOS-PROC-01:/private/var/tmp/helper", "strong:bh:bh"]);
  assert.deepEqual(commandPath("kernel_task"), { name: "kernel_task" });
});

test("sysdiagnose_processes: a line with a long run of spaces inside is read in one pass", async () => {
  // The line's trailing space was cut with /\s+$/, which tries every space of an inner run (quadratic).
  const ps = psText([{ pid: 1, ppid: 0, command: "/sbin/launchd" }]) + `  2 1 0 0 ??  Ss 0:00.01 /usr/bin/x${" ".repeat(200_000)}y\n`;
  const r = await withinCpu(5, "the listing", () => collectModule(sysdiagnoseProcesses, sdView([{ path: "ps.txt", data: ps }]), none));
  assert.equal(r.coverage.status, "checked");
});

test("sysdiagnose_processes: a file without a ps header fails with a one-line reason", async () => {
  const r = await collectModule(sysdiagnoseProcesses, sdView([{ path: "ps.txt", data: "hello world\n" }]), none);
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.reason, "ps.txt: not a ps listing (no header with PID and COMMAND)");
});

test("keychain_analytics: process (strong) and domain (medium) values in plist rows; clean rows not flagged", async () => {
  const db = keychainAnalyticsDb([
    { timestamp: T, data: writeBplist({ process: "bh", build: "21E236" }) },
    { table: "soft_failures", timestamp: T + 5, data: writeBplist({ peer: "api.evil-cdn.com", attributes: { process: "apsd" } }) },
    { table: "all_events", timestamp: T + 9, data: writeBplist({ process: "apsd" }) },
    { timestamp: T + 10, data: null },
  ]);
  const r = await collectModule(keychainAnalytics, fsView([{ path: "private/var/Keychains/Analytics/trust_analytics.db", data: db }]), iocs);
  assertMvtFields("keychain_analytics", r.records);
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 4);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]).sort(), [["medium", "api.evil-cdn.com"], ["strong", "bh"]]);
  assert.equal((r.records[0] as { artifact: string }).artifact, "trust_analytics.db");
});

test("keychain_analytics: a database with none of the tables, or a corrupt one, is a warning beside a good one and fails the module alone", async () => {
  const odd = keychainAnalyticsDb([], { tables: ["other"] });
  const good = keychainAnalyticsDb([{ timestamp: T, data: writeBplist({ process: "x" }) }]);
  const corrupt = Buffer.from("SQLite format 3\0" + "x".repeat(10));
  const r = await collectModule(
    keychainAnalytics,
    fsView([
      { path: "private/var/Keychains/Analytics/x.db", data: odd },
      { path: "private/var/Keychains/Analytics/y.db", data: corrupt },
      { path: "private/var/Keychains/Analytics/z.db", data: good },
    ]),
    none,
  );
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 1);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /x\.db: unexpected schema/);
  assert.match(r.warnings[1], /y\.db: /);
  const alone = await collectModule(keychainAnalytics, fsView([{ path: "private/var/Keychains/Analytics/x.db", data: odd }]), none);
  assert.equal(alone.coverage.status, "failed");
  assert.match(alone.coverage.reason!, /x\.db: unexpected schema/);
  const bad = await collectModule(keychainAnalytics, fsView([{ path: "private/var/Keychains/Analytics/y.db", data: corrupt }]), none);
  assert.equal(bad.coverage.status, "failed");
  assert.match(bad.coverage.reason!, /y\.db: /);
});

test("ios_versions: first appearance of each version from analytics journals and keychain analytics builds", async () => {
  const j = (ts: string, v: string) => JSON.stringify({ timestamp: ts, os_version: v }) + "\n{\"x\":1}\n";
  const db = keychainAnalyticsDb([{ timestamp: T, data: writeBplist({ build: "20A362" }) }]);
  const r = await collectModule(
    iosVersions,
    fsView([
      { path: "private/var/db/analyticsd/Analytics-Journal-2024-03-02.ips", data: j("2024-03-02 10:00:00.00 +0100", "iPhone OS 17.3.1 (21D61)") },
      { path: "private/var/db/analyticsd/Analytics-Journal-2024-03-01.ips", data: j("2024-03-01 10:00:00.00 +0100", "iPhone OS 17.3.1 (21D61)") },
      { path: "private/var/db/analyticsd/Analytics-Journal-2024-04-01.ips", data: j("2024-04-01 10:00:00.00 +0200", "iPhone OS 17.4.1 (21E236)") },
      { path: "private/var/Keychains/Analytics/a.db", data: db },
    ]),
    none,
  );
  assert.deepEqual(
    r.records.map((x) => { const v = x as { isodate: string; os_version?: string; build?: string }; return [v.isodate, v.os_version, v.build]; }),
    [
      [new Date(T * 1000).toISOString(), undefined, "20A362"],
      ["2024-03-01T09:00:00.000Z", "17.3.1", "21D61"],
      ["2024-04-01T08:00:00.000Z", "17.4.1", "21E236"],
    ],
  );
  assert.deepEqual(r.detections, []);
});

test("filesystem: path indicator strong, process-named folder medium once (whole components only), clean paths nothing", async () => {
  const files: MemoryFile[] = [
    { path: "private/var/mobile/Library/SMS/sms.db", data: "x" },
    { path: "private/var/db/com.apple.xpc.roleaccountd.staging/subridged", data: "x" },
    { path: "private/var/tmp/bh/a", data: "x" },
    { path: "private/var/tmp/bh/b", data: "x" },
    { path: "private/var/tmp/bhx/c", data: "x" },
    { path: "private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd.plist", data: "x" },
    { path: "private/var/db/roleaccountd.plist.bak", data: "x" },
  ];
  const r = await collectModule(filesystem, fsView(files), iocs);
  assertMvtFields("filesystem", r.records);
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 7);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]).sort(), [
    ["medium", "/private/var/tmp/bh"],
    ["strong", "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd.plist"],
    ["strong", "/private/var/db/com.apple.xpc.roleaccountd.staging/subridged"],
  ]);
  const clean = await collectModule(filesystem, fsView(files), none);
  assert.deepEqual(clean.detections, []);
});

test("filesystem: a dump read in pages gives every entry once, in order; a folder across a page boundary alerts once", async () => {
  // 4,500 entries: pages of 2000 (entryPages); the spyware-named folder's files straddle the
  // first boundary, so the "already checked" state must carry from one page to the next.
  const files: MemoryFile[] = [];
  for (let i = 0; i < 4500; i++) {
    const path = i >= 1998 && i <= 2001 ? `private/var/tmp/bh/f${i}` : `private/var/mobile/Media/f${String(i).padStart(5, "0")}`;
    files.push({ path, data: "x" });
  }
  const view = fsView(files);
  const pages: number[] = [];
  for await (const page of entryPages(view)) pages.push(page.length);
  assert.deepEqual(pages, [2000, 2000, 500]);
  const r = await collectModule(filesystem, view, iocs);
  assert.deepEqual(
    r.records.map((x) => (x as { path: string }).path),
    files.map((f) => f.path),
  );
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["medium", "/private/var/tmp/bh"]]);
});

test("filesystem does not apply to a sysdiagnose; sysdiagnose_info reads device facts", async () => {
  const r = await collectModule(filesystem, sdView([{ path: "ps.txt", data: "x" }]), none);
  assert.equal(r.coverage.status, "not_applicable");
  const info = await collectModule(
    sysdiagnoseInfo,
    sdView([
      { path: "remotectl_dumpstate.txt", data: remotectlDumpstate({ ProductType: "iPhone14,2", OSVersion: "15.0", BuildVersion: "19A346", SerialNumber: "F00" }) },
      { path: "sysdiagnose.log", data: "out /var/x/sysdiagnose_2026.07.07_19-00-00+0200_iPhone-OS_iPhone_19A346.tar.gz\n" },
    ]),
    none,
  );
  const rec = info.records[0] as Record<string, string>;
  assert.equal(rec.ProductType, "iPhone14,2");
  assert.equal(rec.BuildVersion, "19A346");
  assert.equal(rec.CreatedTimestamp, "2026-07-07T17:00:00.000Z");
  assert.ok(rec.newer_ios_available, "15.0 is outdated");
  assert.deepEqual(info.detections, []);
});
