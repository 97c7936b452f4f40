// Android settings as androidqf dumps them (settings_global.txt, settings_secure.txt,
// settings_system.txt: "key=value" lines). Settings that switch off the platform's app checks
// (Play Protect, adb install verification) or allow sideloading are flagged.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { hasMessage, msg } from "../../core/i18n/index.ts";
import { ANDROID_RULE_FILES, androidRules } from "../../rules/index.ts";

export interface SettingRecord {
  namespace: string;
  key: string;
  value: string;
  file: string;
}

interface SettingRule {
  key: string;
  /** Flagged at this value (Vigil's rules where other values are normal)... */
  value?: string;
  /** ...or at any value but this one (MVT's rule for every setting it covers). */
  safe?: string;
  /** Its title and why are rule.<id>.title and rule.<id>.why in the catalogs (src/core/i18n). */
  id: string;
  /** The setting means something only up to this API level (checked against the device's). */
  maxSdk?: number;
}

let byKey: Map<string, SettingRule> | undefined;
/**
 * Values that weaken the device's own checks on apps, each a weak heuristic: the "settings" table
 * of src/rules/data/android.yaml. Each row's title and why are rule.<id>.title and rule.<id>.why
 * in the catalogs (src/core/i18n); a row that writes them itself is refused.
 */
export function settingRules(): SettingRule[] {
  return [...rulesByKey().values()];
}

function rulesByKey(): Map<string, SettingRule> {
  byKey ??= new Map(readSettingRules(androidRules().table("settings"), ANDROID_RULE_FILES[0]).map((r) => [r.key, r]));
  return byKey;
}

/** The rows of a settings table as rules; a row lacking a field, or writing its own words, is an error naming `file`. */
export function readSettingRules(rows: Record<string, unknown>[], file: string): SettingRule[] {
  const text = (row: Record<string, unknown>, k: string) => {
    if (typeof row[k] !== "string" || !row[k]) throw new VigilError(`table settings: a row lacks ${k}`, { file, code: "rules" });
    return row[k] as string;
  };
  return rows.map((row) => {
    const value = typeof row.value === "string" ? row.value : undefined;
    const safe = typeof row.safe === "string" ? row.safe : undefined;
    if ((value === undefined) === (safe === undefined)) throw new VigilError(`table settings: ${String(row.id)} needs exactly one of value and safe`, { file, code: "rules" });
    const rule: SettingRule = { key: text(row, "key"), value, safe, id: text(row, "id") };
    for (const k of ["title", "why", "description"]) {
      if (row[k] !== undefined) throw new VigilError(`table settings: ${rule.id}: ${k} belongs in the catalogs (rule.${rule.id}.${k} in src/core/i18n), not in the rule file`, { file, code: "rules" });
      if (!hasMessage(`rule.${rule.id}.${k}`)) throw new VigilError(`table settings: ${rule.id} lacks ${k}: no rule.${rule.id}.${k} in src/core/i18n`, { file, code: "rules" });
    }
    if (typeof row.max_sdk === "number") rule.maxSdk = row.max_sdk;
    return rule;
  });
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
    const v = r.value.trim();
    if (!rule || (rule.value !== undefined ? v !== rule.value : v === rule.safe)) return [];
    if (rule.maxSdk !== undefined) {
      const sdk = deviceSdk(ctx.view.device);
      // Unknown version: the value is the default on every current phone, so say nothing.
      if (sdk === undefined || sdk > rule.maxSdk) return [];
    }
    return [
      heuristic({
        rule: rule.id,
        ruleDescription: codeRule(rule.id, rule.value !== undefined ? { key: rule.key, value: rule.value } : { key: rule.key, safe: rule.safe! }).description,
        grade: "weak",
        title: msg("det.settings.rule", { rule: msg(`rule.${rule.id}.title`), key: r.key, value: r.value }),
        why: msg(`rule.${rule.id}.why`),
        matched: `${r.key}=${r.value}`,
        artifact: r.file,
      }),
    ];
  },
});
