// Android system properties (getprop): androidqf's getprop.txt, or the "SYSTEM PROPERTIES"
// part of a bugreport's dumpstate. Property names are checked against android_property
// indicators. An old security patch level is exposure, not a detection: the pipeline reads it
// from the device information (rules/device-exposure.ts).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { VigilError } from "../../core/errors.ts";
import { parseGetprop, type Property } from "../../formats/getprop.ts";
import { toLines } from "../../formats/lines.ts";
import { DUMPSYS_READS, dumpsysOf, mainDumpFiles, readText } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface GetpropRecord extends Property {
  file: string;
}

export default defineModule<GetpropRecord>({
  name: "getprop",
  title: "System properties",
  platform: "android",
  description:
    "Android system properties (getprop): names are checked against property indicators. The security patch level is shown as exposure (what the phone was open to), not as a detection.",
  reads: { androidqf: ["getprop.txt"], bugreport: DUMPSYS_READS.bugreport },
  async *records(ctx) {
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
      for (const p of properties) yield { ...p, file: f.path };
    }
    if (found === 0) throw new VigilError('no "SYSTEM PROPERTIES" section in the bugreport', { file: ctx.files.map((f) => f.path).join(", ") });
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.androidProperty(r.name), {
      grade: "strong",
      title: (m) => msg("det.getprop.property", { value: m.matched }),
      artifact: r.file,
    });
  },
});
