// Android settings as androidqf dumps them (settings_global.txt, settings_secure.txt,
// settings_system.txt: "key=value" lines). Settings that switch off the platform's app checks
// (Play Protect, adb install verification) or allow sideloading are flagged.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SettingRecord {
  namespace: string;
  key: string;
  value: string;
  file: string;
}

interface SettingRule {
  key: string;
  value: string;
  /** Its title and why are rule.<id>.title and rule.<id>.why in the catalogs (src/core/i18n). */
  id: string;
  /** The setting means something only up to this API level (checked against the device's). */
  maxSdk?: number;
}

/** Values that weaken the device's own checks on apps; each is a weak heuristic. */
export const SETTING_RULES: SettingRule[] = [
  { key: "package_verifier_enable", value: "0", id: "android-play-protect-disabled" },
  { key: "package_verifier_user_consent", value: "-1", id: "android-play-protect-consent-revoked" },
  { key: "verifier_verify_adb_installs", value: "0", id: "android-adb-install-verification-disabled" },
  { key: "upload_apk_enable", value: "0", id: "android-play-protect-upload-disabled" },
  { key: "adb_install_need_confirm", value: "0", id: "android-adb-install-confirm-disabled" },
  // Android 8 (API 26) replaced this global switch by a per-app permission and sets it to 1 on
  // every device, so it only says something on older versions.
  { key: "install_non_market_apps", value: "1", id: "android-unknown-sources-enabled", maxSdk: 25 },
  // USB debugging itself (adb_enabled=1) is not flagged: every androidqf or adb acquisition
  // needs it on. Wireless debugging is not needed and lets paired computers in reach use adb.
  { key: "adb_wifi_enabled", value: "1", id: "android-wireless-debugging-enabled" },
  { key: "send_action_app_error", value: "0", id: "android-app-error-reports-disabled" },
];
const RULES_BY_KEY = new Map(SETTING_RULES.map((r) => [r.key, r]));

/** The device's API level from the acquisition's device info (sdk, else the release number). */
export function deviceSdk(device: { sdk?: unknown; osVersion?: string }): number | undefined {
  const sdk = Number(device.sdk);
  if (Number.isInteger(sdk) && sdk > 0) return sdk;
  const major = Number(/^(\d+)/.exec(device.osVersion ?? "")?.[1]);
  if (!Number.isFinite(major) || major <= 0) return undefined;
  // Releases 8.0 and later: API 26 + (major - 8) is close enough for a "before 8" test.
  return major >= 8 ? 26 + (major - 8) : 25;
}

export default defineModule<SettingRecord>({
  name: "settings",
  title: "Device settings",
  platform: "android",
  description:
    "Global, secure and system settings (androidqf settings_*.txt): settings that turn off Play Protect or adb install verification, or allow unknown sources or wireless debugging, are flagged.",
  reads: { androidqf: ["settings_*.txt"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const namespace = /settings_(\w+)\.txt$/.exec(f.path)?.[1] ?? "unknown";
      const text = await readText(ctx, f);
      let good = 0;
      let bad = 0;
      for (const line of text.split("\n")) {
        const t = line.replace(/\r$/, "");
        if (!t.trim()) continue;
        const eq = t.indexOf("=");
        if (eq <= 0) {
          bad++;
          continue;
        }
        good++;
        yield { namespace, key: t.slice(0, eq), value: t.slice(eq + 1), file: f.path };
      }
      if (good === 0 && bad > 0) throw new VigilError('not a settings list (no "key=value" line)', { file: f.path });
      if (bad) ctx.warn(`${f.path}: ${bad} line(s) without "=" were skipped`);
    }
  },
  check(r, ctx): DetectionInput[] {
    const rule = RULES_BY_KEY.get(r.key);
    if (!rule || r.value.trim() !== rule.value) return [];
    if (rule.maxSdk !== undefined) {
      const sdk = deviceSdk(ctx.view.device);
      // Unknown version: the value is the default on every current phone, so say nothing.
      if (sdk === undefined || sdk > rule.maxSdk) return [];
    }
    return [
      heuristic({
        rule: rule.id,
        ruleDescription: codeRule(rule.id, { key: rule.key, value: rule.value }).description,
        grade: "weak",
        title: msg("det.settings.rule", { rule: msg(`rule.${rule.id}.title`), key: r.key, value: r.value }),
        why: msg(`rule.${rule.id}.why`),
        matched: `${r.key}=${r.value}`,
        artifact: r.file,
      }),
    ];
  },
});
