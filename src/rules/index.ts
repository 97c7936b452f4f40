// The rule sets Vigil ships, loaded once from the YAML beside this file.
import { join } from "node:path";
import { loadRuleSet, type RuleSet } from "./engine.ts";
import { srcAsset } from "../core/paths.ts";

const HERE = srcAsset("rules");
export const RULE_FILES = [join(HERE, "data", "ios.yaml")];
export const ANDROID_RULE_FILES = [join(HERE, "data", "android.yaml")];
export const BASELINE_FILES: Record<string, string> = {
  shutdown_clients: join(HERE, "baselines", "shutdown-clients.yaml"),
};

let cached: RuleSet | undefined;
export function iosRules(): RuleSet {
  cached ??= loadRuleSet(RULE_FILES, BASELINE_FILES);
  return cached;
}

let android: RuleSet | undefined;
/** The Android rules' lists, values and tables (their tests are code in the Android modules). */
export function androidRules(): RuleSet {
  android ??= loadRuleSet(ANDROID_RULE_FILES, {});
  return android;
}

const sets = new Map<string, Set<string>>();
/** An Android rule list as a set, made once. */
export function androidSet(name: string): Set<string> {
  let s = sets.get(name);
  if (!s) sets.set(name, (s = new Set(androidRules().list(name))));
  return s;
}

const patterns = new Map<string, RegExp>();
/** An Android rule list of regular expressions as one, matching a whole value that one of them matches. */
export function androidPattern(name: string): RegExp {
  let p = patterns.get(name);
  if (!p) patterns.set(name, (p = new RegExp(`^(?:${androidRules().list(name).map((x) => `(?:${x})`).join("|")})$`)));
  return p;
}
