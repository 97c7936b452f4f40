import { test } from "node:test";
import assert from "node:assert/strict";
import { parseShutdownLog, stripUuidComponent } from "../../../src/formats/shutdown-log.ts";
import { parseIps, splitOsVersion } from "../../../src/formats/ips.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { ipsText, shutdownLogText } from "../../helpers/ios-fs-builder.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

const T1 = 1700000000;
const T2 = 1700100000;

test("shutdown.log classic layout: one shutdown per SIGTERM, clients with delays and counts", () => {
  const text = shutdownLogText([
    { at: T1, notices: [{ after: 0.5, clients: [[155, "/usr/libexec/nfcd"], [66, "/usr/libexec/locationd"]] }, { after: 1.77, clients: [[155, "/usr/libexec/nfcd"]] }] },
    { at: T2, notices: [] },
  ]);
  const r = parseShutdownLog(text);
  assert.equal(r.length, 2);
  assert.equal(r[0].isodate, new Date(T1 * 1000).toISOString());
  assert.equal(r[0].notices, 2);
  assert.equal(r[0].max_delay, 1.77);
  assert.deepEqual(r[0].clients.map((c) => [c.pid, c.client, c.times_delayed, c.delay]), [
    [155, "/usr/libexec/nfcd", 2, 1.77],
    [66, "/usr/libexec/locationd", 1, 0.5],
  ]);
  assert.equal(r[1].clients.length, 0);
  assert.ok(r.every((x) => x.complete));
});

test("shutdown.log iOS 26 layout: the trailing UUID component is stripped and kept apart", () => {
  const text = shutdownLogText([{ at: T1, notices: [{ after: 1.26, clients: [[155, "/usr/libexec/nfcd"], [2143, "/private/var/db/com.apple.xpc.roleaccountd.staging/bh"]] }] }], "ios26");
  assert.match(text, /\/usr\/libexec\/nfcd\/[0-9A-F-]{36}\)/);
  const r = parseShutdownLog(text);
  assert.deepEqual(r[0].clients.map((c) => c.client), ["/usr/libexec/nfcd", "/private/var/db/com.apple.xpc.roleaccountd.staging/bh"]);
  assert.match(r[0].clients[0].uuid!, /^[0-9A-F-]{36}$/);
  assert.deepEqual(stripUuidComponent("/usr/libexec/nfcd"), { path: "/usr/libexec/nfcd" });
});

test("shutdown.log: a delay that drops starts a new shutdown; a last block without SIGTERM is kept, incomplete", () => {
  const text = shutdownLogText([
    { at: null, notices: [{ after: 1.0, clients: [[1, "/usr/libexec/a"]] }, { after: 2.0, clients: [[1, "/usr/libexec/a"]] }] },
    { at: null, notices: [{ after: 0.5, clients: [[2, "/usr/libexec/b"]] }] },
  ]);
  const r = parseShutdownLog(text);
  assert.equal(r.length, 2);
  assert.deepEqual(r.map((x) => [x.complete, x.isodate, x.clients[0].client]), [
    [false, undefined, "/usr/libexec/a"],
    [false, undefined, "/usr/libexec/b"],
  ]);
});

test("shutdown.log: one-line classic form (delay and client on one line)", () => {
  const r = parseShutdownLog(`After 0.1s, remaining client pid: 155 (/usr/libexec/nfcd)\nSIGTERM: [${T1}] All buffers flushed\n`);
  assert.equal(r[0].clients[0].client, "/usr/libexec/nfcd");
  assert.equal(r[0].clients[0].delay, 0.1);
});

test("shutdown.log: a client path holding parentheses, a marker repeated on one line, a SIGTERM time without brackets", () => {
  const r = parseShutdownLog(
    [
      "After 1.5s, these clients are still here:",
      "remaining client pid: 77 (/Applications/X (beta).app/X)",
      "noise remaining client pid: x (no) remaining client pid: 78 (/usr/bin/y)",
      `SIGTERM: see ${T1} flushed`,
    ].join("\n"),
  );
  assert.deepEqual(r[0].clients.map((c) => [c.pid, c.client]), [[77, "/Applications/X (beta).app/X"], [78, "/usr/bin/y"]]);
  assert.equal(r[0].isodate, new Date(T1 * 1000).toISOString());
});

// Found by the long fuzz run (shutdown-log #72969 and #584725, seed 2026): a damaged line that
// repeats a marker made the regular expressions backtrack once per repetition, for minutes.
test("shutdown.log: a long line repeating a marker is read in one pass", { timeout: 30_000 }, () => {
  const clients = "remaining client pid: 1 (x".repeat(80_000);
  const sigterms = "SIGTERM: no time here ".repeat(50_000);
  const r = parseShutdownLog(`After 0.5s, these clients are still here:\n${clients}\n${clients})\n${sigterms}\n`);
  assert.equal(r.length, 1);
  assert.equal(r[0].clients.length, 1);
  assert.equal(r[0].clients[0].client.length, clients.length - "remaining client pid: 1 (".length);
  assert.equal(r[0].isodate, undefined);
  assert.ok(r[0].complete);
});

test("shutdown.log bad input: binary or unrelated text is a one-line error naming the file", () => {
  assert.throws(() => parseShutdownLog("\0\0\0binary junk", "x/shutdown.log"), (e: unknown) => e instanceof VigilError && e.oneLine() === "x/shutdown.log: not a shutdown.log (binary content)");
  assert.throws(() => parseShutdownLog("hello\nworld\n", "y/shutdown.log"), (e: unknown) => e instanceof VigilError && /^y\/shutdown\.log: not a shutdown\.log/.test(e.oneLine()) && !e.oneLine().includes("\n"));
  assert.deepEqual(parseShutdownLog(""), []);
});

test(".ips: JSON header + JSON body", () => {
  const r = parseIps(ipsText({ procName: "MessagesBlastDoorService", procPath: "/System/Library/PrivateFrameworks/MessagesBlastDoorSupport.framework/XPCServices/MessagesBlastDoorService.xpc/MessagesBlastDoorService" }), "a.ips");
  assert.equal(r.bug_type, "309");
  assert.equal(r.proc_name, "MessagesBlastDoorService");
  assert.equal(r.exception_type, "EXC_BAD_ACCESS");
  assert.equal(r.exception_signal, "SIGSEGV");
  assert.equal(r.timestamp, "2026-07-05T17:11:12.000Z");
  assert.equal(r.os_version, "17.2.1");
  assert.equal(r.os_build, "21C66");
  assert.equal(r.json_body, true);
});

test(".ips: legacy text body", () => {
  const head = JSON.stringify({ bug_type: "109", timestamp: "2020-01-02 03:04:05.00 +0100", os_version: "iPhone OS 13.3 (17C54)", name: "imagent" });
  const r = parseIps(`${head}\nIncident Identifier: X\nProcess:             imagent [345]\nPath:                /System/Library/PrivateFrameworks/IMCore.framework/imagent.app/imagent\nParent Process:      launchd [1]\nException Type:  EXC_CRASH (SIGABRT)\n`, "b.ips");
  assert.equal(r.proc_name, "imagent");
  assert.equal(r.pid, 345);
  assert.equal(r.parent_proc, "launchd");
  assert.equal(r.exception_type, "EXC_CRASH (SIGABRT)");
  assert.equal(r.json_body, false);
  assert.equal(r.timestamp, "2020-01-02T02:04:05.000Z");
});

test(".ips: legacy Process and Parent Process lines with a long run of spaces are read in one pass", async () => {
  // The expression /^(.*?)\s*\[(\d+)\]$/ tried its whitespace at every space of the run (quadratic).
  const head = JSON.stringify({ bug_type: "109", name: "x" });
  const spaces = " ".repeat(150_000);
  const [odd, named] = await withinCpu(5, "the lines", () => [
    parseIps(`${head}\nProcess: a${spaces}x\nParent Process: b${spaces}y\n`, "odd.ips"),
    parseIps(`${head}\nProcess: imagent${spaces}[345]\nParent Process: launchd${spaces}[1]\n`, "named.ips"),
  ]);
  assert.deepEqual([odd.proc_name, odd.pid, odd.parent_proc], [`a${spaces}x`, undefined, `b${spaces}y`]);
  assert.deepEqual([named.proc_name, named.pid, named.parent_proc], ["imagent", 345, "launchd"]);
});

test(".ips bad input: no JSON header, truncated body", () => {
  assert.throws(() => parseIps("Incident Identifier: X\n", "c.ips"), (e: unknown) => e instanceof VigilError && e.oneLine() === "c.ips: not a crash report (.ips): first line is not a JSON header");
  const full = ipsText({ procName: "imagent" });
  assert.throws(() => parseIps(full.slice(0, full.length - 40), "d.ips"), (e: unknown) => e instanceof VigilError && /^d\.ips: malformed crash report: body is not valid JSON/.test(e.oneLine()) && !e.oneLine().includes("\n"));
  assert.deepEqual(splitOsVersion("iPhone OS 26.1 (23B85)"), { version: "26.1", build: "23B85" });
});
