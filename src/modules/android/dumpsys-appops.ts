// dumpsys appops: per app, which runtime operations (camera, microphone, SMS, install packages,
// ...) it may use and when it last used or was refused them.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { parseAppops, type AppopsPackage } from "../../formats/dumpsys/appops.ts";
import { androidSet } from "../../rules/index.ts";
import { dumpsysReads, dumpsysService, knownStores, packageIndex } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface AppopsRecord extends AppopsPackage {
  installer?: string;
  system?: boolean;
  file: string;
}

export const INSTALL_PACKAGES_RULE = codeRule("android-sideloaded-app-can-install");
export const PRIVILEGED_UID_RULE = codeRule("android-root-shell-sensitive-op");

export default defineModule<AppopsRecord>({
  name: "dumpsys_appops",
  title: "App operations (appops)",
  platform: "android",
  description:
    "Runtime operations each app may use and when it last did (dumpsys appops): packages are checked against indicators; sideloaded apps allowed to install apps, and sensitive operations used by root or the shell, are flagged.",
  reads: dumpsysReads("appops", "package"),
  async *records(ctx) {
    const idx = await packageIndex(ctx);
    for (const { file, lines } of await dumpsysService(ctx, "appops")) {
      for (const p of parseAppops(lines)) {
        const facts = idx?.get(p.package_name);
        yield { ...p, installer: facts?.installer, system: facts?.system, file };
      }
    }
  },
  events(r) {
    const out = [];
    for (const p of r.permissions) {
      for (const e of p.entries) {
        if (e.timestamp) out.push({ timestamp: e.timestamp, event: e.access === "Access" ? "appop_access" : "appop_reject", description: `${r.package_name} ${e.access === "Access" ? "used" : "was refused"} ${p.name} (${e.type}, device clock)` });
      }
    }
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.appops.known", { value: m.matched }), artifact: r.file });
    const install = r.permissions.find((p) => p.name === "REQUEST_INSTALL_PACKAGES" && p.mode === "allow");
    if (install && r.system === false && !(r.installer && knownStores().has(r.installer))) {
      out.push(
        heuristic({
          rule: INSTALL_PACKAGES_RULE.id,
          ruleDescription: INSTALL_PACKAGES_RULE.description,
          grade: "weak",
          title: msg("det.appops.can_install", { value: r.package_name }),
          why: msg("det.appops.can_install.why"),
          matched: `${r.package_name} REQUEST_INSTALL_PACKAGES`,
          artifact: r.file,
        }),
      );
    }
    if (r.uid === "0" || r.uid === "2000") {
      for (const p of r.permissions) {
        const used = p.entries.filter((e) => e.access === "Access");
        if (!androidSet("appops_sensitive_ops").has(p.name) || used.length === 0) continue;
        out.push(
          heuristic({
            rule: PRIVILEGED_UID_RULE.id,
            ruleDescription: PRIVILEGED_UID_RULE.description,
            grade: "weak",
            title: msg(r.uid === "0" ? "det.appops.root_used" : "det.appops.shell_used", { op: p.name, app: r.package_name }),
            why: msg("det.appops.privileged.why"),
            matched: `uid ${r.uid} ${p.name}`,
            artifact: r.file,
            timestamp: used[0].timestamp,
          }),
        );
      }
    }
    return out;
  },
});
