import { join } from "node:path";
import { loadRuleSet } from "./engine.js";
const HERE = import.meta.dirname;
const RULE_FILES = [join(HERE, "data", "ios.yaml")];
const BASELINE_FILES = {
  shutdown_clients: join(HERE, "baselines", "shutdown-clients.yaml")
};
let cached;
function iosRules() {
  cached ??= loadRuleSet(RULE_FILES, BASELINE_FILES);
  return cached;
}
export {
  BASELINE_FILES,
  RULE_FILES,
  iosRules
};
