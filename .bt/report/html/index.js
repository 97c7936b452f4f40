import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../../version.js";
import { pickLanguage } from "../i18n/index.js";
import { loadResults } from "../load-results.js";
import { gatherReportData } from "./data.js";
import { renderReport } from "./render.js";
async function writeHtmlReport(resultsDir, opts = {}) {
  const results = loadResults(resultsDir);
  const lang = pickLanguage(opts.lang ?? results.info?.lang);
  const data = opts.data ?? await gatherReportData(results);
  const out = opts.out ?? join(resultsDir, "report.html");
  writeFileSync(out, renderReport(results, data, lang, VERSION));
  return out;
}
export {
  writeHtmlReport
};
