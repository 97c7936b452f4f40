import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { openIosFs, GlobIndex } from "../../../src/acquisitions/ios-fs.ts";
import { openSysdiagnose, parseSysdiagnoseName } from "../../../src/acquisitions/sysdiagnose.ts";
import { collectModule } from "../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { iosModules } from "../../../src/modules/ios/index.ts";
import filesystem from "../../../src/modules/ios/filesystem.ts";
import shutdownLog from "../../../src/modules/ios/shutdown-log.ts";
import crashReports from "../../../src/modules/ios/crash-reports.ts";
import sysdiagnoseProcesses from "../../../src/modules/ios/sysdiagnose-processes.ts";
import sysdiagnoseInfo from "../../../src/modules/ios/sysdiagnose-info.ts";
import {
  buildIosFsFolder,
  buildIosFsTar,
  buildIosFsZip,
  buildSysdiagnoseFolder,
  buildSysdiagnoseTar,
  ipsText,
  psText,
  remotectlDumpstate,
  shutdownLogText,
  SYSDIAGNOSE_DIR,
} from "../../helpers/ios-fs-builder.ts";
import { testDir, writeTemp } from "../../helpers/archive-builder.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

const STAGING = "/private/var/db/com.apple.xpc.roleaccountd.staging";
const iocs = matcherFromValues({ process: ["bh"] }, "Test Pegasus");
const T = 1700000000;
const dumpFiles = {
  "private/var/db/diagnostics/shutdown.log": shutdownLogText([{ at: T, notices: [{ after: 1, clients: [[2143, `${STAGING}/bh`]] }] }]),
  "private/var/mobile/Library/Logs/CrashReporter/imagent-2024.ips": ipsText({ procName: "imagent" }),
  "private/var/tmp/bh/payload": "x",
};

/** Hash of every file under a folder, to prove nothing was written into the evidence. */
function treeHash(p: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const f = join(d, n);
      const st = statSync(f);
      h.update(n);
      if (st.isDirectory()) walk(f);
      else h.update(readFileSync(f));
    }
  };
  if (statSync(p).isDirectory()) walk(p);
  else h.update(readFileSync(p));
  return h.digest("hex");
}

async function checkDump(path: string) {
  const before = treeHash(path);
  const view = await openIosFs(path);
  try {
    assert.equal(view.kind, "ios_fs");
    assert.equal(view.specKey, "fs");
    assert.equal(view.device.osVersion, "17.4.1");
    assert.equal(view.device.build, "21E236");
    const sd = await collectModule(shutdownLog, view, iocs);
    assert.equal(sd.coverage.status, "checked", sd.coverage.reason);
    assert.deepEqual(sd.detections.map((d) => d.rule?.id ?? d.matched_indicator?.value).sort(), ["IOS-SHUTDOWN-01", "bh"]);
    const cr = await collectModule(crashReports, view, iocs);
    assert.deepEqual(cr.detections.map((d) => d.rule?.id), ["IOS-CRASH-01"]);
    const fs = await collectModule(filesystem, view, iocs);
    assert.equal(fs.coverage.status, "checked");
    assert.ok((fs.records as { path: string }[]).some((r) => r.path === "private/var/tmp/bh/payload"));
    assert.deepEqual(fs.detections.map((d) => [d.grade, d.matched]), [["medium", "/private/var/tmp/bh"]]);
    // Every iOS module runs on a dump without an error of its own making.
    for (const m of iosModules) {
      const r = await collectModule(m, view, iocs);
      assert.notEqual(r.coverage.status, "failed", `${m.name}: ${r.coverage.reason}`);
    }
    return { view, fs };
  } finally {
    await view.close();
    assert.equal(treeHash(path), before, "evidence unchanged");
  }
}

test("ios_fs: an extracted folder", async () => {
  await checkDump(buildIosFsFolder(dumpFiles));
});

test("ios_fs: a folder whose child is the root (filesystem/)", async () => {
  const { view } = await checkDump(buildIosFsFolder(dumpFiles, { wrap: "filesystem" }));
  assert.ok(view.inputsRead().some((i) => i.path.endsWith("shutdown.log")));
});

test("ios_fs: .tar, .tar.gz (with a wrapper folder) and .zip", async () => {
  const { view } = await checkDump(await buildIosFsTar(dumpFiles));
  assert.equal(view.inputsRead().length, 1, "the archive itself is the input");
  await checkDump(await buildIosFsTar(dumpFiles, { gzip: true, wrap: "dump" }));
  await checkDump(buildIosFsZip(dumpFiles, { wrap: "filesystem" }));
});

test("ios_fs: a tar with '../', absolute and escaping-symlink members: refused, reported as coverage warnings, the rest checked", async () => {
  const p = await buildIosFsTar(dumpFiles, {
    extra: [
      { name: "../../etc/evil", data: "x" },
      { name: "/etc/passwd2", data: "x" },
      { name: "private/var/mobile/link", type: "symlink", linkname: "../../../../etc/shadow" },
      { name: "private/var/mobile/ok-link", type: "symlink", linkname: "Library" },
    ],
  });
  const view = await openIosFs(p);
  try {
    assert.deepEqual(view.refused().map((r) => r.entry).sort(), ["../../etc/evil", "/etc/passwd2", "private/var/mobile/link"]);
    const fs = await collectModule(filesystem, view, iocs);
    assert.equal(fs.coverage.status, "checked");
    assert.equal(fs.warnings.length, 3);
    assert.ok(fs.warnings.every((w) => w.startsWith("refused archive entry")));
    assert.ok((fs.records as { path: string; type?: string }[]).some((r) => r.path === "private/var/mobile/ok-link" && r.type === "symlink"));
    assert.ok(!(fs.records as { path: string }[]).some((r) => r.path.includes("etc/")));
  } finally {
    await view.close();
  }
});

test("ios_fs: not a dump, missing path, truncated tar: one-line errors", async () => {
  const dir = testDir("vigil-notfs");
  writeTemp(dir, "hello.txt", Buffer.from("hi"));
  await assert.rejects(openIosFs(dir), (e: unknown) => e instanceof VigilError && /not an iOS filesystem dump/.test(e.oneLine()));
  await assert.rejects(openIosFs(join(dir, "nope")), (e: unknown) => e instanceof VigilError && /cannot open \(ENOENT\)/.test(e.oneLine()));
  const tar = readFileSync(await buildIosFsTar(dumpFiles, { gzip: true }));
  const cut = writeTemp(dir, "cut.tar.gz", tar.subarray(0, Math.floor(tar.length / 2)));
  await assert.rejects(openIosFs(cut), (e: unknown) => e instanceof VigilError && e.oneLine().startsWith(cut) && !e.oneLine().includes("\n"));
});

test("ios_fs: an archive storing absolute names is refused with a hint to unpack it", async () => {
  const dir = testDir("vigil-absfs");
  const { buildTar } = await import("../../helpers/archive-builder.ts");
  const p = writeTemp(dir, "abs.tar", await buildTar([{ name: "/private/var/mobile/a", data: "x" }, { name: "/private/var/db/diagnostics/shutdown.log", data: "x" }]));
  await assert.rejects(openIosFs(p), (e: unknown) => e instanceof VigilError && e.oneLine() === `${p}: its 2 private/var entries have absolute names ("/private/var/..."), which Vigil never extracts from an archive; unpack it with tar or unzip (they strip the leading "/") and check the folder`);
});

test("GlobIndex matches globs by their literal base, and SQLite companions", () => {
  const g = new GlobIndex(["private/var/mobile/Library/SMS/sms.db", "private/var/Keychains/Analytics/*.db", "**/x.plist"]);
  assert.ok(g.matches("private/var/mobile/Library/SMS/sms.db"));
  assert.ok(g.matches("private/var/Keychains/Analytics/a.db"));
  assert.ok(!g.matches("private/var/Keychains/Analytics/sub/a.db"));
  assert.ok(g.matches("a/b/x.plist"));
  assert.ok(g.matchesWithCompanions("private/var/mobile/Library/SMS/sms.db-wal"));
  assert.ok(!g.matches("private/var/mobile/Library/SMS/sms.db-wal"));
});

const sysFiles = {
  "ps.txt": psText([{ pid: 1, command: "/sbin/launchd" }, { pid: 2143, command: `${STAGING}/bh` }]),
  "remotectl_dumpstate.txt": remotectlDumpstate({ ProductType: "iPhone14,2", OSVersion: "17.2.1", BuildVersion: "21C66" }),
  "system_logs.logarchive/Extra/shutdown.log": shutdownLogText([{ at: T, notices: [{ after: 1.26, clients: [[155, "/usr/libexec/nfcd"], [2143, `${STAGING}/bh`]] }] }], "ios26"),
  "crashes_and_spins/MessagesBlastDoorService-2026-07-05-101112.ips": ipsText({ procName: "MessagesBlastDoorService" }),
};

async function checkSysdiagnose(path: string) {
  const before = treeHash(path);
  const view = await openSysdiagnose(path);
  try {
    assert.equal(view.kind, "ios_sysdiagnose");
    assert.equal(view.device.model, "iPhone14,2");
    assert.equal(view.device.osVersion, "17.2.1");
    assert.equal(view.device.build, "21C66");
    assert.ok(view.device.newerOsAvailable);
    const sd = await collectModule(shutdownLog, view, iocs);
    assert.deepEqual(sd.detections.map((d) => d.rule?.id ?? d.matched_indicator?.value).sort(), ["IOS-SHUTDOWN-01", "bh"]);
    const ps = await collectModule(sysdiagnoseProcesses, view, iocs);
    assert.equal(ps.records.length, 2);
    assert.ok(ps.detections.some((d) => d.grade === "strong"));
    const cr = await collectModule(crashReports, view, iocs);
    assert.deepEqual(cr.detections.map((d) => d.rule?.id), ["IOS-CRASH-01"]);
    const info = await collectModule(sysdiagnoseInfo, view, iocs);
    assert.equal((info.records[0] as Record<string, string>).CreatedTimestamp, "2026-07-07T19:00:00.000Z");
    for (const m of iosModules) {
      const r = await collectModule(m, view, iocs);
      assert.notEqual(r.coverage.status, "failed", `${m.name}: ${r.coverage.reason}`);
    }
  } finally {
    await view.close();
    assert.equal(treeHash(path), before, "evidence unchanged");
  }
}

test("ios_sysdiagnose: the extracted folder, and its parent folder", async () => {
  const dir = buildSysdiagnoseFolder(sysFiles);
  await checkSysdiagnose(dir);
  await checkSysdiagnose(join(dir, ".."));
});

test("ios_sysdiagnose: the .tar.gz", async () => {
  await checkSysdiagnose(await buildSysdiagnoseTar(sysFiles));
});

test("ios_sysdiagnose: hostile members are refused and reported; a tar without sysdiagnose files is an error", async () => {
  const p = await buildSysdiagnoseTar(sysFiles, { extra: [{ name: "../escape.txt", data: "x" }, { name: `${SYSDIAGNOSE_DIR}/l`, type: "symlink", linkname: "/../../etc/passwd" }] });
  const view = await openSysdiagnose(p);
  try {
    const info = await collectModule(sysdiagnoseInfo, view, iocs);
    assert.ok(info.warnings.some((w) => w.includes("../escape.txt")));
  } finally {
    await view.close();
  }
  const dir = testDir("vigil-notsd");
  const bare = writeTemp(dir, "x.tar.gz", readFileSync(await buildIosFsTar({})));
  await assert.rejects(openSysdiagnose(bare), (e: unknown) => e instanceof VigilError && /not a sysdiagnose archive/.test(e.oneLine()));
  await assert.rejects(openSysdiagnose(dir), (e: unknown) => e instanceof VigilError && /not a sysdiagnose/.test(e.oneLine()));
});

test("a renamed sysdiagnose archive: its sysdiagnose.log is searched for the original name once, even along a 1.2 MB word of sysdiagnose_", async () => {
  // The opener searched with /sysdiagnose_\S+?\.tar\.gz/, which scanned the rest of the word again from each "sysdiagnose_" (38 s of CPU).
  const log = `${"sysdiagnose_".repeat(100_000)}\noutput: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/${SYSDIAGNOSE_DIR}.tar.gz\n`;
  const p = await buildSysdiagnoseTar({ ...sysFiles, "sysdiagnose.log": log }, { name: "renamed" });
  const view = await withinCpu(5, "opening it", () => openSysdiagnose(p));
  try {
    assert.equal(view.device.acquired, "2026-07-07T19:00:00.000Z");
  } finally {
    await view.close();
  }
});

test("sysdiagnose names carry creation time, offset and build", () => {
  assert.deepEqual(parseSysdiagnoseName("sysdiagnose_2026.07.07_19-00-00+0200_iPhone-OS_iPhone_23A341.tar.gz"), {
    created: "2026-07-07T17:00:00.000Z",
    utcOffset: "+0200",
    device: "iPhone-OS_iPhone_23A341",
    build: "23A341",
  });
  assert.equal(parseSysdiagnoseName("random.tar.gz"), undefined);
});

test("ios_fs find: literal, wildcard-segment and ** globs agree between folder, tar and zip", async () => {
  const files = {
    "private/var/mobile/Containers/Data/Application/A1/Library/Safari/History.db": "a",
    "private/var/mobile/Containers/Data/Application/B2/Library/Safari/History.db": "b",
    "private/var/mobile/Containers/Data/Application/B2/Library/Safari/Other.db": "c",
    "private/var/mobile/Library/Logs/CrashReporter/Retired/x.ips": "d",
    "private/var/mobile/Library/Logs/CrashReporter/y.ips": "e",
  };
  const specs = [
    ["private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db"],
    ["private/var/mobile/Library/Logs/CrashReporter/**/*.ips"],
    ["private/var/mobile/Containers/Data/Application/*/Library/Safari/*.db", "System/Library/CoreServices/SystemVersion.plist"],
    ["private/var/**/History.db"],
  ];
  const results: string[][][] = [];
  for (const path of [buildIosFsFolder(files, { wrap: "fs" }), await buildIosFsTar(files, { gzip: true }), buildIosFsZip(files)]) {
    const view = await openIosFs(path);
    try {
      const r: string[][] = [];
      for (const fs of specs) r.push((await view.find({ fs })).map((e) => e.path));
      results.push(r);
    } finally {
      await view.close();
    }
  }
  assert.deepEqual(results[0], [
    ["private/var/mobile/Containers/Data/Application/A1/Library/Safari/History.db", "private/var/mobile/Containers/Data/Application/B2/Library/Safari/History.db"],
    ["private/var/mobile/Library/Logs/CrashReporter/Retired/x.ips", "private/var/mobile/Library/Logs/CrashReporter/y.ips"],
    [
      "System/Library/CoreServices/SystemVersion.plist",
      "private/var/mobile/Containers/Data/Application/A1/Library/Safari/History.db",
      "private/var/mobile/Containers/Data/Application/B2/Library/Safari/History.db",
      "private/var/mobile/Containers/Data/Application/B2/Library/Safari/Other.db",
    ],
    ["private/var/mobile/Containers/Data/Application/A1/Library/Safari/History.db", "private/var/mobile/Containers/Data/Application/B2/Library/Safari/History.db"],
  ]);
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});
