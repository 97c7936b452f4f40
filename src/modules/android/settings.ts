// Android settings as androidqf dumps them (settings_global.txt, settings_secure.txt,
// settings_system.txt: "key=value" lines). Settings that switch off the platform's app checks
// (Play Protect, adb install verification) or allow sideloading are flagged.
import { defineModule } from "../contract.ts";
import { heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { ANDROID_RULE_FILES, androidRules } from "../../rules/index.ts";

export interface SettingRecord {
  namespace: string;
  key: string;
  value: string;
  file: string;
}

interface SettingRule {
  key: string;
  value: string;
  id: string;
  title: string;
  why: string;
  /** The setting means something only up to this API level (checked against the device's). */
  maxSdk?: number;
}

let byKey: Map<string, SettingRule> | undefined;
/**
 * Values that weaken the device's own checks on apps, each a weak heuristic: the "settings" table
 * of src/rules/data/android.yaml.
 */
export function settingRules(): SettingRule[] {
  return [...rulesByKey().values()];
}

function rulesByKey(): Map<string, SettingRule> {
  if (byKey) return byKey;
  const text = (row: Record<string, unknown>, k: string) => {
    if (typeof row[k] !== "string" || !row[k]) throw new VigilError(`table settings: a row lacks ${k}`, { file: ANDROID_RULE_FILES[0], code: "rules" });
    return row[k] as string;
  };
  const rules = new Map<string, SettingRule>();
  for (const row of androidRules().table("settings")) {
    const rule: SettingRule = { key: text(row, "key"), value: text(row, "value"), id: text(row, "id"), title: text(row, "title"), why: text(row, "why") };
    if (typeof row.max_sdk === "number") rule.maxSdk = row.max_sdk;
    rules.set(rule.key, rule);
  }
  return (byKey = rules);
}

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
    const rule = rulesByKey().get(r.key);
    if (!rule || r.value.trim() !== rule.value) return [];
    if (rule.maxSdk !== undefined) {
      const sdk = deviceSdk(ctx.view.device);
      // Unknown version: the value is the default on every current phone, so say nothing.
      if (sdk === undefined || sdk > rule.maxSdk) return [];
    }
    return [
      heuristic({
        rule: rule.id,
        ruleDescription: `Setting ${rule.key} is ${rule.value}.`,
        grade: "weak",
        title: `${rule.title} (${r.key}=${r.value})`,
        why: rule.why,
        matched: `${r.key}=${r.value}`,
        artifact: r.file,
      }),
    ];
  },
});
