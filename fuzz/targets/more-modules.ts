// The modules no other target drives: the iOS modules that read property lists (each as XML and
// as binary seeds), the iOS SQLite modules added after the first targets, and the text and JSON
// files of sysdiagnoses, androidqf bundles and Samsung's sfslog.
import { gzipSync } from "node:zlib";
import { writeBplist, type BValue } from "../../src/formats/bplist-writer.ts";
import { writeWhatsAppDb } from "../../src/demo/synthetic.ts";
import { remotectlDumpstate } from "../../test/helpers/ios-fs-builder.ts";
import { adbKey, sfslogText } from "../../test/helpers/physical-access-fixtures.ts";
import { BYTE_MUTATORS, deleteRange, flipBit, insertNoise, overwriteRange, setByte, setInt, splice, truncate } from "../engine/bytes.ts";
import { BPLIST_MUTATORS } from "../engine/plist.ts";
import { SQLITE_MUTATORS } from "../engine/sqlite.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles, xmlPlist } from "./corpus.ts";
import { discoverDatabase, moduleTarget } from "./module-target.ts";
import { written } from "./ios-databases.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];
/** XML seeds take the text mutators, binary ones the plist and byte mutators. */
const PLIST = [...BPLIST_MUTATORS, ...BPLIST_MUTATORS, ...TEXT_MUTATORS, ...BYTE_MUTATORS];
const SQLITE = [...SQLITE_MUTATORS, ...SQLITE_MUTATORS, flipBit, setInt, truncate, overwriteRange];

const WHEN = new Date(Date.UTC(2021, 6, 2, 8, 41, 12));
/** A Mac absolute time (seconds since 2001), as several plists store dates. */
const MAC_TIME = (WHEN.getTime() - Date.UTC(2001, 0, 1)) / 1000;

const PLISTS: { module: string; value: Record<string, unknown>; place?: { path?: string; domain?: string; relativePath?: string }; kind?: "ios_backup" | "ios_fs" }[] = [
  { module: "global_preferences", value: { LDMGlobalEnabled: true, AppleLanguages: ["fr-FR", "en"], AppleLocale: "fr_FR", Nested: { a: [1, 2.5, false] } } },
  { module: "os_analytics_ad_daily", value: { netUsageBaseline: { "com.spy": [WHEN, 10, 20, 30, 40], "com.apple.mobilesafari": [WHEN, 1, 2, 3, 4], short: [WHEN, 1] } } },
  {
    module: "locationd_clients",
    value: {
      "com.spy:": { BundleId: "com.spy", Authorization: 4, ReceivingLocationInformationTimeStopped: MAC_TIME, LocationTimeStopped: MAC_TIME + 60, Executable: "/private/var/containers/Bundle/Application/X/Spy.app/Spy" },
      "com.apple.Maps:": { BundleId: "com.apple.Maps", Authorization: 2 },
      MigrationVersion: 3,
    },
  },
  {
    module: "idstatuscache",
    value: {
      "com.apple.madrid": { "mailto:spy@evil.example": { LookupDate: WHEN, IDStatus: 1 }, "tel:+15555550123": { LookupDate: MAC_TIME, IDStatus: 2 }, "mailto:a\u0000b@evil.example": { IDStatus: 1 } },
      "com.apple.ess": { "tel:+15555550123": { LookupDate: WHEN, IDStatus: 1 } },
    },
  },
  { module: "profile_events", value: { ProfileEvents: [{ "com.evil.profile": { timestamp: WHEN, operation: "install", process: "/usr/libexec/mdmd" } }, { "com.good.profile": { timestamp: WHEN, operation: "remove", process: "Settings" } }] } },
  {
    module: "webkit_session_resource_log",
    value: {
      browsingStatistics: [
        { PrevalentResourceDomain: "evil.example", topFrameUniqueRedirectsFrom: ["t.co"], topFrameUniqueRedirectsTo: ["free247downloads.com"], subresourceUnderTopFrameDomains: ["cdn.example"], hadUserInteraction: false, lastSeen: MAC_TIME, mostRecentUserInteraction: MAC_TIME },
        { PrevalentResourceOrigin: "https://ok.example", lastSeen: WHEN },
      ],
    },
  },
  {
    module: "configuration_profiles",
    value: {
      PayloadIdentifier: "com.evil.profile",
      PayloadUUID: "11111111-2222-3333-4444-555555555555",
      PayloadDisplayName: "VPN",
      PayloadOrganization: "Evil Inc",
      PayloadType: "Configuration",
      InstallDate: WHEN,
      PayloadContent: [{ PayloadType: "com.apple.security.root", PayloadIdentifier: "com.evil.profile.ca", PayloadContent: Buffer.from("not a certificate") }, { PayloadType: "com.apple.vpn.managed", RemoteAddress: "vpn.evil.example" }],
    },
  },
  {
    module: "applications",
    kind: "ios_fs",
    place: { path: "private/var/containers/Bundle/Application/1B2C/iTunesMetadata.plist" },
    value: { softwareVersionBundleId: "com.spy", itemName: "Flashlight", artistName: "Evil", sourceApp: "com.apple.TestFlight", purchaseDate: WHEN, "com.apple.iTunesStore.downloadInfo": { accountInfo: { AppleID: "spy@evil.example" } } },
  },
];

/** XML cannot hold a NUL character: the XML seed goes without them (the binary one keeps them). */
function withoutNul(v: unknown): unknown {
  if (typeof v === "string") return v.replaceAll("\u0000", "");
  if (Array.isArray(v)) return v.map(withoutNul);
  if (v && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll("\u0000", ""), withoutNul(x)]));
  return v;
}

const SQLITE_SPECS: { module: string; corpus?: string[]; built?: () => Buffer[] }[] = [
  { module: "accounts" },
  { module: "whatsapp_calls", corpus: ["real-ios-slices/josh_ios15_ffs/private/var/mobile/Containers/Shared/AppGroup/694FBBC5-2E69-480A-A25B-FF8CC038BEF8/CallHistory.sqlite"] },
  ...["whatsapp_groups", "whatsapp_media"].map((module) => ({
    module,
    corpus: ["real-ios-slices/josh_ios15_ffs/private/var/mobile/Containers/Shared/AppGroup/694FBBC5-2E69-480A-A25B-FF8CC038BEF8/ChatStorage.sqlite"],
    built: () => [written("ChatStorage.sqlite", (p) => writeWhatsAppDb(p, { messages: 10, start: Date.UTC(2021, 5, 1), end: Date.UTC(2021, 6, 1) }))],
  })),
];

const PS = "USER UID PID PPID STARTED COMMAND\nroot 0 1 0 8:00AM /sbin/launchd\nmobile 501 4242 1 8:01AM /private/var/db/com.apple.xpc.roleaccountd.staging/roleaboutd -x\nmobile 501 77 1 8:02AM bh\n";
const ACTIVATION = 'POST /deviceservices/deviceActivation\nBODY: {"ProductType":"iPhone14,2","BuildVersion":"19A346","SerialNumber":"F00"}\nEND\n';
const SFS = sfslogText([
  { at: "2024-11-02T08:00:05Z", state: "CONNECTED" },
  { at: "2024-11-02T08:00:06Z", adb: { line: adbKey("unknown", "user@DESKTOP-7Q").line, state: 2, always: true } },
  { at: "2024-11-02T08:10:00Z", usb: { vid: "046D", pid: "082D", mfg: "Logitech", product: "HD Pro Webcam C920" } },
  { at: "2024-11-02T08:10:09Z", usb: { vid: "05ac", pid: "0250", mfg: "Apple", product: "Keyboard", hid: true, serial: "" } },
  { at: "2024-11-02T08:11:00Z", other: "Start proc 1234:com.android.settings" },
]);

export const moreModuleTargets: Target[] = [
  ...PLISTS.map((p) =>
    moduleTarget({
      module: p.module,
      kind: p.kind ?? "ios_backup",
      place: p.place,
      mutators: PLIST,
      seeds: () => [xmlPlist(withoutNul(p.value)), writeBplist(p.value as BValue)],
    }),
  ),
  ...SQLITE_SPECS.map((s) =>
    moduleTarget({
      module: s.module,
      kind: "ios_backup",
      mutators: SQLITE,
      seeds: async (corpus) => {
        const found = await discoverDatabase(s.module);
        return [...(s.built?.() ?? []), ...(found ? [found] : []), ...corpusFiles(corpus, ...(s.corpus ?? []))];
      },
    }),
  ),
  moduleTarget({ module: "sysdiagnose_processes", kind: "ios_sysdiagnose", place: { path: "ps.txt" }, mutators: TEXT, seeds: () => [Buffer.from(PS)] }),
  moduleTarget({
    module: "sysdiagnose_info",
    kind: "ios_sysdiagnose",
    place: { path: "remotectl_dumpstate.txt" },
    mutators: TEXT,
    seeds: () => [Buffer.from(remotectlDumpstate({ ProductType: "iPhone14,2", OSVersion: "15.0", BuildVersion: "19A346", SerialNumber: "F00" }))],
  }),
  moduleTarget({
    module: "sysdiagnose_info",
    name: "module:sysdiagnose_info-log",
    kind: "ios_sysdiagnose",
    place: { path: "sysdiagnose.log" },
    mutators: TEXT,
    seeds: () => [Buffer.from("output: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/sysdiagnose_2024.01.02_03-04-05+0100_iPhone-OS_iPhone_21C66.tar.gz\n")],
  }),
  moduleTarget({ module: "sysdiagnose_info", name: "module:sysdiagnose_info-activation", kind: "ios_sysdiagnose", place: { path: "logs/MobileActivation/collection_oob_request.txt" }, mutators: TEXT, seeds: () => [Buffer.from(ACTIVATION)] }),
  moduleTarget({ module: "samsung_sfs_logs", kind: "androidqf", place: { path: "logs/data/log/sfslog.0" }, mutators: TEXT, seeds: () => [Buffer.from(SFS)] }),
  moduleTarget({ module: "samsung_sfs_logs", name: "module:samsung_sfs_logs-gz", kind: "androidqf", place: { path: "logs/data/log/sfslog.0.gz" }, mutators: BYTE_MUTATORS, seeds: () => [gzipSync(SFS)] }),
  moduleTarget({
    module: "mounts",
    kind: "androidqf",
    place: { path: "mounts.json" },
    mutators: TEXT,
    seeds: () => [Buffer.from(JSON.stringify(["/dev/block/dm-0 on / type ext4 (ro,seclabel,relatime)", "/dev/block/dm-1 on /system type ext4 (rw,seclabel,relatime)", "tmpfs on /apex type tmpfs (rw,seclabel,nosuid,nodev,noexec,relatime,mode=755)"]))],
  }),
  moduleTarget({ module: "root_binaries", kind: "androidqf", place: { path: "root_binaries.json" }, mutators: TEXT, seeds: (corpus) => [Buffer.from(JSON.stringify(["/system/bin/su", "/data/local/tmp/magisk"])), ...corpusFiles(corpus, "mvt-artifacts/androidqf/root_binaries.json")] }),
];
