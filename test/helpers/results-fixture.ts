// Builds a real results folder in code: a tiny module over an in-memory acquisition, run through
// the pipeline and the results writer, with one planted indicator hit.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryView } from "../../src/acquisitions/memory.ts";
import { defineModule } from "../../src/modules/contract.ts";
import { fromMatches } from "../../src/core/detection.ts";
import { msg } from "../../src/core/i18n/index.ts";
import type { RunInfo } from "../../src/core/model.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { writeResults } from "../../src/report/results.ts";
import { runModules } from "../../src/pipeline/run-modules.ts";

export const PLANTED_DOMAIN = "planted-evil.example";

export const visitsModule = defineModule<{ url: string; at: string }>({
  name: "test_visits",
  title: "Test browsing history",
  platform: "ios",
  description: "Lines of 'timestamp url' from visits.txt.",
  reads: { backup: [{ domain: "HomeDomain", path: "visits.txt" }] },
  async *records(ctx) {
    for (const f of ctx.files) {
      for (const line of (await ctx.view.readFile(f)).toString("utf8").split("\n")) {
        const [at, url] = line.split(" ");
        if (url) yield { at, url };
      }
    }
  },
  events: (r) => [{ timestamp: r.at, event: "visit", description: r.url }],
  check: (r, ctx) => fromMatches(ctx.iocs.url(r.url), { grade: "medium", title: (m) => msg("det.web.seen", { set: m.indicator.set.name, type: msg("ind.type.domain"), what: msg("det.what.visited_safari"), value: m.matched }), timestamp: r.at }),
});

export const missingModule = defineModule<never>({
  name: "test_missing",
  title: "Something not in this backup",
  platform: "ios",
  description: "Reads a file the fixture does not have.",
  reads: { backup: [{ domain: "HomeDomain", path: "nothing.db" }] },
  *records() {},
});

export const brokenModule = defineModule<never>({
  name: "test_broken",
  title: "A corrupt database",
  platform: "ios",
  description: "Opens a file that is not SQLite.",
  reads: { backup: [{ domain: "HomeDomain", path: "broken.db" }] },
  async *records(ctx) {
    const h = await ctx.view.openSqlite(ctx.files[0]);
    h.close();
  },
});

/** A URL with a long path and query and no space: it must wrap in the report, never widen it. */
export const LONG_URL = `https://x.${PLANTED_DOMAIN}/${"exploit-chain-stage-".repeat(12)}final?${"session=0123456789abcdef&".repeat(8)}end=1`;
/** Dates that are placeholders (a zero Unix time, a zero Mac time), not real times. */
export const PLACEHOLDER_TIMES = ["1970-01-01T00:00:00.000Z", "2001-01-01T00:00:00.000Z"];

/**
 * `long`: also a visit to LONG_URL, a second stretch of days after 60 days without events, and
 * visits at placeholder dates: the layout and timeline cases of the report.
 */
export async function buildResultsFolder(opts: { planted?: boolean; days?: number; long?: boolean } = {}): Promise<string> {
  const lines: string[] = [];
  const days = opts.days ?? 30;
  for (let d = 0; d < days; d++) {
    for (let k = 0; k < 5; k++) lines.push(`${new Date(Date.UTC(2026, 0, 1 + d, 10, k * 7)).toISOString()} https://news-${k}.example.org/a`);
  }
  if (opts.planted !== false) lines.push(`2026-01-15T10:03:00.000Z https://x.${PLANTED_DOMAIN}/exploit?id=1`);
  if (opts.long) {
    lines.push(`2026-01-16T11:00:00.000Z ${LONG_URL}`);
    for (let d = 0; d < 5; d++) lines.push(`${new Date(Date.UTC(2026, 0, days + 60 + d, 9)).toISOString()} https://later.example.org/${d}`);
    for (const t of PLACEHOLDER_TIMES) lines.push(`${t} https://placeholder.example.org/a`);
  }
  const view = memoryView({
    kind: "ios_backup",
    platform: "ios",
    files: [
      { domain: "HomeDomain", relativePath: "visits.txt", data: lines.join("\n") },
      { domain: "HomeDomain", relativePath: "broken.db", data: "not a database at all, and long enough to have a header........................................................................" },
    ],
    device: { model: "iPhone14,2", osVersion: "17.1", build: "21B74" },
  });
  const iocs = matcherFromValues({ domain: [PLANTED_DOMAIN] }, "Planted test set");
  const out = mkdtempSync(join(tmpdir(), "vigil-results-"));
  const run = await runModules({ view, modules: [visitsModule, missingModule, brokenModule], iocs, outputDir: out });
  const info: RunInfo = {
    tool: "vigil",
    version: "test",
    command: ["check-backup", "fixture"],
    started: new Date().toISOString(),
    finished: new Date().toISOString(),
    acquisition: { kind: view.kind, path: "fixture", encrypted: false },
    device: view.device,
    inputs: view.inputsRead(),
    iocs: { sets: iocs.sets, errors: [] },
  };
  await writeResults(out, run, info);
  run.timeline.close();
  return out;
}
