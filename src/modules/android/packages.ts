// androidqf's packages.json: every installed package with its APK files, their hashes and the
// signing certificate androidqf read from each APK.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { installerOf, parseJsonFile, readText } from "./lib/common.ts";
import { packageHeuristics } from "./lib/package-checks.ts";
import { msg } from "../../core/i18n/index.ts";

export interface PackageFile {
  path: string;
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** Vigil's lower-case fields, then androidqf's own (Md5, Sha256...) as MVT keeps them. */
  certificate?: { md5?: string; sha1?: string; sha256?: string; issuer?: string; subject?: string; valid_from?: string; valid_to?: string; [androidqf: string]: unknown };
  verified_certificate?: boolean;
  trusted_certificate?: boolean;
}
export interface PackageRecord {
  /** androidqf's and MVT's field; package_name is the same value under Vigil's name. */
  name: string;
  package_name: string;
  installer?: string;
  uid?: number;
  disabled?: boolean;
  system: boolean;
  third_party?: boolean;
  files: PackageFile[];
  file: string;
}

function s(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

export function toPackageRecord(p: Record<string, unknown>, file: string): PackageRecord {
  const files = Array.isArray(p.files) ? (p.files as Record<string, unknown>[]) : [];
  return {
    name: String(p.name),
    package_name: String(p.name),
    installer: installerOf(p.installer),
    uid: typeof p.uid === "number" ? p.uid : undefined,
    disabled: typeof p.disabled === "boolean" ? p.disabled : undefined,
    system: p.system === true,
    third_party: typeof p.third_party === "boolean" ? p.third_party : undefined,
    files: files.map((f) => {
      // Only an object is a certificate: spreading a string gave an object of one key per
      // character (hundreds of megabytes for a 2 MB value).
      const c = f?.certificate && typeof f.certificate === "object" && !Array.isArray(f.certificate) ? (f.certificate as Record<string, unknown>) : undefined;
      return {
        path: String(f?.path ?? ""),
        md5: s(f?.md5),
        sha1: s(f?.sha1),
        sha256: s(f?.sha256),
        certificate: c
          ? { md5: s(c.Md5), sha1: s(c.Sha1), sha256: s(c.Sha256), issuer: s(c.Issuer), subject: s(c.Subject), valid_from: s(c.ValidFrom), valid_to: s(c.ValidTo), ...c }
          : undefined,
        verified_certificate: typeof f?.verified_certificate === "boolean" ? f.verified_certificate : undefined,
        trusted_certificate: typeof f?.trusted_certificate === "boolean" ? f.trusted_certificate : undefined,
      };
    }),
    file,
  };
}

export default defineModule<PackageRecord>({
  name: "packages",
  title: "Installed apps",
  platform: "android",
  description:
    "Installed packages from androidqf's packages.json: app ids, APK hashes (SHA-256, SHA-1, MD5) and signing certificates are checked against indicators; rooting tools, forensic extraction agents and apps not installed from a known store are flagged.",
  reads: { androidqf: ["packages.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const list = parseJsonFile<unknown>(await readText(ctx, f), f.path, "a list of packages");
      if (!Array.isArray(list)) throw new VigilError("not a list of packages", { file: f.path });
      let skipped = 0;
      for (const p of list) {
        if (!p || typeof p !== "object" || typeof (p as Record<string, unknown>).name !== "string") {
          skipped++;
          continue;
        }
        yield toPackageRecord(p as Record<string, unknown>, f.path);
      }
      if (skipped) ctx.warn(`${f.path}: ${skipped} entr${skipped === 1 ? "y" : "ies"} without a package name skipped`);
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.appId(r.package_name), {
      grade: "strong",
      title: (m) => msg("det.packages.installed", { value: m.matched }),
      artifact: r.file,
    });
    const seen = new Set<string>();
    for (const f of r.files) {
      for (const h of [f.sha256, f.sha1, f.md5]) {
        if (!h || seen.has(h)) continue;
        seen.add(h);
        out.push(...fromMatches(ctx.iocs.hash(h), { grade: "strong", title: () => msg("det.packages.apk", { value: r.package_name, path: f.path }), artifact: r.file }));
      }
      for (const h of [f.certificate?.sha256, f.certificate?.sha1, f.certificate?.md5]) {
        if (!h || seen.has(h)) continue;
        seen.add(h);
        out.push(...fromMatches(ctx.iocs.appCertHash(h), { grade: "strong", title: () => msg("det.packages.certificate", { value: r.package_name }), artifact: r.file }));
      }
    }
    out.push(...packageHeuristics(r, r.file, undefined));
    return out;
  },
});
