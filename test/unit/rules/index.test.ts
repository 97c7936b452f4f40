// The Android rules' data (src/rules/data/android.yaml): every list, value and table the Android
// modules name is there and reads as they expect.
import assert from "node:assert/strict";
import { test } from "node:test";
import { receiverWords } from "../../../src/modules/android/dumpsys-receivers.ts";
import { readSettingRules, settingRules } from "../../../src/modules/android/settings.ts";
import { hasMessage } from "../../../src/core/i18n/index.ts";
import { androidPattern, androidRules, androidSet } from "../../../src/rules/index.ts";

test("android.yaml: the lists, values and tables of the Android rules", () => {
  for (const name of ["appops_sensitive_ops", "sensitive_receiver_actions", "boot_actions", "system_mount_points", "ramdisk_root_types", "privileged_uids", "memory_corruption_signals"]) {
    assert.ok(androidSet(name).size > 0, name);
  }
  assert.ok(androidSet("system_mount_points").has("/"));
  assert.ok(androidSet("privileged_uids").has("1047"));
  assert.equal(androidRules().value("null_page_end"), 0x10000);
  assert.equal(androidRules().value("adb_key_stale_days"), 1);
  assert.deepEqual(
    settingRules().map((r) => [r.key, r.value ?? `not ${r.safe}`, r.maxSdk]),
    [
      ["package_verifier_enable", "not 1", undefined],
      ["package_verifier_user_consent", "not 1", undefined],
      ["verifier_verify_adb_installs", "not 1", undefined],
      ["upload_apk_enable", "not 1", undefined],
      ["adb_install_need_confirm", "not 1", undefined],
      ["install_non_market_apps", "1", 25],
      ["adb_wifi_enabled", "1", undefined],
      ["send_action_app_error", "not 1", undefined],
      ["package_verifier_state", "not 1", undefined],
      ["send_security_reports", "not 1", undefined],
      ["samsung_errorlog_agree", "not 1", undefined],
      ["accessibility_enabled", "not 0", undefined],
    ],
  );
  // Every broadcast of the rule's list has its words for the detection title, in both catalogs.
  for (const action of androidSet("sensitive_receiver_actions")) for (const lang of ["en", "fr"]) assert.ok(hasMessage(receiverWords(action).id, lang), `${action} (${lang})`);
});

test("android.yaml: a settings row's words are in the catalogs, not in the rule file", () => {
  const row = { key: "package_verifier_enable", value: "0", id: "android-play-protect-disabled" };
  assert.equal(readSettingRules([row], "android.yaml")[0].id, row.id);
  assert.throws(() => readSettingRules([{ ...row, title: "Play Protect is off" }], "android.yaml"), /android-play-protect-disabled: title belongs in the catalogs/);
  assert.throws(() => readSettingRules([{ ...row, id: "android-no-such-setting" }], "android.yaml"), /lacks title: no rule\.android-no-such-setting\.title/);
  assert.throws(() => readSettingRules([{ key: "x", id: "y" }], "android.yaml"), /y needs exactly one of value and safe/);
  assert.throws(() => readSettingRules([{ ...row, safe: "1" }], "android.yaml"), /android-play-protect-disabled needs exactly one of value and safe/);
  assert.equal(readSettingRules([{ key: "package_verifier_enable", safe: "1", id: "android-play-protect-disabled" }], "android.yaml")[0].safe, "1");
});

test("android.yaml: pattern lists match whole names only", () => {
  const own = androidPattern("data_local_tmp_own_files");
  assert.ok(own.test("/data/local/tmp/collector_arm64"));
  assert.ok(own.test("/data/local/tmp/androidqf-1.2"));
  assert.ok(!own.test("/data/local/tmp/collector_arm64/x"));
  assert.ok(!own.test("/data/local/tmp/payload"));
  const privileged = androidPattern("privileged_processes");
  for (const p of ["system_server", "media.codec", "zygote64", "keystore2", "android.hardware.camera.provider@2.4-service", "com.android.phone"]) assert.ok(privileged.test(p), p);
  for (const p of ["com.example.app", "system_server2", "xinit"]) assert.ok(!privileged.test(p), p);
  const remote = androidPattern("remote_surface_processes");
  for (const p of ["media.extractor", "com.android.bluetooth", "com.google.android.apps.messaging", "vendor.bluetooth-1-0"]) assert.ok(remote.test(p), p);
  for (const p of ["media.audio", "com.android.systemui", "surfaceflinger"]) assert.ok(!remote.test(p), p);
});
