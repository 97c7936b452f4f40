// `vigil iocs list|update|import`: which indicator sets Vigil uses, and getting newer ones.
import type { Command } from "commander";
import type { IndicatorKind, IocSetInfo } from "../core/model.ts";
import { defaultIndicatorPaths, listCachedSnapshots } from "../indicators/cache.ts";
import { formatProblem, loadIndicators } from "../indicators/load.ts";
import { DEFAULT_INDEX_URL } from "../indicators/mvt-index.ts";
import { INDICATOR_KINDS } from "../indicators/types.ts";
import { importIndicators, updateIndicators } from "../indicators/update.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";
import { describeError } from "../core/errors.ts";
import { action } from "./check-common.ts";
import { runRetroHunt } from "./retro-hunt.ts";

const collect = (v: string, prev: string[] = []) => [...prev, v];

function countsLine(counts: Partial<Record<IndicatorKind, number>>): string {
  return INDICATOR_KINDS.filter((k) => counts[k])
    .map((k) => `${counts[k]} ${k.replace(/_/g, " ")}`)
    .join(", ");
}

function addCounts(into: Partial<Record<IndicatorKind, number>>, from: Partial<Record<IndicatorKind, number>>): void {
  for (const k of INDICATOR_KINDS) if (from[k]) into[k] = (into[k] ?? 0) + from[k]!;
}

export function register(program: Command): void {
  const iocs = program.command("iocs").description("list, update or import the indicator sets (IOCs) Vigil checks against");

  iocs
    .command("list")
    .description("show the indicator sets in use, their counts, provenance and any problems")
    .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest snapshot", collect)
    .option("--json", "print everything as JSON")
    .action(
      action(async (opts: { iocs?: string[]; json?: boolean }) => {
        const given = opts.iocs?.length ? opts.iocs : undefined;
        const def = given ? undefined : defaultIndicatorPaths();
        const paths = given ?? def!.paths;
        const t0 = performance.now();
        const r = loadIndicators(paths);
        const ms = performance.now() - t0;
        const totals: Partial<Record<IndicatorKind, number>> = {};
        for (const k of INDICATOR_KINDS) if (r.matcher.count(k)) totals[k] = r.matcher.count(k);
        if (opts.json) {
          const out = {
            snapshot: def ? { kind: def.kind, dir: def.dir, description: def.description, info: def.info } : undefined,
            paths,
            cachedSnapshots: listCachedSnapshots().map((s) => ({ dir: s.dir, created: s.info?.created, source: s.info?.source })),
            files: r.files,
            distinctIndicators: totals,
            sets: r.sets,
            problems: r.problems,
          };
          process.stdout.write(JSON.stringify(out, null, 2) + "\n");
          return 0;
        }
        const w = (s: string) => process.stdout.write(s + "\n");
        w(def ? `Indicators: ${def.description}` : `Indicators: ${paths.join(", ")}`);
        w(`${r.files} files, ${r.sets.length} sets, ${r.matcher.count()} distinct indicators (${countsLine(totals) || "none"}), loaded in ${ms.toFixed(0)} ms`);
        // One line per file: a file may hold many sets (Echap lists one per app).
        const byFile = new Map<string, IocSetInfo[]>();
        for (const s of r.sets) {
          const l = byFile.get(s.source);
          if (l) l.push(s);
          else byFile.set(s.source, [s]);
        }
        w("");
        for (const [, sets] of byFile) {
          const first = sets[0]!;
          const counts: Partial<Record<IndicatorKind, number>> = {};
          for (const s of sets) addCounts(counts, s.counts);
          const names = sets.length === 1 ? first.name : `${sets.length} sets: ${sets.slice(0, 6).map((s) => s.name).join(", ")}${sets.length > 6 ? ", ..." : ""}`;
          w(`${names}`);
          w(`    ${first.file}  (sha256 ${first.sha256.slice(0, 16)}...)`);
          w(`    ${countsLine(counts)}`);
          const prov = [first.indexName ? `index: ${first.indexName}` : "", first.license ? `licence: ${first.license}` : ""].filter(Boolean).join("; ");
          if (prov) w(`    ${prov}`);
          if (first.references?.length) w(`    references: ${first.references.join(" ")}`);
        }
        const errors = r.problems.filter((p) => p.level === "error");
        const skipped = r.problems.filter((p) => p.level === "skipped");
        if (errors.length) {
          w(`\nProblems (${errors.length}; the other indicators are loaded):`);
          for (const p of errors) w(`  ${formatProblem(p)}`);
        }
        if (skipped.length) {
          w(`\nNot read (${skipped.length}):`);
          for (const p of skipped) w(`  ${formatProblem(p)}`);
        }
        return 0;
      }),
    );

  iocs
    .command("update")
    .description("download the public indicator index (mvt-indicators) and every file it names into a new snapshot (uses the network)")
    .option("--index-url <url>", "index to download", DEFAULT_INDEX_URL)
    .option("--archive <location>", RETRO_HUNT_ARCHIVE_HELP)
    .option("--no-retro-hunt", "do not re-check the archived cases against the new indicators")
    .option("--json", "JSON Lines on stdout: the new snapshot, then the retro-hunt")
    .action(
      action(async (opts: { indexUrl: string } & RetroHuntOpts) => {
        process.stderr.write(`Using the network: downloading the indicator index ${opts.indexUrl} and the files it names.\n`);
        process.stderr.write("Nothing about your devices is sent; these are plain downloads of public files.\n");
        const r = await updateIndicators({ indexUrl: opts.indexUrl, log: (l) => process.stderr.write(l + "\n") });
        printSnapshot(r, opts.json);
        await parseForNextChecks();
        return retroHuntAfter(opts);
      }),
    );

  iocs
    .command("import")
    .description("copy a folder of indicator files into a new snapshot (for machines with no network)")
    .argument("<dir>", "folder holding STIX2 files, an mvt-indicators snapshot, an ioc.yaml or plain lists")
    .option("--archive <location>", RETRO_HUNT_ARCHIVE_HELP)
    .option("--no-retro-hunt", "do not re-check the archived cases against the new indicators")
    .option("--json", "JSON Lines on stdout: the new snapshot, then the retro-hunt")
    .action(
      action(async (dir: string, opts: RetroHuntOpts) => {
        const r = importIndicators(dir);
        printSnapshot(r, opts.json);
        await parseForNextChecks();
        return retroHuntAfter(opts);
      }),
    );
}

/** The new snapshot: a line of text, or (--json) one JSON line. Warnings go to stderr. */
function printSnapshot(r: { dir: string; files: number; indicators: number; warnings: string[] }, json?: boolean): void {
  for (const wline of r.warnings.slice(0, 20)) process.stderr.write(`warning: ${wline}\n`);
  if (r.warnings.length > 20) process.stderr.write(`warning: ... ${r.warnings.length - 20} more\n`);
  process.stdout.write(json ? JSON.stringify({ snapshot: r.dir, files: r.files, indicators: r.indicators, warnings: r.warnings.length }) + "\n" : `New indicator snapshot: ${r.dir} (${r.files} files, ${r.indicators} indicators)\n`);
}

export const RETRO_HUNT_ARCHIVE_HELP = "case archive to re-hunt with the new indicators (default: $VIGIL_ARCHIVE, else cases.sqlite in Vigil's home folder)";
export interface RetroHuntOpts {
  archive?: string;
  retroHunt?: boolean;
  /** JSON Lines: the retro-hunt's outcome as one JSON line after the command's own. */
  json?: boolean;
}

/** After new indicators: every archived case re-checked (exit 10 when some case has new matches). */
export function retroHuntAfter(opts: RetroHuntOpts): Promise<number> {
  return opts.retroHunt === false ? Promise.resolve(0) : runRetroHunt({ archive: opts.archive, quietWhenNoArchive: true, json: opts.json });
}

/**
 * Parses the new snapshot once, as the next check would, so that its parsed indicators are in
 * the cache (see parse-cache.ts) and the first check after an update starts as fast as later
 * ones. A failure here does not undo the snapshot: the next check then parses the files itself.
 */
async function parseForNextChecks(): Promise<void> {
  try {
    await loadIndicatorsForRun();
  } catch (e) {
    process.stderr.write(`note: the new indicators could not be parsed ahead of the next check (${describeError(e)}); it will parse them itself\n`);
  }
}
