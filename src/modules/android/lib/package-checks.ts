// Checks shared by the two package lists (androidqf's packages.json and dumpsys package).
import { heuristic } from "../../../core/detection.ts";
import type { DetectionInput } from "../../../core/model.ts";
import { forensicToolPackages, knownStores, rootPackages } from "./common.ts";

export const NOT_FROM_STORE_RULE = {
  id: "android-app-not-from-store",
  description: "A non-system app whose installer is not a known app store or restore tool (sideloaded, installed over adb, or installed by another app).",
};
export const ROOT_PACKAGE_RULE = {
  id: "android-root-package",
  description: "An installed package is a known rooting, root-management or root-hiding tool (bundled list data/android/root-packages.json).",
};

export const FORENSIC_TOOL_RULE = {
  id: "android-forensic-tool-package",
  description: "An installed package is the agent a forensic extraction tool pushes onto the phone during an extraction (bundled list data/android/forensic-tools.json, each entry with its source).",
};

export function packageHeuristics(p: { package_name: string; installer?: string; system: boolean }, artifact: string, record: unknown): DetectionInput[] {
  const out: DetectionInput[] = [];
  const tool = forensicToolPackages().get(p.package_name);
  if (tool) {
    out.push(
      heuristic({
        rule: FORENSIC_TOOL_RULE.id,
        ruleDescription: FORENSIC_TOOL_RULE.description,
        grade: "medium",
        title: `Agent of a forensic extraction tool installed: ${p.package_name} (${tool})`,
        why: "Forensic tools install an agent app over adb to pull data from a phone they have in hand; one left behind means the phone went through such an extraction. In Serbia (Amnesty, 2024) and Jordan (Citizen Lab, 2025) phones of activists and journalists were extracted this way, some then infected with spyware.",
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
        title: `Rooting tool installed: ${p.package_name}`,
        why: "A rooted phone lets any app with root access read other apps' messages and files; spyware installed by someone with physical access often relies on it.",
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
        title: `App not installed from a known store: ${p.package_name} (installer: ${p.installer ?? "none recorded"})`,
        why: "Stalkerware is almost always sideloaded. Many harmless apps are too (F-Droid builds, APKs from a vendor's site), so check that the app is one the owner knows.",
        matched: p.package_name,
        artifact,
        record,
      }),
    );
  }
  return out;
}
