// A case folder received from someone else or damaged: its case.json read and the case built and
// reported as `vigil case report` does (loadCase, buildCase: the merged timeline, correlations,
// summary, provenance and report.html; the summary as printed; the case and its correlations put
// into a case archive). The acquisitions' results folders are made in code once (Vigil's, with a
// planted indicator hit, and MVT's); each execution writes a damaged case.json beside them.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteArchive } from "../../src/case-archive/sqlite.ts";
import { archiveCaseRow, archiveCorrelations } from "../../src/cases/archive-case.ts";
import { buildCase } from "../../src/cases/build.ts";
import { loadCase, type CaseInfo } from "../../src/cases/case-folder.ts";
import { formatCase } from "../../src/cases/format.ts";
import { shippedCorrelations } from "../../src/rules/correlation.ts";
import { mvtResultsFolder } from "../../test/helpers/mvt-results.ts";
import { buildResultsFolder } from "../../test/helpers/results-fixture.ts";
import { flipBit } from "../engine/bytes.ts";
import { JSON_MUTATORS } from "../engine/json.ts";
import { cutLine, replaceToken } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { scratchDir } from "./scratch.ts";

const acq = (id: string, kind: string, exit_code: number) => ({ id, kind, input: `/evidence/${id}`, added: "2026-02-01T10:00:00.000Z", results: `acquisitions/${id}`, exit_code });
const CASE: CaseInfo = {
  vigil_case: 1,
  id: "6f1c2b1e-6f57-4a43-9d0e-3c1f0b7d2a10",
  name: "Fuzzed case",
  created: "2026-02-01T09:00:00.000Z",
  acquisitions: [acq("01-ios_backup", "ios_backup", 10), acq("02-mvt_results", "mvt_results", 0)],
};

let built: Promise<string> | undefined;
/** The case folder with its acquisitions' results (made once per process). */
function caseFolder(): Promise<string> {
  return (built ??= (async () => {
    const dir = join(scratchDir(), "case");
    mkdirSync(join(dir, "acquisitions"), { recursive: true });
    const vigil = await buildResultsFolder({ planted: true, days: 2 });
    const mvt = mvtResultsFolder(
      { datausage: [{ isodate: "2019-08-27 15:08:09.253000", proc_name: "com.apple.Fitness", bundle_id: "com.apple.Fitness" }] },
      [{ level: "HIGH", module: "datausage", message: "Found a known suspicious process name", event_time: "2019-08-27 15:08:09.253000", event: { proc_name: "bh" }, matched_indicator: { value: "bh", type: "process", name: "Pegasus", stix2_file_name: "pegasus.stix2" } }],
    );
    for (const [from, id] of [[vigil, "01-ios_backup"], [mvt, "02-mvt_results"]]) {
      cpSync(from, join(dir, "acquisitions", id), { recursive: true });
      rmSync(from, { recursive: true, force: true });
    }
    return dir;
  })());
}

let rules: ReturnType<typeof shippedCorrelations> | undefined;
const json = (v: unknown, indent = true) => Buffer.from(JSON.stringify(v, null, indent ? 2 : undefined) + "\n");

export const caseTargets: Target[] = [
  {
    name: "case",
    what: "a case folder's case.json (src/cases/case-folder.ts loadCase) and the case built from it as vigil case report does: buildCase (src/cases/build.ts: merged timeline, correlations, summary, provenance, report.html), formatCase, the case archive",
    seeds: async () => {
      await caseFolder();
      return [
        json(CASE),
        json({ ...CASE, acquisitions: CASE.acquisitions.slice(0, 1) }, false),
        json({ ...CASE, acquisitions: [] }),
        // As a newer Vigil might write it: fields this one does not know.
        json({ ...CASE, note: "from a colleague", acquisitions: CASE.acquisitions.map((a) => ({ ...a, sha256: "0".repeat(64), tags: ["x"] })) }),
      ];
    },
    // Mostly JSON mutations: a case.json that is no longer JSON stops at its parse.
    mutators: [...JSON_MUTATORS, ...JSON_MUTATORS, ...JSON_MUTATORS, replaceToken, cutLine, flipBit],
    run: async (input) => {
      const dir = await caseFolder();
      writeFileSync(join(dir, "case.json"), input);
      const open = loadCase(dir);
      const built = await buildCase(loadCase(open.dir), { lang: "en", rules: (rules ??= shippedCorrelations()) });
      const archive = new SqliteArchive(":memory:");
      try {
        await archiveCaseRow(archive, open);
        await archiveCorrelations(archive, open, built.correlated);
      } finally {
        await archive.close();
      }
      return formatCase(built, "en");
    },
  },
];
