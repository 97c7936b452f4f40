// Android text and record formats: the dumpsys section readers (through the modules that use
// them, so the section split and each parser run as in a check), getprop, tombstones (text and
// protobuf), intrusion logs, the telephony backup inside .ab, and androidqf's JSON lists.
import protobuf from "protobufjs";
import { parseTombstoneProto, parseTombstoneText } from "../../src/formats/tombstone.ts";
import { dumpsys, packageSection, pkgBlock } from "../../test/helpers/android-views.ts";
import { SAMPLE_GETPROP } from "../../test/helpers/android-builder.ts";
import { BYTE_MUTATORS, deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles } from "./corpus.ts";
import { moduleTarget } from "./module-target.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];

const KEY = "QAAAA" + "B".repeat(120) + "=";
/** One dumpsys text with a section for every service the modules read. */
function fullDumpsys(): string {
  return dumpsys({
    accessibility: "  enabled services: {\n    0 : com.spy/com.spy.Svc\n  }\n  installed services: {\n    0 : com.android.settings/.A11y\n  }\nUser state[\n     Enabled services:{{com.spy/com.spy.Svc}}\n",
    package: packageSection(
      [pkgBlock("com.spy", { installer: "null" }), pkgBlock("com.android.settings", { system: true }), pkgBlock("com.store.app", { installer: "com.android.vending" })],
      "  Non-Data Actions:\n      android.provider.Telephony.SMS_RECEIVED:\n        1a com.spy/.Sms\n      android.intent.action.BOOT_COMPLETED:\n        3c com.store.app/.Boot",
      "  Non-Data Actions:\n      android.intent.action.MAIN:\n        1a com.spy/.Main\n        2b com.good/.Main",
    ),
    adb: `ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n    last_key_received=00:11\n    user_keys=${KEY} me@laptop\n\n    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n    <keyStore version="1">\n    <adbKey key="${KEY} me@laptop" lastConnection="1711000000000" />\n    </keyStore>\n  }\n}`,
    appops: "Current AppOps Service state:\n  Uid 0:\n    state=pers\n    Package root:\n      CAMERA (allow):\n          Access: [pers-s] 2022-03-29 18:37:30.315 (-4h50m23s772ms)\n  Uid u0a200:\n    Package com.spy:\n      REQUEST_INSTALL_PACKAGES (allow):\n          Access: [fg-s] 2022-03-29 18:37:30.315 (-1d)\n          Reject: [bg-s] 2022-03-28 10:00:00.000 (-2d)\n",
    batterystats:
      "Daily stats:\n  Current start time: 2022-08-18-01-00-00\n    Package changes:\n      Update com.spy vers=3\n      Uninstall com.spy\n      Update com.x vers=1\n      Update com.x vers=0\n" +
      'Battery History (1% used):\n                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n         +10s000ms (2) 100 pkginst=3:"com.spy"\n         +20s000ms (2) 100 pkgunin=10200:"com.spy" +top=u0a1:"com.good"\n',
    dbinfo: "Applications Database Info:\n\n** Database info for pid 5 [com.x] **\n\nConnection pool for /data/user/0/com.x/databases/spy.db:\n  Open: true\n  Most recently executed operations:\n    0: [2024-03-20 10:00:00.000] executeForCursorWindow took 1ms - succeeded, sql=\"SELECT 1\", path=/data/user/0/com.x/databases/spy.db\n",
    platform_compat: "ChangeId(168419799; name=DOWNSCALED; disabled; packageOverrides={com.spy=false, com.good=false}; rawOverrides={com.spy=false}; overridable)",
  });
}

/** Corpus dumpsys files: androidqf's whole dumpsys.txt, and single sections wrapped as one. */
function corpusDumpsys(corpus: string | undefined): Buffer[] {
  const whole = corpusFiles(corpus, "mvt-artifacts/androidqf/dumpsys.txt");
  const sections: [string, string][] = [
    ["accessibility", "dumpsys_accessibility.txt"], ["accessibility", "dumpsys_accessibility_v14_or_later.txt"], ["adb", "dumpsys_adb.txt"], ["adb", "dumpsys_adb_xml.txt"],
    ["appops", "dumpsys_appops.txt"], ["batterystats", "dumpsys_battery.txt"], ["dbinfo", "dumpsys_dbinfo.txt"], ["package", "dumpsys_packages.txt"], ["platform_compat", "dumpsys_platform_compat.txt"],
  ];
  const wrapped = sections.flatMap(([service, file]) => corpusFiles(corpus, `mvt-artifacts/android_data/${file}`).map((b) => Buffer.from(b.toString("utf8").includes("DUMP OF SERVICE") ? b.toString("utf8") : dumpsys({ [service]: b.toString("utf8") }))));
  return [...whole, ...wrapped];
}

const DUMPSYS_MODULES = ["dumpsys_packages", "dumpsys_accessibility", "dumpsys_activities", "dumpsys_receivers", "dumpsys_adb", "dumpsys_appops", "dumpsys_battery_daily", "dumpsys_battery_history", "dumpsys_dbinfo", "dumpsys_platform_compat"];

/** A protobuf tombstone as debuggerd writes it (the fields Vigil reads). */
function tombstoneProto(): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).uint32(1);
  w.uint32((2 << 3) | 2).string("google/panther/panther:14/UQ1A/1:user/release-keys");
  w.uint32((4 << 3) | 2).string("2024-03-20 10:00:00.123456789+0100");
  w.uint32((5 << 3) | 0).uint32(4242);
  w.uint32((6 << 3) | 0).uint32(4243);
  w.uint32((7 << 3) | 0).uint32(10123);
  w.uint32((8 << 3) | 2).string("u:r:untrusted_app:s0:c1,c2");
  w.uint32((9 << 3) | 2).string("com.whatsapp");
  w.uint32((9 << 3) | 2).string("--flag");
  const sig = protobuf.Writer.create().uint32((1 << 3) | 0).int32(11).uint32((2 << 3) | 2).string("SIGSEGV").uint32((3 << 3) | 0).int32(1).uint32((4 << 3) | 2).string("SEGV_MAPERR").uint32((8 << 3) | 0).bool(true).uint32((9 << 3) | 0).uint64(0xdead).finish();
  w.uint32((10 << 3) | 2).bytes(sig);
  w.uint32((14 << 3) | 2).string("abort: bad things");
  w.uint32((15 << 3) | 2).bytes(protobuf.Writer.create().uint32((1 << 3) | 2).string("null pointer dereference").finish());
  const thread = protobuf.Writer.create().uint32((1 << 3) | 0).int32(4243).uint32((2 << 3) | 2).string("binder:4242_2").finish();
  w.uint32((16 << 3) | 2).bytes(protobuf.Writer.create().uint32((1 << 3) | 0).uint32(4243).uint32((2 << 3) | 2).bytes(thread).finish());
  w.uint32((20 << 3) | 0).uint32(77);
  return Buffer.from(w.finish());
}

const TOMBSTONE_TEXT = [
  "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***",
  "Build fingerprint: 'google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys'",
  "Revision: 'MP1.0'",
  "ABI: 'arm64'",
  "Timestamp: 2024-03-20 10:00:00.123456789+0100",
  "Process uptime: 12s",
  "Cmdline: com.whatsapp --flag",
  "pid: 4242, tid: 4243, name: binder:4242_2  >>> com.whatsapp <<<",
  "uid: 10123",
  "selinux: u:r:untrusted_app:s0:c1,c2",
  "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x000000000000dead",
  "Cause: null pointer dereference",
  "Abort message: 'bad things'",
  "    x0  0000000000000000  x1  0000007fc1e2a3b0",
  "",
].join("\n");

const INTRUSION = [
  '{"dnsEvent":{"hostname":"c2.evil.com","ips":["/203.0.113.9"],"packageName":"com.spy","time":1700000000000}}',
  '{"connectEvent":{"ip":"/198.51.100.7","port":443,"packageName":"com.spy","time":1700000002000}}',
  '{"securityEvent":{"tag":210029,"time":1700000004000000000,"data":[1,"CN=Monitor CA",0]}}',
  '{"securityEvent":{"tag":210005,"time":1700000005000000000,"data":["com.spy",1700000005000,10200,1234,"abc"]}}',
  '{"security_event":{"tag":210002,"time":1700000006000000000,"data":["/system/bin/sh -c id"]}}',
  "",
].join("\n");

const SMS_BACKUP = JSON.stringify([
  { address: "+15555550123", body: "see https://evil.example/a", date: "1700000000000", date_sent: "1700000000000", type: "1", read: "1", status: "-1" },
  { address: "spy@evil.example", body: "", date: "1700000001000", type: "2" },
]);

export const androidTargets: Target[] = [
  ...DUMPSYS_MODULES.map((module) =>
    moduleTarget({ module, kind: "androidqf", place: { path: "dumpsys.txt" }, mutators: TEXT, seeds: (corpus) => [Buffer.from(fullDumpsys()), ...corpusDumpsys(corpus)] }),
  ),
  moduleTarget({
    module: "getprop",
    name: "getprop",
    what: "getprop output: parseGetprop in src/formats/getprop.ts, through the getprop module",
    kind: "androidqf",
    place: { path: "getprop.txt" },
    mutators: TEXT,
    seeds: (corpus) => [Buffer.from(SAMPLE_GETPROP + "[ro.multi]: [line one\nline two]\n[persist.spy]: [1]\n"), ...corpusFiles(corpus, "mvt-artifacts/androidqf/getprop.txt", "mvt-artifacts/android_data/getprop.txt")],
  }),
  {
    name: "tombstone-text",
    what: "text tombstones: parseTombstoneText in src/formats/tombstone.ts",
    seeds: (corpus) => [Buffer.from(TOMBSTONE_TEXT), ...corpusFiles(corpus, "mvt-artifacts/android_data/tombstone_process.txt", "mvt-artifacts/android_data/bugreport/FS/data/tombstones")],
    mutators: TEXT,
    run: (input) => parseTombstoneText(input.toString("utf8"), "tombstone_00"),
  },
  {
    name: "tombstone-proto",
    what: "protobuf tombstones: parseTombstoneProto in src/formats/tombstone.ts (protobufjs)",
    seeds: (corpus) => [tombstoneProto(), ...corpusFiles(corpus, "mvt-artifacts/android_data/tombstone_process.pb")],
    mutators: BYTE_MUTATORS,
    run: (input) => parseTombstoneProto(input, "tombstone_00.pb"),
  },
  moduleTarget({ module: "tombstones", kind: "android_bugreport", place: { path: "FS/data/tombstones/tombstone_00" }, mutators: [...TEXT, ...BYTE_MUTATORS], seeds: (corpus) => [Buffer.from(TOMBSTONE_TEXT), tombstoneProto(), ...corpusFiles(corpus, "mvt-artifacts/android_data/tombstone_process.pb")] }),
  ...["intrusion_dns", "intrusion_connections", "intrusion_security_events"].map((module) =>
    moduleTarget({ module, kind: "android_intrusion_logs", place: { path: "intrusion/log.json" }, mutators: TEXT, seeds: () => [Buffer.from(INTRUSION)] }),
  ),
  moduleTarget({
    module: "sms",
    name: "module:android-sms",
    what: "the telephony backup inside an .ab (JSON list of messages): parseSmsBackup in src/formats/android-sms.ts, through the Android sms module",
    kind: "android_backup",
    place: { path: "apps/com.android.providers.telephony/d_f/000000_sms_backup" },
    mutators: TEXT,
    seeds: (corpus) => [Buffer.from(SMS_BACKUP), ...corpusFiles(corpus, "mvt-artifacts/android_backup/apps/com.android.providers.telephony/d_f/000000_sms_backup")],
  }),
  ...[
    ["packages", "packages.json", '[{"name":"com.spy","files":[{"path":"/data/app/x/base.apk","sha256":"' + "a".repeat(64) + '","certificate":{"Md5":"x","Sha1":"y","Sha256":"z"}}],"installer":"null","uid":10123,"system":false,"disabled":false,"third_party":true,"timestamp":"2024-01-02 03:04:05"}]'],
    ["processes", "ps.txt", "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 100 10 0 0 S init\nu0_a123 4242 1 100 10 0 0 S com.spy\nroot 77 1 100 10 0 0 S /data/local/tmp/bh\n"],
    ["files", "files.json", '[{"path":"/data/local/tmp/bh","size":10,"mode":"-rwxr-xr-x","user":"root","group":"root","modified_time":"2024-01-02T03:04:05Z","sha256":"' + "a".repeat(64) + '"}]'],
    ["settings", "settings_global.txt", "adb_enabled=1\npackage_verifier_enable=0\nverifier_verify_adb_installs=0\n"],
  ].map(([module, path, seed]) =>
    moduleTarget({ module, kind: "androidqf", place: { path }, mutators: TEXT, seeds: (corpus) => [Buffer.from(seed), ...corpusFiles(corpus, `mvt-artifacts/androidqf/${path === "settings_global.txt" ? "settings_random.txt" : path}`)] }),
  ),
];
