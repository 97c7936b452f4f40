// Checks shared by the two package lists (androidqf's packages.json and dumpsys package).
import { heuristic } from "../../../core/detection.ts";
import type { DetectionInput } from "../../../core/model.ts";
import { knownStores, rootPackages } from "./common.ts";

export const NOT_FROM_STORE_RULE = {
  id: "android-app-not-from-store",
  description: "A non-system app whose installer is not a known app store or restore tool (sideloaded, installed over adb, or installed by another app).",
};
export const ROOT_PACKAGE_RULE = {
  id: "android-root-package",
  description: "An installed package is a known rooting, root-management or root-hiding tool (bundled list data/android/root-packages.json).",
};

export function packageHeuristics(p: { package_name: string; installer?: string; system: boolean }, artifact: string, record: unknown): DetectionInput[] {
  const out: DetectionInput[] = [];
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
