// The "dumpsys package" section (androidqf dumpsys.txt, bugreport dumpstate): every package with
// its install source, install and update times, and permissions.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { DumpsysPackage } from "../../formats/dumpsys/package.ts";
import { dumpsysReads, dumpsysService, packagesOf } from "./lib/common.ts";
import { packageHeuristics } from "./lib/package-checks.ts";
import { msg } from "../../core/i18n/index.ts";
import { installedAppFlawExposure } from "../../rules/exploited-flaws.ts";

export interface DumpsysPackageRecord extends DumpsysPackage {
  file: string;
}

// androidqf's packages.json carries the same facts with better install-source data; the
// per-package heuristics run there, and here only when it is missing.
const heuristicsHere = new WeakSet<object>();

export default defineModule<DumpsysPackageRecord>({
  name: "dumpsys_packages",
  title: "Installed apps (dumpsys package)",
  platform: "android",
  description:
    "Packages listed by dumpsys package: app ids and certificate digests are checked against indicators; rooting tools, forensic extraction agents and apps not from a known store are flagged when androidqf's packages.json is not there to do it.",
  reads: dumpsysReads("package"),
  async *records(ctx) {
    const hasPackagesJson = ctx.view.specKey === "androidqf" && (await ctx.view.find({ androidqf: ["packages.json"] })).length > 0;
    if (!hasPackagesJson) heuristicsHere.add(ctx);
    for (const { file, lines } of await dumpsysService(ctx, "package")) {
      for (const p of packagesOf(lines)) yield { ...p, file };
    }
  },
  events(r) {
    const out = [];
    if (r.first_install_time) out.push({ timestamp: r.first_install_time, event: "package_installed", description: `App installed: ${r.package_name}${r.installer ? ` by ${r.installer}` : ""} (device clock)` });
    if (r.last_update_time && r.last_update_time !== r.first_install_time) out.push({ timestamp: r.last_update_time, event: "package_updated", description: `App updated: ${r.package_name} (device clock)` });
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.packages.installed", { value: m.matched }), artifact: r.file });
    for (const h of r.cert_sha256) out.push(...fromMatches(ctx.iocs.appCertHash(h), { grade: "strong", title: () => msg("det.packages.certificate", { value: r.package_name }), artifact: r.file }));
    if (heuristicsHere.has(ctx)) out.push(...packageHeuristics(r, r.file, undefined));
    // WhatsApp's version: the flaws exploited in the wild it left the phone open to (exposure, not detections).
    for (const e of installedAppFlawExposure(r.package_name, r.version_name, ctx.view.device)) ctx.expose({ ...e, artifact: r.file });
    return out;
  },
});
