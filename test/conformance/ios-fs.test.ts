// iOS filesystem dumps and sysdiagnoses checked with the real public indicator sets of the
// corpus. The corpus holds no dump or sysdiagnose, so both are built in code; what is real
// here is the indicators: process names taken from Amnesty's Pegasus STIX2 file must be found
// as strong/medium detections, and a clean dump with ordinary iOS paths and daemons must give
// no detection at all against every indicator set of the corpus (no false positives from
// matching process names against path components).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { loadIndicators } from "../../src/indicators/load.ts";
import { openIosFs } from "../../src/acquisitions/ios-fs.ts";
import { openSysdiagnose } from "../../src/acquisitions/sysdiagnose.ts";
import { mergeSpecs } from "../../src/acquisitions/spec-match.ts";
import { iosModules } from "../../src/modules/ios/index.ts";
import type { Detection } from "../../src/core/model.ts";
import { buildIosFsTar, buildSysdiagnoseTar, ipsText, psText, remotectlDumpstate, shutdownLogText } from "../helpers/ios-fs-builder.ts";

const skip = !HAVE_CORPUS;
const PEGASUS = () => corpus("iocs", "amnesty", "2021-07-18_nso", "pegasus.stix2");
const STAGING = "/private/var/db/com.apple.xpc.roleaccountd.staging";

/** Process names straight from the STIX patterns, read independently of Vigil's loader. */
function stixProcesses(): string[] {
  const d = JSON.parse(readFileSync(PEGASUS(), "utf8")) as { objects: { type: string; pattern?: string }[] };
  const out: string[] = [];
  for (const o of d.objects) {
    const m = o.type === "indicator" ? /\[process:name\s*=\s*'([^']+)'\]/.exec(o.pattern ?? "") : null;
    if (m) out.push(m[1]);
  }
  return out;
}

/** What every iOS module reads: the archives extract it in their first pass, as in a check. */
const WANTED = mergeSpecs(iosModules.map((m) => m.reads));

async function runAll(view: Awaited<ReturnType<typeof openIosFs>> | Awaited<ReturnType<typeof openSysdiagnose>>, iocs: ReturnType<typeof loadIndicators>["matcher"]) {
  const detections: Detection[] = [];
  for (const m of iosModules) {
    const r = await collectModule(m, view, iocs);
    assert.notEqual(r.coverage.status, "failed", `${m.name}: ${r.coverage.reason}`);
    detections.push(...r.detections);
  }
  return detections;
}

const T = 1700000000;
const clean = {
  "private/var/db/diagnostics/shutdown.log": shutdownLogText(
    [
      { at: T, notices: [{ after: 0.6, clients: [[155, "/usr/libexec/nfcd"], [66, "/usr/libexec/locationd"], [215, "/System/Library/PrivateFrameworks/CoreRoutine.framework/Support/destinationd"], [0, "/kernel"]] }] },
      { at: T + 86400, notices: [{ after: 0.3, clients: [[1, "/sbin/launchd"]] }] },
    ],
    "ios26",
  ),
  "private/var/mobile/Library/Logs/CrashReporter/MobileSafari-2024-03-01-100000.ips": ipsText({ procName: "MobileSafari", procPath: "/Applications/MobileSafari.app/MobileSafari" }),
  "private/var/mobile/Library/Preferences/com.apple.springboard.plist": "x",
  "private/var/mobile/Containers/Data/Application/0A1B2C3D-0000-4000-8000-000000000000/Library/Caches/cache.db": "x",
  "private/var/containers/Bundle/Application/0A1B2C3D-0000-4000-8000-000000000001/Signal.app/Signal": "x",
  "usr/libexec/locationd": "x",
  "usr/sbin/mediaserverd": "x",
  "System/Library/CoreServices/SpringBoard.app/SpringBoard": "x",
};

test("ios_fs: Pegasus process names from Amnesty's STIX2 are found in shutdown.log and the filesystem walk", { skip }, async () => {
  const procs = stixProcesses();
  assert.ok(procs.length > 10, "the Pegasus file lists process names");
  const [a, b] = procs;
  const iocs = loadIndicators([PEGASUS()]).matcher;
  const dump = await buildIosFsTar(
    {
      ...clean,
      "private/var/db/diagnostics/shutdown.log": shutdownLogText([{ at: T, notices: [{ after: 1.2, clients: [[155, "/usr/libexec/nfcd"], [2143, `${STAGING}/${a}`]] }] }], "ios26"),
      [`private/var/tmp/${b}/data`]: "x",
    },
    { gzip: true },
  );
  const view = await openIosFs(dump, { wanted: WANTED });
  try {
    const d = await runAll(view, iocs);
    const byModule = (m: string) => d.filter((x) => x.module === m);
    const sd = byModule("shutdown_log").find((x) => x.kind === "indicator");
    assert.ok(sd, "shutdown_log indicator detection");
    assert.equal(sd.grade, "strong");
    assert.equal(sd.matched_indicator?.value, a);
    assert.ok(sd.matched_indicator?.stix2_file_name.endsWith("pegasus.stix2"));
    assert.ok(byModule("shutdown_log").some((x) => x.rule?.id === "IOS-SHUTDOWN-01"));
    const walk = byModule("filesystem").map((x) => [x.grade, x.matched_indicator?.value]);
    assert.deepEqual(walk, [["medium", b]]);
  } finally {
    await view.close();
  }
});

test("ios_fs and sysdiagnose: ordinary iOS paths and daemons give no detection against every corpus indicator set", { skip }, async () => {
  const loaded = loadIndicators([corpus("iocs")]);
  assert.ok(loaded.matcher.count("process") > 50 && loaded.matcher.count("domain") > 1000);
  const view = await openIosFs(await buildIosFsTar(clean, { gzip: true }), { wanted: WANTED });
  try {
    const d = await runAll(view, loaded.matcher);
    assert.deepEqual(d.map((x) => `${x.module}: ${x.title}`), []);
  } finally {
    await view.close();
  }
  const sd = await openSysdiagnose(
    await buildSysdiagnoseTar({
      "ps.txt": psText([
        { pid: 1, ppid: 0, command: "/sbin/launchd" },
        { pid: 66, command: "/usr/libexec/locationd" },
        { pid: 211, user: "mobile", command: "/usr/sbin/mediaserverd" },
        { pid: 340, user: "mobile", command: "/System/Library/CoreServices/SpringBoard.app/SpringBoard" },
        { pid: 400, user: "mobile", command: "/private/var/containers/Bundle/Application/0A1B/Signal.app/Signal" },
      ]),
      "remotectl_dumpstate.txt": remotectlDumpstate({ ProductType: "iPhone15,2", OSVersion: "26.1", BuildVersion: "23B85" }),
      "system_logs.logarchive/Extra/shutdown.log": clean["private/var/db/diagnostics/shutdown.log"],
      "crashes_and_spins/MobileSafari-2024-03-01-100000.ips": clean["private/var/mobile/Library/Logs/CrashReporter/MobileSafari-2024-03-01-100000.ips"],
    }),
    { wanted: WANTED },
  );
  try {
    const d = await runAll(sd, loaded.matcher);
    assert.deepEqual(d.map((x) => `${x.module}: ${x.title}`), []);
  } finally {
    await sd.close();
  }
});
