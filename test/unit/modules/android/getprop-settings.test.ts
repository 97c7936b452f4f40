import { test } from "node:test";
import assert from "node:assert/strict";
import getprop from "../../../../src/modules/android/getprop.ts";
import settings, { settingRules, deviceSdk } from "../../../../src/modules/android/settings.ts";
import { securityBulletins } from "../../../../src/rules/device-exposure.ts";
import { br, dumpsys, qf, run } from "../../../helpers/android-views.ts";

function monthsBefore(date: string, months: number): string {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

test("getprop: property indicator is strong; records carry name and value", async () => {
  const r = await run(getprop, qf({ "getprop.txt": "[persist.sys.spy.enabled]: [1]\n[ro.product.model]: [Pixel 7]\n" }), { android_property: ["persist.sys.spy.enabled"] });
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 2);
  assert.equal(r.detections.length, 1);
  assert.equal(r.detections[0].grade, "strong");
  assert.equal(r.detections[0].matched, "persist.sys.spy.enabled");
  assert.equal(r.detections[0].artifact, "getprop.txt");
});

test("getprop: an outdated security patch is exposure, never a detection", async () => {
  const { latest_bulletin, outdated_after_months } = securityBulletins();
  const old = await run(getprop, qf({ "getprop.txt": `[ro.build.version.security_patch]: [${monthsBefore(latest_bulletin, outdated_after_months + 3)}]\n` }));
  assert.equal(old.coverage.status, "checked");
  assert.deepEqual(old.detections, []);
});

test("getprop: read from the bugreport's SYSTEM PROPERTIES; bugreport without it and non-getprop text fail with one line", async () => {
  const text = "------ SYSTEM PROPERTIES (getprop) ------\n[a]: [1]\n[b]: [2]\n------ 0.1s was the duration of 'SYSTEM PROPERTIES' ------\n" + dumpsys({ adb: "x" });
  const r = await run(getprop, br({ "bugreport-x-2024.txt": text }));
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 2);
  const none = await run(getprop, br({ "dumpstate.txt": dumpsys({ adb: "x" }) }));
  assert.equal(none.coverage.status, "failed");
  assert.equal(none.coverage.reason, 'dumpstate.txt: no "SYSTEM PROPERTIES" section in the bugreport');
  const bad = await run(getprop, qf({ "getprop.txt": "<html>error</html>\n" }));
  assert.equal(bad.coverage.status, "failed");
  assert.equal(bad.coverage.reason, 'getprop.txt: not a getprop output (no "[name]: [value]" line)');
});

test("settings: verification turned off or unknown sources allowed are flagged; safe values are not", async () => {
  const r = await run(
    settings,
    qf(
      {
        "settings_global.txt": "package_verifier_enable=0\nverifier_verify_adb_installs=0\nadb_enabled=1\n",
        "settings_secure.txt": "install_non_market_apps=1\npackage_verifier_user_consent=1\n",
      },
      { sdk: "23" },
    ),
  );
  assert.equal(r.records.length, 5);
  assert.deepEqual(r.detections.map((d) => d.rule?.id).sort(), ["android-adb-install-verification-disabled", "android-play-protect-disabled", "android-unknown-sources-enabled"]);
  assert.ok(r.detections.every((d) => d.grade === "weak"));
  const clean = await run(settings, qf({ "settings_global.txt": "package_verifier_enable=1\nverifier_verify_adb_installs=1\ninstall_non_market_apps=0\n" }));
  assert.equal(clean.detections.length, 0);
  const bad = await run(settings, qf({ "settings_system.txt": "\u0000\u0001binary\n" }));
  assert.equal(bad.coverage.reason, 'settings_system.txt: not a settings list (no "key=value" line)');
});

test("settings: a rule with a value fires on it only; a rule with a safe value (MVT's) fires on any other", async () => {
  assert.equal(settingRules().length, 12);
  for (const rule of settingRules()) {
    const old = { sdk: "23" };
    const bad = rule.value !== undefined ? [rule.value] : [rule.safe === "1" ? "0" : "1", "-1", "2", ""];
    for (const v of bad) {
      const hit = await run(settings, qf({ "settings_global.txt": `${rule.key}=${v}\n` }, old));
      assert.deepEqual(hit.detections.map((d) => d.rule?.id), [rule.id], `${rule.key}=${v}`);
    }
    const good = rule.value !== undefined ? (rule.value === "1" ? "0" : "1") : rule.safe!;
    const miss = await run(settings, qf({ "settings_global.txt": `${rule.key}=${good}\n` }, old));
    assert.equal(miss.detections.length, 0, rule.key);
  }
});

test("settings: every setting MVT flags is covered (samsung_errorlog_agree, send_security_reports, package_verifier_state, accessibility_enabled...)", async () => {
  const r = await run(
    settings,
    qf({
      "settings_global.txt": "package_verifier_state=-1\nsend_action_app_error=0\n",
      "settings_secure.txt": "send_security_reports=0\nsamsung_errorlog_agree=0\naccessibility_enabled=1\npackage_verifier_user_consent=0\n",
    }),
  );
  assert.deepEqual(r.detections.map((d) => d.rule?.id).sort(), [
    "android-accessibility-enabled",
    "android-app-error-reports-disabled",
    "android-package-verification-off",
    "android-play-protect-consent-revoked",
    "android-samsung-error-logs-disabled",
    "android-security-reports-disabled",
  ]);
  assert.ok(r.detections.every((d) => d.grade === "weak" && d.kind === "heuristic"));
});

test("settings: install_non_market_apps=1 is the default from Android 8 on and says nothing there (or when the version is unknown)", async () => {
  for (const device of [{ sdk: "34" }, { osVersion: "14" }, {}] as Record<string, string>[]) {
    const r = await run(settings, qf({ "settings_secure.txt": "install_non_market_apps=1\n" }, device));
    assert.equal(r.detections.length, 0, JSON.stringify(device));
  }
  const r = await run(settings, qf({ "settings_secure.txt": "install_non_market_apps=1\n" }, { osVersion: "7.1.2" }));
  assert.equal(r.detections.length, 1);
  assert.equal(deviceSdk({ osVersion: "9" }), 27);
  assert.equal(deviceSdk({ sdk: "30", osVersion: "11" }), 30);
});
