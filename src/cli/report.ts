// `vigil report RESULTS_DIR`: rebuilds report.html from a results folder (Vigil's or MVT's).
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { VigilError } from "../core/errors.ts";
import { writeHtmlReport } from "../report/html/index.ts";
import { action } from "./check-common.ts";

export function register(program: Command): void {
  program
    .command("report")
    .description("rebuild report.html from a results folder (Vigil's, or MVT's JSON files)")
    .argument("<results-dir>", "results folder")
    .option("--lang <code>", "report language (en, fr); default: from the system locale")
    .option("--out <file>", "where to write the report (default: RESULTS_DIR/report.html; required for an MVT folder you do not want to write into)")
    .option("--json", "print {report} as JSON")
    .action(
      action(async (dir: string, opts: { lang?: string; out?: string; json?: boolean }) => {
        const resultsDir = resolve(dir);
        if (!existsSync(resultsDir)) throw new VigilError("no such folder", { file: dir, code: "usage" });
        const out = await writeHtmlReport(resultsDir, { lang: opts.lang, out: opts.out ? resolve(opts.out) : join(resultsDir, "report.html") });
        process.stdout.write(opts.json ? JSON.stringify({ report: out }) + "\n" : `Report: ${out}\n`);
      }),
    );
}
