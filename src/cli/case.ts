// `vigil case init|add|report|status|list|archive|retro-hunt`: every acquisition of one person
// in one case folder, correlated, archived and re-hunted (the work is in src/cases/).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { detectAcquisition } from "../acquisitions/detect.ts";
import { archiveLocation, openArchive } from "../case-archive/open.ts";
import type { CaseArchive } from "../case-archive/store.ts";
import { addAcquisitions } from "../cases/add.ts";
import { archiveAcquisition, archiveCaseRow, archiveCorrelations } from "../cases/archive-case.ts";
import { buildCase } from "../cases/build.ts";
import { initCase, loadCase, withCaseLock } from "../cases/case-folder.ts";
import { formatCase, formatCaseList } from "../cases/format.ts";
import { msg, pickLanguage, translator } from "../core/i18n/index.ts";
import { EXIT } from "../core/model.ts";
import { readResultsFile, SUMMARY_FILE } from "../core/results-schema.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";
import { verdictText } from "../report/summary.ts";
import { checkAs, addSecretOptions, type AnyCheckOptions } from "./check.ts";
import { action } from "./check-common.ts";
import { runRetroHunt } from "./retro-hunt.ts";

const collect = (v: string, prev: string[] = []) => [...prev, v];
const ARCHIVE_HELP = "case archive: an SQLite file, or postgres://user:password@host/db for a team's server (default: $VIGIL_ARCHIVE, else cases.sqlite in Vigil's home folder)";

async function withArchive<T>(given: string | undefined, fn: (a: CaseArchive) => Promise<T>): Promise<T> {
  const a = await openArchive(given);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

interface AddOpts extends AnyCheckOptions {
  archive?: string | false;
}

export function register(program: Command): void {
  const cmd = program.command("case").description("work on a case: several acquisitions of one person, correlated and kept in the case archive");

  cmd
    .command("init")
    .description("create a case folder")
    .argument("<dir>", "new or empty folder for the case")
    .requiredOption("--name <name>", "the case's name (a person, a file number)")
    .option("--archive <location>", ARCHIVE_HELP)
    .option("--no-archive", "do not record the case in the case archive")
    .option("--json", "print the new case as JSON")
    .action(
      action(async (dir: string, opts: { name: string; archive?: string | false; json?: boolean }) => {
        const open = initCase(dir, opts.name);
        if (opts.archive !== false) await withArchive(opts.archive || undefined, (a) => archiveCaseRow(a, open));
        if (opts.json) process.stdout.write(JSON.stringify({ id: open.info.id, name: open.info.name, dir: open.dir }) + "\n");
        else process.stdout.write(`Case "${open.info.name}" (${open.info.id}) created in ${open.dir}\nAdd acquisitions with: vigil case add ${dir} PATH...\n`);
        return 0;
      }),
    );

  addSecretOptions(
    cmd
      .command("add")
      .description("check acquisitions (kind told from each path) into the case, correlate the case and archive it")
      .argument("<dir>", "the case folder")
      .argument("<paths...>", "acquisitions: iPhone backup, file system dump, sysdiagnose, Android backup, androidqf, bugreport, intrusion logs")
      .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest indicator snapshot", collect)
      .option("-m, --module <name>", "run only this module (repeatable)", collect)
      .option("-j, --jobs <n>", "threads running modules")
      .option("--lang <code>", "language of the case's and each acquisition's report and of the summary (en, fr); default: from the system locale")
      .option("--no-report", "do not write report.html files")
      .option("--archive <location>", ARCHIVE_HELP)
      .option("--no-archive", "do not archive the case")
      .option("--json", "print the case summary as JSON on stdout")
      .option("-q, --quiet", "no progress on stderr")
      .option("--progress <format>", "progress of each check on stderr: text, or json (one JSON object a line, also with --json)"),
  ).action(
    action(async (dir: string, paths: string[], opts: AddOpts) => {
      const lang = pickLanguage(opts.lang);
      const open = loadCase(dir);
      const log = (l: string) => (opts.quiet || opts.json ? undefined : process.stderr.write(l + "\n"));
      const archive = opts.archive === false ? undefined : await openArchive(opts.archive || undefined);
      try {
        const r = await addAcquisitions(
          open,
          paths,
          async (p) => (await detectAcquisition(p)).kind,
          (p, kind, outputDir) => checkAs(kind, p, { ...opts, output: outputDir, printSummary: false, json: false, quiet: opts.quiet || (opts.json && opts.progress !== "json") }),
          {
            archive,
            indicators: async () => (await loadIndicatorsForRun(opts.iocs)).matcher,
            report: opts.report,
            lang,
            log,
          },
        );
        for (const f of r.failed) process.stderr.write(`vigil: error: ${f.path}: not added: ${f.error}\n`);
        for (const n of r.archiveNotes) log(n);
        process.stdout.write(opts.json ? JSON.stringify({ ...r.built.summary, added: r.added.map((a) => a.id), failed: r.failed, report: r.built.reportPath }, null, 2) + "\n" : formatCase(r.built, lang) + "\n");
        return r.failed.length ? EXIT.error : r.built.summary.exitCode;
      } finally {
        await archive?.close();
      }
    }),
  );

  cmd
    .command("report")
    .description("rebuild the case's timeline, correlations, summary, provenance and report from its acquisitions' results")
    .argument("<dir>", "the case folder")
    .option("--no-report", "do not write report.html")
    .option("--archive <location>", ARCHIVE_HELP)
    .option("--no-archive", "do not update the case's correlations in the case archive")
    .option("--json", "print the case summary as JSON")
    .option("--lang <code>", "language of the report and the summary (en, fr); default: from the system locale")
    .action(
      action(async (dir: string, opts: { report?: boolean; archive?: string | false; json?: boolean; lang?: string }) => {
        const lang = pickLanguage(opts.lang);
        const open = loadCase(dir);
        const built = await withCaseLock(open.dir, () => buildCase(loadCase(open.dir), { report: opts.report, lang }));
        if (opts.archive !== false) {
          await withArchive(opts.archive || undefined, async (a) => {
            await archiveCaseRow(a, open);
            await archiveCorrelations(a, open, built.correlated);
          });
        }
        process.stdout.write(opts.json ? JSON.stringify({ ...built.summary, report: built.reportPath }, null, 2) + "\n" : formatCase(built, lang) + "\n");
        return built.summary.exitCode;
      }),
    );

  cmd
    .command("status")
    .description("show a case's acquisitions and verdict as last built (nothing is rebuilt)")
    .argument("<dir>", "the case folder")
    .option("--json", "print as JSON")
    .option("--lang <code>", "language (en, fr); default: from the system locale")
    .action(
      action(async (dir: string, opts: { json?: boolean; lang?: string }) => {
        const lang = pickLanguage(opts.lang);
        const t = translator(lang);
        const open = loadCase(dir);
        const path = join(open.dir, "summary.json");
        const summary = existsSync(path) ? (readResultsFile(path, SUMMARY_FILE) as { verdict?: string; incomplete?: boolean; detections?: Record<string, number>; correlated?: number; retro_hunt?: number; exitCode?: number }) : undefined;
        if (opts.json) {
          process.stdout.write(JSON.stringify({ case: open.info, summary }, null, 2) + "\n");
          return summary?.exitCode ?? 0;
        }
        const w = (s: string) => process.stdout.write(s + "\n");
        w(t("case.status.heading", { name: open.info.name, id: open.info.id, created: open.info.created }));
        for (const a of open.info.acquisitions) w(`  ${a.id.padEnd(26)} ${t("case.status.acquisition", { input: a.input, added: a.added, code: a.exit_code })}`);
        if (!open.info.acquisitions.length) w(`  ${t("case.status.empty")}`);
        if (summary) {
          const d = summary.detections ?? {};
          w(
            t("case.status.summary", {
              verdict: summary.verdict ? verdictText(summary.verdict, lang) : t("case.verdict.unknown"),
              incomplete: summary.incomplete ? msg("case.incomplete.short") : "",
              counts: t("case.counts", { strong: d.strong ?? 0, medium: d.medium ?? 0, weak: d.weak ?? 0 }),
              correlated: summary.correlated ?? 0,
              retro: summary.retro_hunt ?? 0,
            }),
          );
        } else {
          w(t("case.status.not_built"));
        }
        return summary?.exitCode ?? 0;
      }),
    );

  cmd
    .command("list")
    .description("list the cases in the case archive")
    .option("--archive <location>", ARCHIVE_HELP)
    .option("--json", "print as JSON")
    .option("--lang <code>", "language (en, fr); default: from the system locale")
    .action(
      action(async (opts: { archive?: string; json?: boolean; lang?: string }) => {
        const lang = pickLanguage(opts.lang);
        const loc = archiveLocation(opts.archive);
        if (!/^postgres(ql)?:\/\//i.test(loc) && !existsSync(loc)) {
          process.stdout.write(opts.json ? "[]\n" : `${translator(lang)("case.list.no_archive", { location: loc })}\n`);
          return 0;
        }
        await withArchive(opts.archive, async (a) => {
          const cases = await a.cases();
          process.stdout.write(opts.json ? JSON.stringify(cases, null, 2) + "\n" : formatCaseList(cases, a.location, lang) + "\n");
        });
        return 0;
      }),
    );

  cmd
    .command("archive")
    .description("(re)archive every acquisition of a case, e.g. into a team's PostgreSQL archive")
    .argument("<dir>", "the case folder")
    .option("--archive <location>", ARCHIVE_HELP)
    .option("-i, --iocs <path>", "indicators the case's checks used, so that their matches are not reported again by retro-hunts (default: the newest snapshot)", collect)
    .option("--json", "print what was archived as JSON")
    .action(
      action(async (dir: string, opts: { archive?: string; iocs?: string[]; json?: boolean }) => {
        const open = loadCase(dir);
        const done: { id: string; sightings: number }[] = [];
        const { retroHunt } = await import("../cases/retro-hunt.ts");
        await withArchive(opts.archive, async (a) => {
          await withCaseLock(open.dir, async () => {
            const built = await buildCase(loadCase(open.dir));
            await archiveCaseRow(a, open);
            const iocs = (await loadIndicatorsForRun(opts.iocs)).matcher;
            for (const acq of built.acquisitions) {
              const r = await archiveAcquisition(a, open, acq);
              for (const p of r.problems) process.stderr.write(`vigil: warning: ${acq.acq.id}: not archived: ${p}\n`);
              await retroHunt(a, iocs, { only: { caseId: open.info.id, acq: acq.acq.id }, found: "check", indicators: "", save: false });
              done.push({ id: acq.acq.id, sightings: r.sightings });
              if (!opts.json) process.stdout.write(`${acq.acq.id}: ${r.sightings} values archived\n`);
            }
            await archiveCorrelations(a, open, built.correlated);
          });
          if (opts.json) process.stdout.write(JSON.stringify({ case: open.info.id, archive: a.location, acquisitions: done }) + "\n");
          else process.stdout.write(`Case "${open.info.name}" archived in ${a.location}\n`);
        });
        return 0;
      }),
    );

  cmd
    .command("retro-hunt")
    .description("check every archived case against the current indicators now (done after every indicator update)")
    .option("--archive <location>", ARCHIVE_HELP)
    .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest snapshot", collect)
    .option("--json", "print the new matches as JSON")
    .option("--lang <code>", "language (en, fr); default: from the system locale")
    .action(action(async (opts: { archive?: string; iocs?: string[]; json?: boolean; lang?: string }) => runRetroHunt({ archive: opts.archive, iocs: opts.iocs, json: opts.json, lang: opts.lang })));
}
