// `vigil update [--export DIR | --import DIR]`: refresh every data set a check uses.
import type { Command } from "commander";
import { VigilError } from "../core/errors.ts";
import { EXIT } from "../core/model.ts";
import { datasetsForCheck, STALE_AFTER_DAYS } from "../indicators/datasets.ts";
import { DEFAULT_INDEX_URL } from "../indicators/mvt-index.ts";
import { importData, updateData, type DataUpdateResult } from "../pipeline/data-update.ts";
import { action } from "./check-common.ts";
import { RETRO_HUNT_ARCHIVE_HELP, retroHuntAfter, type RetroHuntOpts } from "./iocs.ts";

function printResult(r: DataUpdateResult, json?: boolean): void {
  if (json) {
    for (const x of [...r.indicators.warnings, ...r.datasets.warnings].slice(0, 20)) process.stderr.write(`warning: ${x}\n`);
    for (const x of r.failed) process.stderr.write(`vigil: error: ${x}\n`);
    process.stdout.write(JSON.stringify(r) + "\n");
    return;
  }
  const w = (s: string) => process.stdout.write(s + "\n");
  w(`Indicators: new snapshot ${r.indicators.dir} (${r.indicators.files} files${r.indicators.indicators ? `, ${r.indicators.indicators} indicators` : ""})`);
  for (const s of r.datasets.sets) {
    const what = s.name === "exposure" ? `exposure table, ${r.datasets.exposureEntries} entries` : `iOS release table, ${r.datasets.iosReleasesAdded.length ? `added ${r.datasets.iosReleasesAdded.join(", ")}` : "no new release"}`;
    w(`${what}: ${s.source}${s.version ? ` (version ${s.version})` : ""}, fetched ${s.fetched}, sha256 ${s.sha256}`);
  }
  if (r.datasets.dir) w(`Data sets written to ${r.datasets.dir}`);
  for (const x of [...r.indicators.warnings, ...r.datasets.warnings].slice(0, 20)) process.stderr.write(`warning: ${x}\n`);
  for (const x of r.failed) process.stderr.write(`vigil: error: ${x}\n`);
}

/** Exit code: an error when any data set could not be updated (the others were). */
const exitFor = (r: DataUpdateResult): number => (r.failed.length ? EXIT.error : 0);

export function register(program: Command): void {
  program
    .command("update")
    .description("refresh the indicators, the exposure table (CISA KEV) and the iOS release table from their public sources (uses the network), or from a folder made by --export")
    .option("--export <dir>", "also write everything fetched to this new folder, for machines with no network")
    .option("--import <dir>", "install a folder made by 'vigil update --export' (no network)")
    .option("--index-url <url>", "indicator index to download", DEFAULT_INDEX_URL)
    .option("--list", "only show the data sets in use, with their source, date and SHA-256")
    .option("--archive <location>", RETRO_HUNT_ARCHIVE_HELP)
    .option("--no-retro-hunt", "do not re-check the archived cases against the new indicators")
    .option("--json", "JSON on stdout: the data sets (--list), or JSON Lines: the update, then the retro-hunt")
    .action(
      action(async (opts: { export?: string; import?: string; indexUrl: string; list?: boolean } & RetroHuntOpts) => {
        if (opts.list) {
          // Each with its age today, and whether a check would warn that it is out of date.
          const sets = datasetsForCheck(new Date());
          if (opts.json) {
            process.stdout.write(JSON.stringify(sets, null, 2) + "\n");
            return 0;
          }
          for (const d of sets) {
            const age = d.age_days === undefined ? "" : ` (${d.age_days} day${d.age_days === 1 ? "" : "s"} old${d.stale ? `, more than ${STALE_AFTER_DAYS}: run 'vigil update'` : ""})`;
            process.stdout.write(`${d.name}: ${d.kind}, ${d.date ?? "date unknown"}${age}, ${d.source}${d.sha256 ? `, sha256 ${d.sha256}` : ""}\n    ${d.path}\n`);
          }
          return 0;
        }
        if (opts.export && opts.import) throw new VigilError("--export and --import cannot be used together", { code: "usage" });
        if (opts.import) {
          const r = importData(opts.import);
          printResult(r, opts.json);
          return exitFor(r) || (await retroHuntAfter(opts));
        }
        process.stderr.write("Using the network: downloading the indicator index and its files, CISA's KEV catalog and Apple's software lookup list.\n");
        process.stderr.write("Nothing about your devices is sent; these are plain downloads of public files.\n");
        const r = await updateData({ indexUrl: opts.indexUrl, exportTo: opts.export, log: (l) => process.stderr.write(l + "\n") });
        printResult(r, opts.json);
        if (r.exported && !opts.json) process.stdout.write(`Exported to ${r.exported}: copy it to the offline machine and run "vigil update --import" on it.\n`);
        return exitFor(r) || (await retroHuntAfter(opts));
      }),
    );
}
