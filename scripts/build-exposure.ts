// Rebuilds data/exposure/exploited.json from a copy of CISA's KEV catalog and
// data/exposure/curated.yaml. Usage:
//   node --import tsx scripts/build-exposure.ts [KEV_JSON] [--date YYYY-MM-DD]
// KEV_JSON defaults to the shared corpus copy (../shared/corpus/reference/cisa-kev/); the built
// table does not need that copy at run time.
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT, DATA_DIR } from "../src/core/paths.ts";
import { buildExposureTable } from "../src/rules/exposure/build.ts";

const args = process.argv.slice(2);
const dateAt = args.indexOf("--date");
const built = dateAt >= 0 ? args[dateAt + 1]! : new Date().toISOString().slice(0, 10);
const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--date");
const kevPath = positional[0] ?? join(REPO_ROOT, "..", "shared", "corpus", "reference", "cisa-kev", "known_exploited_vulnerabilities.json");
const curatedPath = join(DATA_DIR, "exposure", "curated.yaml");
const out = join(DATA_DIR, "exposure", "exploited.json");

const { table, warnings } = buildExposureTable({
  kev: { data: readFileSync(kevPath), source: "https://github.com/cisagov/kev-data (known_exploited_vulnerabilities.json)" },
  curated: { data: readFileSync(curatedPath), file: relative(REPO_ROOT, curatedPath) },
  built,
});
writeFileSync(out, JSON.stringify(table, null, 1) + "\n");
for (const w of warnings) console.error(`note: ${w}`);
const withFix = table.entries.filter((e) => e.fixed.length > 0).length;
console.error(`${relative(REPO_ROOT, out)}: ${table.entries.length} entries (${withFix} with a fixed version), KEV catalog ${table.kev?.catalogVersion}`);
