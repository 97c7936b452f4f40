// Parsers of src/formats used by the Android modules: fixtures built in code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { Readable } from "node:stream";
import protobuf from "protobufjs";
import { VigilError } from "../../../src/core/errors.ts";
import { parseAccessibility } from "../../../src/formats/dumpsys/accessibility.ts";
import { parseAdb, adbKeyFingerprint } from "../../../src/formats/dumpsys/adb.ts";
import { parseAppops } from "../../../src/formats/dumpsys/appops.ts";
import { parseBatteryDaily } from "../../../src/formats/dumpsys/battery-daily.ts";
import { parseBatteryHistory } from "../../../src/formats/dumpsys/battery-history.ts";
import { parseDbinfo } from "../../../src/formats/dumpsys/dbinfo.ts";
import { readLines, toLines } from "../../../src/formats/lines.ts";
import { parseDumpsysPackages } from "../../../src/formats/dumpsys/package.ts";
import { parsePlatformCompat } from "../../../src/formats/dumpsys/platform-compat.ts";
import { parseResolverTable } from "../../../src/formats/dumpsys/resolver.ts";
import { extractDumpsys, splitDumpsys } from "../../../src/formats/dumpsys/sections.ts";
import { parseGetprop } from "../../../src/formats/getprop.ts";
import { parseTombstone, parseTombstoneProto, parseTombstoneText } from "../../../src/formats/tombstone.ts";
import { parseIntrusionLine } from "../../../src/formats/intrusion-log.ts";
import { parseSmsBackup } from "../../../src/formats/android-sms.ts";
import { dumpsys, packageSection, pkgBlock } from "../../helpers/android-views.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

test("dumpsys sections: split on DUMP OF SERVICE and duration lines, blank lines kept, priorities stripped", async () => {
  const text =
    dumpsys({ package: packageSection([pkgBlock("com.a"), pkgBlock("com.b"), pkgBlock("com.c")]), adb: "ADB MANAGER STATE\n\n  x" }) +
    "-".repeat(79) + "\nDUMP OF SERVICE CRITICAL SurfaceFlinger:\nlayers\n";
  const secs = splitDumpsys(text);
  assert.deepEqual([...secs.keys()], ["package", "adb", "SurfaceFlinger"]);
  assert.equal(parseDumpsysPackages(secs.get("package")!).length, 3);
  const ex = await extractDumpsys(readLines(Readable.from([Buffer.from(text)])), new Set(["adb"]));
  assert.deepEqual([...ex.sections.keys()], ["adb"]);
  assert.equal(ex.sections.get("adb")!.length, 3);
  assert.deepEqual(ex.services, ["package", "adb", "SurfaceFlinger"]);
});

test("dumpstate: getprop between SYSTEM PROPERTIES and the next header; a repeated service keeps the longer dump", async () => {
  const text = [
    "------ SYSTEM PROPERTIES (getprop) ------",
    "[ro.build.version.security_patch]: [2024-01-05]",
    "[ro.product.model]: [Pixel 7]",
    "------ 0.01s was the duration of 'SYSTEM PROPERTIES' ------",
    "------ DUMPSYS CRITICAL (/system/bin/dumpsys) ------",
    "DUMP OF SERVICE CRITICAL package:",
    "short",
    "--------- 0.1s was the duration of dumpsys package, ending at: 2024-01-01 00:00:00",
    "------ DUMPSYS (/system/bin/dumpsys) ------",
    "DUMP OF SERVICE package:",
    "line 1",
    "",
    "line 3",
    "--------- 0.1s was the duration of dumpsys package, ending at: 2024-01-01 00:00:00",
  ].join("\r\n");
  const ex = await extractDumpsys(readLines(Readable.from([Buffer.from(text)])));
  assert.deepEqual(ex.getprop, ["[ro.build.version.security_patch]: [2024-01-05]", "[ro.product.model]: [Pixel 7]"]);
  assert.deepEqual(ex.sections.get("package"), ["line 1", "", "line 3"]);
});

test("readLines: lines split across chunks and multi-byte characters across chunks", async () => {
  const buf = Buffer.from("héllo\nwörld\r\nlast");
  const chunks = [buf.subarray(0, 2), buf.subarray(2, 9), buf.subarray(9)];
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks))) out.push(l);
  assert.deepEqual(out, ["héllo", "wörld", "last"]);
});

test("dumpsys package: fields, permissions, system flag, hidden packages skipped", () => {
  const pk = parseDumpsysPackages(toLines(packageSection([pkgBlock("com.user.app", { installer: "com.android.vending" }), pkgBlock("com.sys.app", { system: true, installer: "null" })])));
  assert.equal(pk.length, 2);
  const [u, s] = pk;
  assert.equal(u.package_name, "com.user.app");
  assert.equal(u.uid, 10123);
  assert.equal(u.version_code, "42");
  assert.equal(u.target_sdk, 33);
  assert.equal(u.installer, "com.android.vending");
  assert.equal(u.first_install_time, "2024-01-02T03:04:06.000Z");
  assert.equal(u.timestamp_is_device_local, true);
  assert.deepEqual(u.signatures, ["b378e95c"]);
  assert.deepEqual(u.requested_permissions, ["android.permission.READ_SMS", "android.permission.INTERNET"]);
  assert.deepEqual(u.install_permissions, [{ name: "android.permission.INTERNET", granted: true }]);
  assert.deepEqual(u.runtime_permissions, [{ name: "android.permission.READ_SMS", granted: true, user: 0 }]);
  assert.equal(u.system, false);
  assert.equal(s.system, true);
  assert.equal(s.installer, undefined);
});

// No time bound of its own (speed is measured by `npm run bench`): a parser that went quadratic on
// 200k lines would run into the test's timeout.
test("dumpsys package: thousands of packages in a 200k-line dump parse", { timeout: 60_000 }, async () => {
  const blocks: string[] = [];
  for (let i = 0; i < 6000; i++) blocks.push(pkgBlock(`com.example.app${i}`, { installer: "com.android.vending" }));
  const filler = Array.from({ length: 40000 }, (_, i) => `  line ${i}`).join("\n");
  const text = dumpsys({ activity: filler, package: packageSection(blocks), batterystats: filler });
  assert.ok(text.split("\n").length > 200000);
  // CPU time, not wall time: the test machine is shared by many processes.
  const c0 = process.cpuUsage();
  const ex = await extractDumpsys(readLines(Readable.from([Buffer.from(text)])), new Set(["package"]));
  const pk = parseDumpsysPackages(ex.sections.get("package")!);
  const cpu = process.cpuUsage(c0);
  const ms = (cpu.user + cpu.system) / 1000;
  assert.equal(pk.length, 6000);
  assert.ok(ms < 3000, `took ${ms} ms of CPU`);
});

test("resolver tables: receivers and activities, with filters counts and relative class names", () => {
  const lines = toLines(
    [
      "Activity Resolver Table:",
      "  Non-Data Actions:",
      "      android.intent.action.MAIN:",
      "        11aa com.a/.Main (2 filters)",
      "Receiver Resolver Table:",
      "  Non-Data Actions:",
      "      android.provider.Telephony.SMS_RECEIVED:",
      "        22bb com.spy/.SmsReceiver",
      "",
      "        33cc com.android.messaging/com.android.messaging.Recv",
      "      android.intent.action.BOOT_COMPLETED:",
      "        44dd com.spy/.Boot",
      "",
      "Packages:",
    ].join("\n"),
  );
  const rec = parseResolverTable(lines, "Receiver");
  assert.deepEqual(rec.map((r) => [r.intent, r.package_name, r.component]), [
    ["android.provider.Telephony.SMS_RECEIVED", "com.spy", "com.spy.SmsReceiver"],
    ["android.provider.Telephony.SMS_RECEIVED", "com.android.messaging", "com.android.messaging.Recv"],
    ["android.intent.action.BOOT_COMPLETED", "com.spy", "com.spy.Boot"],
  ]);
  const act = parseResolverTable(lines, "Activity");
  assert.equal(act.length, 1);
  assert.equal(act[0].filters, 2);
});

test("accessibility: pre-14 block format and 14+ one-line format", () => {
  const old = parseAccessibility(toLines("User state[attributes:{id=0, currentUser=true\n  }\n  installed services: {\n    0 : com.a/.A\n  }\n  enabled services: {\n    0 : com.spy/com.spy.Svc\n  }\n"));
  assert.deepEqual(old.map((s) => [s.state, s.service]), [["installed", "com.a/com.a.A"], ["enabled", "com.spy/com.spy.Svc"]]);
  const v14 = parseAccessibility(toLines("User state[\n     attributes:{id=0, x=1}\n     Enabled services:{{com.spy/com.spy.Svc}, {com.b/.B}}\n     Binding services:{}"));
  assert.deepEqual(v14.map((s) => s.service), ["com.spy/com.spy.Svc", "com.b/com.b.B"]);
  assert.equal(parseAccessibility(toLines("  enabled services: {\n  }\n")).length, 0);
});

const KEY1 = "QAAAA" + "B".repeat(120) + "=";
const KEY2 = "QAAAA" + "C".repeat(120) + "=";

test("adb: user_keys, XML keystore with last connection, fingerprint of the current key", () => {
  const fp = adbKeyFingerprint(KEY1)!;
  assert.match(fp, /^([0-9A-F]{2}:){15}[0-9A-F]{2}$/);
  const st = parseAdb(
    toLines(
      `{\n  debugging_manager={\n    connected_to_adb=true\n    last_key_received=${fp}\n    user_keys=${KEY1} me@laptop\n${KEY2} old@pc\n\n    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n    <keyStore version="1">\n    <adbKey key="${KEY2} old@pc" lastConnection="1628501829898" />\n    </keyStore>\n  }\n}`,
    ),
  );
  assert.equal(st.connected_to_adb, true);
  assert.equal(st.last_key_received, fp);
  assert.deepEqual(st.keys.map((k) => [k.comment, k.last_connection]), [["me@laptop", undefined], ["old@pc", "2021-08-09T09:37:09.898Z"]]);
});

test("appops: uid, package, op modes and access/reject entries", () => {
  const ops = parseAppops(
    toLines(
      "Current AppOps Service state:\n  Uid u0a103:\n    state=cch\n      COARSE_LOCATION: mode=ignore\n    Package com.a:\n      READ_SMS (allow):\n          Access: [fg-s] 2022-03-07 18:05:34.325 (-22d)\n          Reject: [bg-s]2022-03-10 19:35:06.426 (-19d)\n      REQUEST_INSTALL_PACKAGES (allow / switch COARSE_LOCATION=allow):\n  Uid 0:\n    Package root:\n      CAMERA (allow):\n",
    ),
  );
  assert.equal(ops.length, 2);
  assert.equal(ops[0].uid, "u0a103");
  assert.deepEqual(ops[0].permissions.map((p) => [p.name, p.mode, p.entries.length]), [["READ_SMS", "allow", 2], ["REQUEST_INSTALL_PACKAGES", "allow", 0]]);
  assert.equal(ops[0].permissions[0].entries[1].timestamp, "2022-03-10T19:35:06.426Z");
  assert.equal(ops[1].uid, "0");
});

test("batterystats: daily package changes with periods; history events with times from the reset", () => {
  const lines = toLines(
    [
      "Battery History (0% used):",
      "                    0 (19) RESET:TIME: 2022-01-04-17-30-01",
      "            +47s645ms (2) 100 +job=u0a94:\"com.a/.Job\"",
      "       +1h0m0s000ms (2) 095 pkginst=77:\"com.spy\" +top=u0a280:\"com.spy\"",
      "",
      "Daily stats:",
      "  Current start time: 2022-08-17-01-15-45",
      "    Package changes:",
      "      Uninstall com.spy",
      "  Daily from 2022-08-16-01-00-00 to 2022-08-17-01-15-45:",
      "    Package changes:",
      "      Update com.a vers=5",
    ].join("\n"),
  );
  const daily = parseBatteryDaily(lines);
  assert.deepEqual(daily.map((d) => [d.action, d.package_name, d.vers, d.from, d.to]), [
    ["uninstall", "com.spy", undefined, "2022-08-17T01:15:45.000Z", undefined],
    ["update", "com.a", "5", "2022-08-16T01:00:00.000Z", "2022-08-17T01:15:45.000Z"],
  ]);
  const hist = parseBatteryHistory(lines);
  assert.deepEqual(hist.map((h) => [h.event, h.package_name, h.timestamp]), [
    ["+job", "com.a", "2022-01-04T17:30:48.645Z"],
    ["pkginst", "com.spy", "2022-01-04T18:30:01.000Z"],
    ["+top", "com.spy", "2022-01-04T18:30:01.000Z"],
  ]);
});

test("dbinfo and platform_compat", () => {
  const db = parseDbinfo(
    toLines(
      "** Database info for pid 88 [com.a:remote] **\nConnection pool for /data/user/0/com.a/databases/x.db:\n  Most recently executed operations:\n    0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForLong took 0ms - succeeded, sql=\"PRAGMA page_size;\", path=/data/user/0/com.a/databases/x.db\nConnection pool for /data/user/0/com.a/databases/idle.db:\n  Open: true\n",
    ),
  );
  assert.deepEqual(db.map((d) => [d.process, d.path, d.action]), [["com.a:remote", "/data/user/0/com.a/databases/x.db", "executeForLong"], ["com.a:remote", "/data/user/0/com.a/databases/idle.db", undefined]]);
  const pc = parsePlatformCompat(["ChangeId(1; name=X; disabled; packageOverrides={com.a=false, com.b=true}; rawOverrides={com.b=true}; overridable)", "ChangeId(2; name=Y; disabled)"]);
  assert.deepEqual(pc.map((o) => [o.package_name, o.package_override, o.raw_override]), [["com.a", "false", undefined], ["com.b", "true", "true"]]);
});

test("getprop: properties, multi-line values, skipped lines; not-getprop input is a one-line error", () => {
  const { properties, skipped } = parseGetprop(["[a.b]: [1]", "junk", "[multi]: [line1", "line2]", "", "[c]: []"], "getprop.txt");
  assert.deepEqual(properties, [{ name: "a.b", value: "1" }, { name: "multi", value: "line1\nline2" }, { name: "c", value: "" }]);
  assert.equal(skipped, 1);
  assert.throws(() => parseGetprop(["<html>", "not props"], "getprop.txt"), (e: unknown) => e instanceof VigilError && e.oneLine() === 'getprop.txt: not a getprop output (no "[name]: [value]" line)');
});

const TEXT_TOMBSTONE = `*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***
Build fingerprint: 'google/panther/panther:14/UQ1A/1:user/release-keys'
Revision: 'MP1.0'
ABI: 'arm64'
Timestamp: 2024-05-01 10:00:00.123456789+0200
Process uptime: 12s
Cmdline: /system/bin/mediaserver
pid: 1234, tid: 1240, name: HwBinder:1234  >>> /system/bin/mediaserver <<<
uid: 1013
signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x7a3c001000
    x0  0000000000000000
backtrace:
      #00 pc 000603ca  /apex/com.android.runtime/lib64/bionic/libc.so
`;

function protoTombstone(opts: { pid?: number; fingerprint?: string } = {}): Buffer {
  const sig = protobuf.Writer.create();
  sig.uint32((1 << 3) | 0).int32(11).uint32((2 << 3) | 2).string("SIGSEGV").uint32((3 << 3) | 0).int32(1).uint32((4 << 3) | 2).string("SEGV_MAPERR");
  sig.uint32((8 << 3) | 0).bool(true).uint32((9 << 3) | 0).uint64(0x7a3c001000);
  const thread = protobuf.Writer.create();
  thread.uint32((1 << 3) | 0).int32(1240).uint32((2 << 3) | 2).string("HwBinder:1234");
  const entry = protobuf.Writer.create();
  entry.uint32((1 << 3) | 0).uint32(1240).uint32((2 << 3) | 2).bytes(thread.finish());
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).uint32(1);
  if (opts.fingerprint !== "") w.uint32((2 << 3) | 2).string(opts.fingerprint ?? "google/panther/panther:14/UQ1A/1:user/release-keys");
  w.uint32((4 << 3) | 2).string("2024-05-01 10:00:00.123456789+0200");
  if (opts.pid !== 0) w.uint32((5 << 3) | 0).uint32(opts.pid ?? 1234);
  w.uint32((6 << 3) | 0).uint32(1240).uint32((7 << 3) | 0).uint32(1013);
  if (opts.fingerprint !== "") w.uint32((9 << 3) | 2).string("/system/bin/mediaserver");
  w.uint32((10 << 3) | 2).bytes(sig.finish());
  w.uint32((16 << 3) | 2).bytes(entry.finish());
  return Buffer.from(w.finish());
}

test("tombstones: text and protobuf forms give the same header", () => {
  const t = parseTombstoneText(TEXT_TOMBSTONE, "tombstone_00");
  const p = parseTombstoneProto(protoTombstone(), "tombstone_00.pb");
  for (const x of [t, p]) {
    assert.equal(x.pid, 1234);
    assert.equal(x.tid, 1240);
    assert.equal(x.uid, 1013);
    assert.equal(x.process_name, "/system/bin/mediaserver");
    assert.equal(x.thread_name, "HwBinder:1234");
    assert.equal(x.timestamp, "2024-05-01T08:00:00.123Z");
    assert.equal(x.build_fingerprint, "google/panther/panther:14/UQ1A/1:user/release-keys");
    assert.equal(x.signal_info?.name, "SIGSEGV");
    assert.equal(x.signal_info?.fault_address, "0x7a3c001000");
    assert.equal(x.arch, "arm64");
  }
  assert.equal(t.timestamp_is_device_local, undefined);
  const local = parseTombstoneText(TEXT_TOMBSTONE.replace("+0200", ""), "tombstone_09");
  assert.deepEqual([local.timestamp, local.timestamp_is_device_local], ["2024-05-01T10:00:00.123Z", true]);
  assert.equal(parseTombstone(protoTombstone(), "tombstone_00.pb").format, "protobuf");
  assert.equal(parseTombstone(Buffer.from(TEXT_TOMBSTONE), "tombstone_00").format, "text");
});

test("tombstones: truncated, garbage and wrong-schema inputs are one-line errors", () => {
  const one = (e: unknown) => e instanceof VigilError && !e.oneLine().includes("\n") && e.oneLine().startsWith("tombstone_0");
  assert.throws(() => parseTombstoneText("*** *** ***\nBuild fingerprint: 'x'\n", "tombstone_01"), one);
  assert.throws(() => parseTombstone(Buffer.from([0x0f, 0xff, 0xff, 0x07]), "tombstone_02.pb"), one);
  assert.throws(() => parseTombstone(protoTombstone({ pid: 0 }), "tombstone_03.pb"), one);
  assert.throws(() => parseTombstone(protoTombstone().subarray(0, 20), "tombstone_04.pb"), one);
});

test("intrusion log lines: DNS (ms), connection (leading slash), security (ns), unknown tags kept, malformed reported", () => {
  const dns = parseIntrusionLine('{"dnsEvent":{"hostname":"Evil.COM.","ips":["/1.2.3.4","5.6.7.8"],"packageName":"com.a","time":1700000000123}}', 1, "log.jsonl");
  assert.ok("event" in dns && dns.event.type === "dns");
  assert.deepEqual(dns.event.type === "dns" && [dns.event.hostname, dns.event.ips, dns.event.isodate], ["evil.com", ["1.2.3.4", "5.6.7.8"], "2023-11-14T22:13:20.123Z"]);
  const snake = parseIntrusionLine('{"event_type":"NETWORK_EVENT_DNS","host_name":"x","hostname":"a.b.org","inet_addresses":["/::1"],"total_resolved_address_count":12,"timestamp":1700000000000,"package_name":"com.b"}', 1, "log.jsonl");
  assert.ok("event" in snake && snake.event.type === "dns" && snake.event.ips[0] === "::1" && snake.event.total_resolved_address_count === 12 && snake.event.package_name === "com.b");
  const con = parseIntrusionLine('{"ip":"/9.9.9.9","port":443,"time":1700000000000}', 2, "log.jsonl");
  assert.ok("event" in con && con.event.type === "connect" && con.event.ip === "9.9.9.9" && con.event.port === 443);
  const sec = parseIntrusionLine('{"securityEvent":{"tag":210002,"time":1700000000000000000,"data":"ls /sdcard"}}', 3, "log.jsonl");
  assert.ok("event" in sec && sec.event.type === "security" && sec.event.tag_name === "ADB_SHELL_CMD" && sec.event.isodate === "2023-11-14T22:13:20.000Z");
  const unk = parseIntrusionLine('{"type":"security","tag":299999,"time":1700000000000000000}', 4, "log.jsonl");
  assert.ok("event" in unk && unk.event.type === "security" && unk.event.tag === 299999 && unk.event.tag_name === undefined);
  assert.deepEqual(parseIntrusionLine('{"hostname": "x.com"', 5, "log.jsonl"), { error: "log.jsonl: line 5: not valid JSON" });
  assert.deepEqual(parseIntrusionLine('{"foo":1}', 6, "log.jsonl"), { error: "log.jsonl: line 6: not a DNS, connection or security event" });
  assert.deepEqual(parseIntrusionLine("   ", 7, "log.jsonl"), { skip: true });
});

test("telephony backup: SMS (ms) and MMS (s); corrupt data is a one-line error", () => {
  const sms = parseSmsBackup(deflateSync(JSON.stringify([{ address: "+331", body: "see https://evil.com/x", date: "1645543781956", date_sent: "0", type: "1", read: "1" }])), "apps/com.android.providers.telephony/d_f/000000_sms_backup");
  assert.deepEqual([sms[0].message_type, sms[0].direction, sms[0].isodate, sms[0].isodate_sent], ["sms", "received", "2022-02-22T15:29:41.956Z", undefined]);
  const mms = parseSmsBackup(deflateSync(JSON.stringify([{ date: "1579531789", msg_box: "2", mms_addresses: [{ type: 151, address: "+1" }, { type: 137, address: "+2" }], mms_body: "hi" }])), "d_f/000001_mms_backup");
  assert.deepEqual([mms[0].message_type, mms[0].direction, mms[0].address, mms[0].isodate], ["mms", "sent", "+2", "2020-01-20T14:49:49.000Z"]);
  const one = (msg: string) => (e: unknown) => e instanceof VigilError && e.oneLine() === msg;
  assert.throws(() => parseSmsBackup(Buffer.from("garbage"), "x_sms_backup"), one("x_sms_backup: not a zlib-compressed telephony backup (corrupt or truncated)"));
  assert.throws(() => parseSmsBackup(deflateSync('[{"a":'), "x_sms_backup"), one("x_sms_backup: telephony backup is not valid JSON (truncated?)"));
  assert.throws(() => parseSmsBackup(deflateSync('{"a":1}'), "x_sms_backup"), one("x_sms_backup: telephony backup is not a JSON list of messages"));
});

test("adb: keys and their comments are read out of a binary (ABX) keystore", () => {
  const st = parseAdb(toLines(`{\n  debugging_manager={\n    connected_to_adb=false\n    keystore=ABX\u0000\u0010\ufffd\ufffdkeyStore\ufffd\ufffdadbKey/\ufffdkey\u0002\ufffd${KEY2} someone@host\ufffd\ufffdlastConnection\u0000\u0000\n  }\n}`));
  assert.deepEqual(st.keys.map((k) => [k.source, k.comment, k.last_connection]), [["keystore", "someone@host", undefined]]);
});

test("appops: Android 11+ layout with attribution-tag blocks", () => {
  const ops = parseAppops(
    toLines(
      "Current AppOps Service state:\n  Uid u0a245:\n    state=cch\n    capability=---N\n      LEGACY_STORAGE: mode=allow\n    Package com.spy.app:\n      CAMERA (allow / switch COARSE_LOCATION=allow):\n        null=[\n          Access: [fg-s] 2024-03-01 10:11:12.345 (-2d3h) duration=+1s20ms\n        ]\n        com.spy.app:tag=[\n          Reject: [bg-s] 2024-03-02 01:02:03.004 (-1d)\n        ]\n      REQUEST_INSTALL_PACKAGES (allow):\n",
    ),
  );
  assert.deepEqual(ops.map((p) => [p.uid, p.package_name, p.permissions.map((q) => [q.name, q.mode, q.entries.map((e) => e.access)])]), [
    ["u0a245", "com.spy.app", [["CAMERA", "allow", ["Access", "Reject"]], ["REQUEST_INSTALL_PACKAGES", "allow", []]]],
  ]);
});

test("dumpsys package: Android 14 layout (UPDATED_SYSTEM_APP, per-user blocks, option lists) and receiver entries with filter ids", () => {
  const lines = toLines(
    [
      "Receiver Resolver Table:",
      "  Non-Data Actions:",
      "      androidx.profileinstaller.action.SAVE_PROFILE:",
      "        2f30bd4 com.example.watch/androidx.profileinstaller.ProfileInstallReceiver filter f34c3",
      '          Action: "androidx.profileinstaller.action.SAVE_PROFILE"',
      "",
      "Packages:",
      "  Package [com.example.watch] (da25746):",
      "    userId=10057",
      "    codePath=/data/app/~~GSf==/com.example.watch-fNr==",
      "    flags=[ SYSTEM HAS_CODE UPDATED_SYSTEM_APP ALLOW_BACKUP ]",
      "    usesOptionalLibraries:",
      "      com.google.android.wearable",
      "    installerPackageName=com.android.vending",
      "    User 0: ceDataInode=2135 installed=true hidden=false",
      "      lastDisabledCaller: com.android.vending",
      "      runtime permissions:",
      "        com.google.android.wearable.permission.RECEIVE_COMPLICATION_DATA: granted=true, flags=[ GRANTED_BY_DEFAULT]",
      "",
      "Package Changes:",
      "  Sequence number=31",
    ].join("\n"),
  );
  const [p, ...rest] = parseDumpsysPackages(lines);
  assert.equal(rest.length, 0);
  assert.equal(p.system, true);
  assert.deepEqual(p.runtime_permissions.map((r) => r.name), ["com.google.android.wearable.permission.RECEIVE_COMPLICATION_DATA"]);
  assert.deepEqual(parseResolverTable(lines, "Receiver").map((r) => r.component), ["androidx.profileinstaller.ProfileInstallReceiver"]);
});

test("tombstone: a damaged pid line repeating '>>> ' is read in one pass (long fuzz run, tombstone-text #60)", async () => {
  // The regular expression for this line backtracked once per ">>> ": minutes for 600 KB.
  const damaged = `*** *** *** *** *** ***\npid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<${"Ffs-worker  >>> ".repeat(40_000)}\nsignal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------\n`;
  await withinCpu(5, "the line", () => assert.throws(() => parseTombstoneText(damaged, "tombstone_00"), (e: unknown) => e instanceof VigilError && /not a tombstone/.test(e.message)));
  // Ended by " <<<", the same line is a header again: the name runs to the first ">>> ", the command to the last " <<<".
  const t = parseTombstoneText(`pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<${"Ffs-worker  >>> ".repeat(40_000)} <<<\n`, "tombstone_01");
  assert.equal(t.pid, 9850);
  assert.equal(t.thread_name, "UsbFfs-worker");
  assert.equal(t.process_name, "/system/bin/adbd");
});

test("dumpsys dbinfo: a damaged operation line repeating 'sql=\"' is read in one pass", async () => {
  // The line's regular expression scanned the rest of the line again at every sql=" (quadratic).
  const damaged = `0: [2021-01-01 12:00:00] executeForCursorWindow took 1ms - succeeded, ${'sql="a'.repeat(60_000)}"x`;
  const ops = await withinCpu(5, "the line", () => parseDbinfo(["Connection pool for /data/data/x/databases/y.db:", damaged]));
  // Nothing ends the first sql=" where the expression allowed (the last character, or just before ", path="): no sql.
  assert.deepEqual(ops.map((o) => [o.action, o.sql, o.path]), [["executeForCursorWindow", undefined, "/data/data/x/databases/y.db"]]);
  const fine = parseDbinfo(["Connection pool for /d.db:", '1: [2021-01-01 12:00:00.5] [Pid:(42)] prepare took 0ms - succeeded, sql="SELECT \\"a\\", b", path=/data/data/z/databases/w.db']);
  assert.deepEqual(fine.map((o) => [o.action, o.sql, o.path]), [["prepare", 'SELECT \\"a\\", b', "/data/data/z/databases/w.db"]]);
});

test("dumpsys lines that made their expressions quadratic are read in linear time, with the same results", async () => {
  // Found by a ReDoS checker over the source (docs/fuzzing.md): each line below took from tens of
  // seconds to minutes of CPU with the expression it replaced.
  const run = 300_000;
  const [acc, ops, adb, pkgs] = await withinCpu(5, "the lines", () =>
    [
      parseAccessibility([`Enabled services:{{${"a".repeat(run)}}, {com.x/.Svc}}`, `enabled services: {${" ".repeat(run)}\u2028`]),
      parseAppops(toLines(`  Uid 0:\n    Package root:\n      CAMERA (${"a".repeat(run)}\n      READ_SMS (allow):\n`)),
      parseAdb(toLines(`{\n  debugging_manager={\n    user_keys=${KEY1}${" ".repeat(run)}\r x\n${KEY2} me@pc\n  }\n}`)),
      parseDumpsysPackages(toLines(packageSection([pkgBlock("com.user.app", { extra: `      signatures=PackageSignatures{1 version:2, ${"signatures:[".repeat(run / 10)}` })]))),
    ] as const,
  );
  assert.deepEqual(acc.map((s) => s.service), ["com.x/com.x.Svc"]);
  assert.deepEqual(ops[0].permissions.map((p) => [p.name, p.mode]), [["READ_SMS", "allow"]]);
  // A stray line break in the keys' list ends it, as before.
  assert.deepEqual(adb.keys, []);
  assert.deepEqual(pkgs[0].signatures, ["b378e95c"]);
});

test("adb keystore and battery history: times past the range of a date are no date, not a RangeError", () => {
  const st = parseAdb(toLines(`  debugging_manager={\n    keystore=<?xml ?>\n    <keyStore version="1">\n    <adbKey key="${KEY1} me@pc" lastConnection="99999999999999999999" />\n    </keyStore>\n  }`));
  assert.deepEqual(st.keys.map((k) => [k.comment, k.last_connection]), [["me@pc", undefined]]);
  const hist = parseBatteryHistory(toLines('Battery History (1% used):\n                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n         +999999999999d (2) 100 pkginst=3:"com.spy"\n         +1s000ms (2) 100 +top=u0a1:"com.a"'));
  assert.deepEqual(hist.map((h) => [h.package_name, h.timestamp]), [["com.spy", undefined], ["com.a", "2022-01-04T17:30:02.000Z"]]);
});

test("platform_compat: a damaged line repeating 'packageOverrides={' without a '}' is read in one pass", async () => {
  // /packageOverrides=\{([^}]*)\}/ scanned the rest of the line again from each one (quadratic).
  const damaged = "ChangeId(1; name=X; " + "packageOverrides={com.a=true, ".repeat(40_000);
  const pc = await withinCpu(5, "the line", () => parsePlatformCompat([damaged, "ChangeId(2; name=Y; rawOverrides={com.b=1}; packageOverrides={com.b=2, com.c=3}}"]));
  assert.deepEqual(pc.map((o) => [o.change_id, o.package_name, o.package_override, o.raw_override]), [["2", "com.b", "2", "1"], ["2", "com.c", "3", undefined]]);
});

test("intrusion log lines: nesting past 64 levels is a malformed line, a type String() cannot convert is no type", () => {
  const deep = `{"type":"security","tag":210002,"time":1,"data":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  assert.deepEqual(parseIntrusionLine(deep, 3, "log.json"), { error: "log.json: line 3: JSON nested deeper than 64 levels (not read)" });
  // Brackets inside strings are text, not nesting.
  const r = parseIntrusionLine(JSON.stringify({ type: "security", tag: 210002, data: ["[".repeat(100), "\\\"[[["] }), 1, "log.json");
  assert.ok("event" in r && r.event.type === "security");
  // {"toString": 1} made String() throw: the kind is then found from the fields.
  const t = parseIntrusionLine(JSON.stringify({ type: { toString: 1 }, hostname: "a.example" }), 1, "log.json");
  assert.ok("event" in t && t.event.type === "dns" && t.event.hostname === "a.example");
});

test("telephony backup: values String() or Number() cannot convert, null MMS addresses, and a backup inflating past 64 MiB", () => {
  const file = "apps/com.android.providers.telephony/d_f/000000_sms_backup";
  const [sms] = parseSmsBackup(deflateSync(JSON.stringify([{ address: { toString: 1 }, body: ["https://evil.example/a"], date: { valueOf: 1, toString: 1 }, read: { toString: 1 }, recipients: [{ toString: 1 }, "+1"] }])), file);
  assert.deepEqual([sms.address, sms.body, sms.isodate, sms.recipients], ['{"toString":1}', "https://evil.example/a", undefined, ['{"toString":1}', "+1"]]);
  const [mms] = parseSmsBackup(deflateSync(JSON.stringify([{ date: "1579531789", msg_box: "1", mms_addresses: [null, { type: 137, address: "+2" }] }])), "d_f/000001_mms_backup");
  assert.equal(mms.address, "+2");
  // 64 MiB and a byte of spaces compress to about 64 KB.
  const bomb = deflateSync(Buffer.concat([Buffer.from("["), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from("]")]));
  assert.throws(() => parseSmsBackup(bomb, file), (e: unknown) => e instanceof VigilError && e.oneLine() === `${file}: telephony backup inflates to more than 64 MiB (a file holds at most 1000 messages); not read`);
});
