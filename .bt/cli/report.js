import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { VigilError } from "../core/errors.js";
import { writeHtmlReport } from "../report/html/index.js";
import { action } from "./check-common.js";
function register(program) {
  program.command("report").description("rebuild report.html from a results folder (Vigil's, or MVT's JSON files)").argument("<results-dir>", "results folder").option("--lang <code>", "report language (en, fr); default: from the system locale").option("--out <file>", "where to write the report (default: RESULTS_DIR/report.html; required for an MVT folder you do not want to write into)").action(
    action(async (dir, opts) => {
      const resultsDir = resolve(dir);
      if (!existsSync(resultsDir)) throw new VigilError("no such folder", { file: dir, code: "usage" });
      const out = await writeHtmlReport(resultsDir, { lang: opts.lang, out: opts.out ? resolve(opts.out) : join(resultsDir, "report.html") });
      process.stdout.write(`Report: ${out}
`);
    })
  );
}
export {
  register
};
