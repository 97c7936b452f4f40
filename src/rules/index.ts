// The rule set Vigil ships, loaded once from the YAML beside this file.
import { join } from "node:path";
import { loadRuleSet, type RuleSet } from "./engine.ts";
import { srcAsset } from "../core/paths.ts";

const HERE = srcAsset("rules");
export const RULE_FILES = [join(HERE, "data", "ios.yaml")];
export const BASELINE_FILES: Record<string, string> = {
  shutdown_clients: join(HERE, "baselines", "shutdown-clients.yaml"),
};

let cached: RuleSet | undefined;
export function iosRules(): RuleSet {
  cached ??= loadRuleSet(RULE_FILES, BASELINE_FILES);
  return cached;
}
