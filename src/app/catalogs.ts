// The app's words in each language (src/app/i18n/*.json), with the report's own words for the
// verdicts, what a check needs and the advice, so that the app and the report say the same thing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogs as reportCatalogs } from "../core/i18n/index.ts";
import { srcAsset } from "../core/paths.ts";

export function appCatalogs(): Record<string, Record<string, string>> {
  const dir = srcAsset("app", "i18n");
  const report = reportCatalogs();
  const out: Record<string, Record<string, string>> = {};
  for (const f of readdirSync(dir).filter((n) => /^[a-z]{2}\.json$/.test(n))) {
    const lang = f.slice(0, 2);
    const shared = Object.fromEntries(Object.entries(report[lang] ?? report.en).filter(([k]) => /^(verdict|need|advice)\./.test(k)));
    out[lang] = { ...shared, ...(JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, string>) };
  }
  return out;
}
