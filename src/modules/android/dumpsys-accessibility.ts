// dumpsys accessibility: accessibility services, the way most Android stalkerware and banking
// trojans read the screen and act on it. Before Android 14 the dump lists installed and
// enabled services; from 14 only the enabled ones.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { parseAccessibility, type AccessibilityService } from "../../formats/dumpsys/accessibility.ts";
import { dumpsysReads, dumpsysService, packageIndex } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface AccessibilityRecord extends AccessibilityService {
  /** Whether the package list marks the app as a system app; undefined when unknown. */
  system?: boolean;
  file: string;
}

export const USER_A11Y_RULE = codeRule("android-user-accessibility-service");

export default defineModule<AccessibilityRecord>({
  name: "dumpsys_accessibility",
  title: "Accessibility services",
  platform: "android",
  description:
    "Installed and enabled accessibility services (dumpsys accessibility): packages are checked against indicators, and an enabled service of a non-system app is flagged.",
  reads: dumpsysReads("accessibility", "package"),
  async *records(ctx) {
    const idx = await packageIndex(ctx);
    for (const { file, lines } of await dumpsysService(ctx, "accessibility")) {
      for (const s of parseAccessibility(lines)) yield { ...s, system: idx?.get(s.package_name)?.system, file };
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.appId(r.package_name), {
      grade: "strong",
      title: (m) => msg(r.state === "enabled" ? "det.accessibility.known_enabled" : "det.accessibility.known_installed", { value: m.matched }),
      artifact: r.file,
    });
    if (r.state === "enabled" && r.system !== true) {
      out.push(
        heuristic({
          rule: USER_A11Y_RULE.id,
          ruleDescription: USER_A11Y_RULE.description,
          grade: "weak",
          title: msg("det.accessibility.user_enabled", { value: r.service }),
          why: msg("det.accessibility.user_enabled.why"),
          matched: r.service,
          artifact: r.file,
        }),
      );
    }
    return out;
  },
});
