// report.html for a results folder (Vigil's or MVT's).
import { join } from "node:path";
import { writeOutputFile } from "../../core/output-file.ts";
import { VERSION } from "../../core/version.ts";
import { hasMessage, pickLanguage } from "../../core/i18n/index.ts";
import { loadResults } from "../load-results.ts";
import { gatherReportData, type ReportData } from "./data.ts";
import { renderReport } from "./render.ts";

/** Builds report.html from the results folder and returns its path. */
export async function writeHtmlReport(resultsDir: string, opts: { lang?: string; out?: string; data?: ReportData } = {}): Promise<string> {
  const results = loadResults(resultsDir);
  // info.json's language is the check's choice, which this Vigil may have no catalog for.
  const lang = pickLanguage(opts.lang ?? (results.info?.lang && hasMessage("lang.name", results.info.lang) ? results.info.lang : undefined));
  // A check passes the data it gathered while writing the timeline; `vigil report` reads it back.
  const data = opts.data ?? (await gatherReportData(results));
  const out = opts.out ?? join(resultsDir, "report.html");
  writeOutputFile(out, renderReport(results, data, lang, VERSION));
  return out;
}
