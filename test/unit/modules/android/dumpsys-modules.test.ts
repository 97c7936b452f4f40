// Modules reading dumpsys sections: accessibility, activities, receivers, adb, appops,
// battery daily/history, dbinfo, platform_compat.
import { test } from "node:test";
import assert from "node:assert/strict";
import accessibility, { USER_A11Y_RULE } from "../../../../src/modules/android/dumpsys-accessibility.ts";
import activities from "../../../../src/modules/android/dumpsys-activities.ts";
import receivers, { SENSITIVE_RECEIVER_RULE } from "../../../../src/modules/android/dumpsys-receivers.ts";
import adb, { STALE_ADB_KEY_RULE } from "../../../../src/modules/android/dumpsys-adb.ts";
import appops, { INSTALL_PACKAGES_RULE, PRIVILEGED_UID_RULE } from "../../../../src/modules/android/dumpsys-appops.ts";
import batteryDaily from "../../../../src/modules/android/dumpsys-battery-daily.ts";
import batteryHistory from "../../../../src/modules/android/dumpsys-battery-history.ts";
import dbinfo from "../../../../src/modules/android/dumpsys-dbinfo.ts";
import platformCompat from "../../../../src/modules/android/dumpsys-platform-compat.ts";
import { adbKeyFingerprint } from "../../../../src/formats/dumpsys/adb.ts";
import { br, dumpsys, packageSection, pkgBlock, qf, run } from "../../../helpers/android-views.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const PKGS = packageSection([pkgBlock("com.spy", { installer: "null" }), pkgBlock("com.android.settings", { system: true }), pkgBlock("com.store.app", { installer: "com.android.vending" })]);

test("accessibility: enabled service of a non-system app flagged weak; system app's not; indicator strong", async () => {
  const a11y = "User state[attributes:{id=0, currentUser=true\n  }\n  installed services: {\n    0 : com.spy/.Svc\n    1 : com.android.settings/.A11y\n  }\n  enabled services: {\n    0 : com.spy/.Svc\n    1 : com.android.settings/.A11y\n  }\n";
  const r = await run(accessibility, br({ "dumpstate.txt": dumpsys({ accessibility: a11y, package: PKGS }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 4);
  const h = r.detections.filter((d) => d.kind === "heuristic");
  assert.deepEqual(h.map((d) => [d.rule?.id, d.grade, d.matched]), [[USER_A11Y_RULE.id, "weak", "com.spy/com.spy.Svc"]]);
  assert.deepEqual(r.detections.filter((d) => d.kind === "indicator").map((d) => d.grade), ["strong", "strong"]);
  const clean = await run(accessibility, br({ "dumpstate.txt": dumpsys({ accessibility: "  enabled services: {\n    0 : com.android.settings/.A11y\n  }\n", package: PKGS }) }));
  assert.equal(clean.detections.length, 0);
});

test("accessibility: Android 14 one-line format", async () => {
  const r = await run(accessibility, qf({ "dumpsys.txt": dumpsys({ accessibility: "User state[\n     Enabled services:{{com.spy/com.spy.Svc}}\n" }) }));
  assert.deepEqual(r.detections.map((d) => d.rule?.id), [USER_A11Y_RULE.id]);
});

const RECEIVERS = "  Non-Data Actions:\n      android.provider.Telephony.SMS_RECEIVED:\n        1a com.spy/.Sms\n        2b com.android.settings/.Sms\n      android.intent.action.BOOT_COMPLETED:\n        3c com.store.app/.Boot\n      android.intent.action.TIME_SET:\n        4d com.spy/.Time";

test("receivers: sensitive broadcast of a non-system app flagged weak; system apps and harmless intents not; indicators strong", async () => {
  const r = await run(receivers, br({ "dumpstate.txt": dumpsys({ package: packageSection([pkgBlock("com.spy", { installer: "null" }), pkgBlock("com.android.settings", { system: true }), pkgBlock("com.store.app", { installer: "com.android.vending" })], RECEIVERS) }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 4);
  // com.spy: SMS (flagged); com.android.settings: system (not); com.store.app: boot only (not).
  const h = r.detections.filter((d) => d.kind === "heuristic");
  assert.deepEqual(h.map((d) => [d.rule?.id, d.grade, d.matched, d.title]), [[SENSITIVE_RECEIVER_RULE.id, "weak", "com.spy", "Non-system app receives incoming SMS: com.spy"]]);
  assert.equal(r.detections.filter((d) => d.kind === "indicator" && d.grade === "strong").length, 2);
});

test("receivers: one detection per app, boot noted with SMS/call receivers", async () => {
  const rec = "  Non-Data Actions:\n      android.intent.action.PHONE_STATE:\n        1a com.spy/.Call\n      android.intent.action.NEW_OUTGOING_CALL:\n        2b com.spy/.Out\n      android.intent.action.BOOT_COMPLETED:\n        3c com.spy/.Boot";
  const r = await run(receivers, br({ "dumpstate.txt": dumpsys({ package: packageSection([pkgBlock("com.spy", { installer: "null" })], rec) }) }));
  assert.deepEqual(r.detections.map((d) => d.title), ["Non-system app receives call state and numbers, outgoing calls and starts at boot: com.spy"]);
});

test("activities: indicators strong, other apps not flagged", async () => {
  const act = "  Non-Data Actions:\n      android.intent.action.MAIN:\n        1a com.spy/.Main\n        2b com.good/.Main";
  const r = await run(activities, qf({ "dumpsys.txt": dumpsys({ package: packageSection([], "", act) }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "com.spy"]]);
});

const KEY_CUR = "QAAAA" + "B".repeat(120) + "=";
const KEY_OLD = "QAAAA" + "C".repeat(120) + "=";

test("adb: a key last used long before the current one is flagged weak; the current key alone is not", async () => {
  const fp = adbKeyFingerprint(KEY_CUR)!;
  const body = (keys: string, store: string) =>
    `ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n    last_key_received=${fp}\n    user_keys=${keys}\n\n    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n    <keyStore version="1">\n${store}    </keyStore>\n  }\n}`;
  const both = body(`${KEY_CUR} me@laptop\n${KEY_OLD} someone@pc`, `    <adbKey key="${KEY_CUR} me@laptop" lastConnection="1711000000000" />\n    <adbKey key="${KEY_OLD} someone@pc" lastConnection="1600000000000" />\n`);
  const r = await run(adb, qf({ "dumpsys.txt": dumpsys({ adb: both }) }));
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade]), [[STALE_ADB_KEY_RULE.id, "weak"]]);
  assert.match(r.detections[0].title, /someone@pc/);
  const one = await run(adb, qf({ "dumpsys.txt": dumpsys({ adb: body(`${KEY_CUR} me@laptop`, `    <adbKey key="${KEY_CUR} me@laptop" lastConnection="1711000000000" />\n`) }) }));
  assert.equal(one.detections.length, 0);
  assert.equal(one.events.length, 1);
});

test("adb: without connection times, keys other than the connected one are flagged only when the current key is known", async () => {
  const fp = adbKeyFingerprint(KEY_CUR)!;
  const body = (last: string) => `{\n  debugging_manager={\n    connected_to_adb=true\n    last_key_received=${last}\n    user_keys=${KEY_CUR} me@laptop\n${KEY_OLD} someone@pc\n\n  }\n}`;
  const known = await run(adb, qf({ "dumpsys.txt": dumpsys({ adb: body(fp) }) }));
  assert.deepEqual(known.detections.map((d) => d.title), ["Another computer is trusted for USB debugging: someone@pc"]);
  const unknown = await run(adb, qf({ "dumpsys.txt": dumpsys({ adb: body("00:11") }) }));
  assert.equal(unknown.detections.length, 0);
});

const APPOPS = `Current AppOps Service state:
  Uid 0:
    state=pers
    Package root:
      CAMERA (allow):
          Access: [pers-s] 2022-03-29 18:37:30.315 (-4h50m23s772ms)
      WAKE_LOCK (allow):
          Access: [pers-s] 2022-03-29 18:37:30.315 (-4h)
  Uid u0a200:
    state=cch
    Package com.spy:
      REQUEST_INSTALL_PACKAGES (allow):
      READ_SMS (allow):
          Access: [bg-s] 2022-03-29 18:40:00.000 (-4h)
  Uid u0a201:
    Package com.store.app:
      REQUEST_INSTALL_PACKAGES (allow):
  Uid u0a202:
    Package com.android.settings:
      REQUEST_INSTALL_PACKAGES (allow):
`;

test("appops: sideloaded app allowed to install flagged; store/system apps not; root camera use flagged; events on device clock", async () => {
  const r = await run(appops, br({ "dumpstate.txt": dumpsys({ appops: APPOPS, package: PKGS }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 4);
  const h = r.detections.filter((d) => d.kind === "heuristic").map((d) => [d.rule?.id, d.matched]);
  assert.deepEqual(h, [[PRIVILEGED_UID_RULE.id, "uid 0 CAMERA"], [INSTALL_PACKAGES_RULE.id, "com.spy REQUEST_INSTALL_PACKAGES"]]);
  assert.equal(r.detections.filter((d) => d.kind === "indicator").length, 1);
  assert.ok(r.events.some((e) => e.event === "appop_access" && e.timestamp === "2022-03-29T18:40:00.000Z"));
});

test("battery daily: uninstall and downgrade become events; indicators strong", async () => {
  const stats = [
    "Daily stats:",
    "  Current start time: 2022-08-18-01-00-00",
    "    Package changes:",
    "      Uninstall com.spy",
    "      Update com.app vers=5",
    "  Daily from 2022-08-17-01-00-00 to 2022-08-18-01-00-00:",
    "    Package changes:",
    "      Update com.app vers=9",
    "      Update com.spy vers=1",
  ].join("\n");
  const r = await run(batteryDaily, qf({ "dumpsys.txt": dumpsys({ batterystats: stats }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 4);
  assert.deepEqual(r.events.map((e) => e.event).sort(), ["package_downgraded", "package_uninstalled", "package_updated", "package_updated"]);
  assert.deepEqual(r.detections.map((d) => d.grade), ["strong", "strong"]);
  const clean = await run(batteryDaily, qf({ "dumpsys.txt": dumpsys({ batterystats: stats }) }), { app_id: ["com.other"] });
  assert.equal(clean.detections.length, 0);
});

test("battery history: a reinstall with a lower version code is a downgrade event", async () => {
  const hist = 'Battery History (1% used):\n                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n         +10s000ms (2) 100 pkginst=300:"com.app"\n         +20s000ms (2) 100 pkginst=120:"com.app"\n         +30s000ms (2) 100 pkginst=500:"com.app"\n';
  const r = await run(batteryHistory, br({ "dumpstate.txt": dumpsys({ batterystats: hist }) }));
  assert.deepEqual(r.events.map((e) => e.event), ["package_installed", "package_downgraded", "package_installed"]);
});

test("battery history: installs/uninstalls on the timeline, indicators strong", async () => {
  const hist = 'Battery History (1% used):\n                    0 (19) RESET:TIME: 2022-01-04-17-30-01\n         +10s000ms (2) 100 pkginst=3:"com.spy"\n         +20s000ms (2) 100 pkgunin=10200:"com.spy" +top=u0a1:"com.good"\n';
  const r = await run(batteryHistory, br({ "dumpstate.txt": dumpsys({ batterystats: hist }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 3);
  assert.deepEqual(r.events.map((e) => [e.event, e.timestamp]), [["package_installed", "2022-01-04T17:30:11.000Z"], ["package_uninstalled", "2022-01-04T17:30:21.000Z"], ["app_foreground", "2022-01-04T17:30:21.000Z"]]);
  assert.equal(r.detections.length, 2);
});

test("dbinfo: database path indicators strong; other paths not", async () => {
  const db = "Applications Database Info:\n\n** Database info for pid 5 [com.x] **\n\nConnection pool for /data/user/0/com.x/databases/spy.db:\n  Open: true\nConnection pool for /data/user/0/com.x/databases/ok.db:\n  Open: true\n";
  const r = await run(dbinfo, qf({ "dumpsys.txt": dumpsys({ dbinfo: db }) }), { file_path: ["/data/user/0/com.x/databases/spy.db"] });
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "/data/user/0/com.x/databases/spy.db"]]);
});

test("platform_compat: package indicators strong, once per package even when listed twice", async () => {
  const pc = "ChangeId(168419799; name=DOWNSCALED; disabled; packageOverrides={com.spy=false, com.good=false}; rawOverrides={com.spy=false}; overridable)";
  const r = await run(platformCompat, qf({ "dumpsys.txt": dumpsys({ platform_compat: pc }) }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "com.spy"]]);
});

test("dumpsys modules: missing service section and non-dumpsys text fail with one line naming the file", async () => {
  for (const mod of [accessibility, activities, receivers, adb, appops, batteryDaily, batteryHistory, dbinfo, platformCompat]) {
    const r = await run(mod, br({ "dumpstate.txt": dumpsys({ SurfaceFlinger: "x" }) }));
    assert.equal(r.coverage.status, "failed", mod.name);
    assert.match(r.coverage.reason!, /^dumpstate\.txt: no "DUMP OF SERVICE \w+" section \(the service was not dumped\)$/);
  }
  const r = await run(receivers, qf({ "dumpsys.txt": "\u0000\u0001 not text" }));
  assert.equal(r.coverage.reason, 'dumpsys.txt: not a dumpsys output (no "DUMP OF SERVICE" section)');
});

test("adb: a dump listing tens of thousands of keys is read in linear time", async () => {
  // Whether any key was the current one was asked again for each key (quadratic: 76 s for 20,000
  // keys), and the newest connection time was taken by spreading every time into Math.max, which
  // overflows the stack past about 120,000 of them.
  const keys = Array.from({ length: 20_000 }, (_, i) => "QAAAA" + i.toString(36)).join("\n    ");
  const r = await withinCpu(5, "the keys", () => run(adb, qf({ "dumpsys.txt": dumpsys({ adb: `  debugging_manager={\n    user_keys=${keys}\n  }\n` }) })));
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  assert.equal(r.records.length, 20_000);
  const timed = Array.from({ length: 150_000 }, (_, i) => `<adbKey key="${i.toString(36)}" lastConnection="${1_700_000_000_000 + i}" />`).join("\n");
  const t = await run(adb, qf({ "dumpsys.txt": dumpsys({ adb: `  debugging_manager={\n    keystore=<?xml ?>\n<keyStore>\n${timed}\n</keyStore>\n  }\n` }) }));
  assert.equal(t.coverage.status, "checked", t.coverage.reason);
  assert.equal(t.records.length, 150_000);
});
