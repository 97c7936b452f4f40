import { defineModule, fromMatches } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { installerOf, parseJsonFile, readText } from "./lib/common.js";
import { packageHeuristics } from "./lib/package-checks.js";
function s(v) {
  return typeof v === "string" && v ? v : void 0;
}
function toPackageRecord(p, file) {
  const files = Array.isArray(p.files) ? p.files : [];
  return {
    package_name: String(p.name),
    installer: installerOf(p.installer),
    uid: typeof p.uid === "number" ? p.uid : void 0,
    disabled: typeof p.disabled === "boolean" ? p.disabled : void 0,
    system: p.system === true,
    third_party: typeof p.third_party === "boolean" ? p.third_party : void 0,
    files: files.map((f) => {
      const c = f?.certificate ?? void 0;
      return {
        path: String(f?.path ?? ""),
        md5: s(f?.md5),
        sha1: s(f?.sha1),
        sha256: s(f?.sha256),
        certificate: c ? { md5: s(c.Md5), sha1: s(c.Sha1), sha256: s(c.Sha256), issuer: s(c.Issuer), subject: s(c.Subject), valid_from: s(c.ValidFrom), valid_to: s(c.ValidTo) } : void 0,
        verified_certificate: typeof f?.verified_certificate === "boolean" ? f.verified_certificate : void 0,
        trusted_certificate: typeof f?.trusted_certificate === "boolean" ? f.trusted_certificate : void 0
      };
    }),
    file
  };
}
var packages_default = defineModule({
  name: "packages",
  title: "Installed apps",
  platform: "android",
  description: "Installed packages from androidqf's packages.json: app ids, APK hashes (SHA-256, SHA-1, MD5) and signing certificates are checked against indicators; rooting tools and apps not installed from a known store are flagged.",
  reads: { androidqf: ["packages.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const list = parseJsonFile(await readText(ctx, f), f.path, "a list of packages");
      if (!Array.isArray(list)) throw new VigilError("not a list of packages", { file: f.path });
      let skipped = 0;
      for (const p of list) {
        if (!p || typeof p !== "object" || typeof p.name !== "string") {
          skipped++;
          continue;
        }
        yield toPackageRecord(p, f.path);
      }
      if (skipped) ctx.warn(`${f.path}: ${skipped} entr${skipped === 1 ? "y" : "ies"} without a package name skipped`);
    }
  },
  check(r, ctx) {
    const out = fromMatches(ctx.iocs.appId(r.package_name), {
      grade: "strong",
      title: (m) => `Known malicious app installed: ${m.matched}`,
      artifact: r.file
    });
    const seen = /* @__PURE__ */ new Set();
    for (const f of r.files) {
      for (const h of [f.sha256, f.sha1, f.md5]) {
        if (!h || seen.has(h)) continue;
        seen.add(h);
        out.push(...fromMatches(ctx.iocs.hash(h), { grade: "strong", title: () => `Known malicious APK installed: ${r.package_name} (${f.path})`, artifact: r.file }));
      }
      for (const h of [f.certificate?.sha256, f.certificate?.sha1, f.certificate?.md5]) {
        if (!h || seen.has(h)) continue;
        seen.add(h);
        out.push(...fromMatches(ctx.iocs.appCertHash(h), { grade: "strong", title: () => `App signed with a known malicious certificate: ${r.package_name}`, artifact: r.file }));
      }
    }
    out.push(...packageHeuristics(r, r.file, void 0));
    return out;
  }
});
export {
  packages_default as default,
  toPackageRecord
};
