import { defineModule, fromMatches } from "../../core/module.js";
import { DUMPSYS_READS, dumpsysService, packagesOf } from "./lib/common.js";
import { packageHeuristics } from "./lib/package-checks.js";
const heuristicsHere = /* @__PURE__ */ new WeakSet();
var dumpsys_packages_default = defineModule({
  name: "dumpsys_packages",
  title: "Installed apps (dumpsys package)",
  platform: "android",
  description: "Packages listed by dumpsys package: app ids and certificate digests are checked against indicators; rooting tools and apps not from a known store are flagged when androidqf's packages.json is not there to do it.",
  reads: DUMPSYS_READS,
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
    const out = fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app installed: ${m.matched}`, artifact: r.file });
    for (const h of r.cert_sha256) out.push(...fromMatches(ctx.iocs.appCertHash(h), { grade: "strong", title: () => `App signed with a known malicious certificate: ${r.package_name}`, artifact: r.file }));
    if (heuristicsHere.has(ctx)) out.push(...packageHeuristics(r, r.file, void 0));
    return out;
  }
});
export {
  dumpsys_packages_default as default
};
