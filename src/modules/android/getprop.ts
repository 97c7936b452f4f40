// Android system properties (getprop): androidqf's getprop.txt, or the "SYSTEM PROPERTIES"
// part of a bugreport's dumpstate. Property names are checked against android_property
// indicators; the security patch level is compared with the newest bulletin Vigil knows.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import { VigilError } from "../../core/errors.ts";
import { parseGetprop, type Property } from "../../formats/getprop.ts";
import { toLines } from "../../formats/dumpsys.ts";
import { DUMPSYS_READS, dumpsysOf, mainDumpFiles, readText, securityBulletins } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface GetpropRecord extends Property {
  file: string;
}

export const OUTDATED_PATCH_RULE = codeRule("android-outdated-security-patch");

/** Whole months between two YYYY-MM-DD dates (b after a). */
export function monthsBetween(a: string, b: string): number | undefined {
  const ma = /^(\d{4})-(\d\d)/.exec(a);
  const mb = /^(\d{4})-(\d\d)/.exec(b);
  if (!ma || !mb) return undefined;
  return (Number(mb[1]) - Number(ma[1])) * 12 + (Number(mb[2]) - Number(ma[2]));
}

export default defineModule<GetpropRecord>({
  name: "getprop",
  title: "System properties",
  platform: "android",
  description:
    "Android system properties (getprop): names are checked against property indicators, and an outdated security patch level is flagged.",
  reads: { androidqf: ["getprop.txt"], bugreport: DUMPSYS_READS.bugreport },
  async *records(ctx) {
    let patch: { value: string; file: string } | undefined;
    let found = 0;
    for (const f of await mainDumpFiles(ctx)) {
      let lines: string[];
      if (ctx.view.specKey === "bugreport") {
        const ex = await dumpsysOf(ctx, f);
        if (!ex.getprop) {
          ctx.warn(`${f.path}: no "SYSTEM PROPERTIES" section`);
          continue;
        }
        lines = ex.getprop;
        found++;
      } else {
        lines = toLines(await readText(ctx, f));
        found++;
      }
      const { properties, skipped } = parseGetprop(lines, f.path);
      if (skipped) ctx.warn(`${f.path}: ${skipped} line(s) not in "[name]: [value]" form were skipped`);
      for (const p of properties) {
        if (p.name === "ro.build.version.security_patch") patch = { value: p.value, file: f.path };
        yield { ...p, file: f.path };
      }
    }
    if (found === 0) throw new VigilError('no "SYSTEM PROPERTIES" section in the bugreport', { file: ctx.files.map((f) => f.path).join(", ") });
    if (patch) {
      const { latest_bulletin, outdated_after_months } = securityBulletins();
      const months = monthsBetween(patch.value, latest_bulletin);
      if (months === undefined) throw new VigilError(`unreadable security patch level "${patch.value}"`, { file: patch.file });
      if (months > outdated_after_months) {
        ctx.detect(
          heuristic({
            rule: OUTDATED_PATCH_RULE.id,
            ruleDescription: OUTDATED_PATCH_RULE.description,
            grade: "weak",
            title: msg("det.getprop.outdated_patch", { value: patch.value, months, bulletin: latest_bulletin }),
            why: msg("det.getprop.outdated_patch.why"),
            matched: patch.value,
            artifact: patch.file,
          }),
        );
      }
    }
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.androidProperty(r.name), {
      grade: "strong",
      title: (m) => msg("det.getprop.property", { value: m.matched }),
      artifact: r.file,
    });
  },
});
