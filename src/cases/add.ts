// `vigil case add`: each path is checked into a results folder of its own inside the case
// (acquisitions/<id>/, written by the same check as a single check; other acquisitions are never
// touched), recorded in case.json, archived, and then the case's own outputs are rebuilt.
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AcquisitionKind } from "../acquisitions/detect.ts";
import type { CaseArchive } from "../case-archive/store.ts";
import { describeError } from "../core/errors.ts";
import { onInterrupt } from "../core/interrupt.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import { readAcquisition } from "./acquisition-results.ts";
import { archiveAcquisition, archiveCaseRow, archiveCorrelations } from "./archive-case.ts";
import { buildCase, removeStaleCaseOutputs, type BuiltCase } from "./build.ts";
import { ACQUISITIONS_DIR, loadCase, nextAcquisitionId, withCaseLock, writeCaseJson, type CaseAcquisition, type OpenCase } from "./case-folder.ts";
import { retroHunt } from "./retro-hunt.ts";

/** Checks one acquisition of a kind into `outputDir` (the CLI gives the check of that kind). */
export type CheckInto = (path: string, kind: AcquisitionKind, outputDir: string) => Promise<{ exitCode: number }>;
/** Tells an acquisition's kind before it is checked (for its id). */
export type DetectKind = (path: string) => Promise<AcquisitionKind>;

export interface AddOptions {
  /** Where to archive the case; undefined: not archived. */
  archive?: CaseArchive;
  /** The indicators the checks used, for the archive to know which matches the check already saw. */
  indicators?: () => Promise<Matcher>;
  report?: boolean;
  /** The case report's language (default English). */
  lang?: string;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface AddResult {
  added: CaseAcquisition[];
  failed: { path: string; error: string }[];
  built: BuiltCase;
  archiveNotes: string[];
}

export async function addAcquisitions(open: OpenCase, paths: string[], detect: DetectKind, check: CheckInto, opts: AddOptions = {}): Promise<AddResult> {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? (() => new Date());
  return withCaseLock(open.dir, async () => {
    // Read again under the lock: another command may have added an acquisition meanwhile.
    open.info = loadCase(open.dir).info;
    const added: CaseAcquisition[] = [];
    const failed: AddResult["failed"] = [];
    // Stopped by a signal (the check's own clean-up has removed its partial results): the
    // acquisition being added is not left half there, and once one was recorded, the case's
    // outputs no longer describe the case (buildCase handles its own stop).
    let current: string | undefined;
    const off = onInterrupt(() => {
      if (current && !open.info.acquisitions.some((a) => join(open.dir, a.results) === current)) rmSync(current, { recursive: true, force: true });
      if (added.length) removeStaleCaseOutputs(open.dir);
    }, ["SIGINT", "SIGTERM"]);
    for (const path of paths) {
      let outputDir: string | undefined;
      try {
        const kind = await detect(path);
        const id = nextAcquisitionId(open.info, kind);
        outputDir = current = join(open.dir, ACQUISITIONS_DIR, id);
        log(`Adding ${path} to case "${open.info.name}" as ${id}`);
        const outcome = await check(path, kind, outputDir);
        const acq: CaseAcquisition = { id, kind, input: resolve(path), added: now().toISOString(), results: `${ACQUISITIONS_DIR}/${id}`, exit_code: outcome.exitCode };
        open.info.acquisitions.push(acq);
        writeCaseJson(open.dir, open.info);
        added.push(acq);
      } catch (e) {
        // A check that did not finish leaves no acquisition: its partial folder goes.
        if (outputDir && existsSync(outputDir) && !open.info.acquisitions.some((a) => join(open.dir, a.results) === outputDir)) rmSync(outputDir, { recursive: true, force: true });
        failed.push({ path, error: describeError(e) });
      }
    }
    current = undefined;
    off();
    const built = await buildCase(open, { report: opts.report, lang: opts.lang });
    const archiveNotes: string[] = [];
    if (opts.archive && added.length) {
      const store = opts.archive;
      await archiveCaseRow(store, open);
      const iocs = opts.indicators ? await opts.indicators() : undefined;
      for (const acq of added) {
        const a = built.acquisitions.find((x) => x.acq.id === acq.id) ?? readAcquisition(open.dir, acq);
        const r = await archiveAcquisition(store, open, a);
        for (const p of r.problems) archiveNotes.push(`${acq.id}: not archived: ${p}`);
        if (iocs) await retroHunt(store, iocs, { only: { caseId: open.info.id, acq: acq.id }, found: "check", indicators: "", save: false });
      }
      await archiveCorrelations(store, open, built.correlated);
      archiveNotes.push(`Archived in ${store.location}`);
    }
    return { added, failed, built, archiveNotes };
  });
}
