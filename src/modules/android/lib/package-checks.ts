// Checks shared by the two package lists (androidqf's packages.json and dumpsys package).
import { codeRule, heuristic } from "../../../core/detection.ts";
import type { DetectionInput } from "../../../core/model.ts";
import { forensicToolPackages, knownStores, rootPackages } from "./common.ts";
import { msg } from "../../../core/i18n/index.ts";

export const NOT_FROM_STORE_RULE = codeRule("android-app-not-from-store");
export const ROOT_PACKAGE_RULE = codeRule("android-root-package");

export const FORENSIC_TOOL_RULE = codeRule("android-forensic-tool-package");

export function packageHeuristics(p: { package_name: string; installer?: string; system: boolean }, artifact: string, record: unknown): DetectionInput[] {
  const out: DetectionInput[] = [];
  const tool = forensicToolPackages().get(p.package_name);
  if (tool) {
    out.push(
      heuristic({
        rule: FORENSIC_TOOL_RULE.id,
        ruleDescription: FORENSIC_TOOL_RULE.description,
        grade: "medium",
        title: msg("det.packages.forensic_tool", { value: p.package_name, tool }),
        why: msg("det.packages.forensic_tool.why"),
        matched: p.package_name,
        artifact,
        record,
      }),
    );
  }
  if (rootPackages().has(p.package_name)) {
    out.push(
      heuristic({
        rule: ROOT_PACKAGE_RULE.id,
        ruleDescription: ROOT_PACKAGE_RULE.description,
        grade: "medium",
        title: msg("det.packages.root_tool", { value: p.package_name }),
        why: msg("det.packages.root_tool.why"),
        matched: p.package_name,
        artifact,
        record,
      }),
    );
  }
  if (!p.system && !(p.installer && knownStores().has(p.installer))) {
    out.push(
      heuristic({
        rule: NOT_FROM_STORE_RULE.id,
        ruleDescription: NOT_FROM_STORE_RULE.description,
        grade: "weak",
        title: msg("det.packages.not_from_store", { value: p.package_name, installer: p.installer ?? msg("det.packages.no_installer") }),
        why: msg("det.packages.not_from_store.why"),
        matched: p.package_name,
        artifact,
        record,
      }),
    );
  }
  return out;
}
