// One acquisition of a case as its results folder holds it: what the check found, what it could
// check, and when the acquisition was made.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeError } from "../core/errors.ts";
import type { Coverage, Detection, RunInfo, Summary } from "../core/model.ts";
import { readResultsFile, SUMMARY_FILE } from "../core/results-schema.ts";
import { loadResults } from "../report/load-results.ts";
import type { CaseAcquisition } from "./case-folder.ts";

export interface AcquisitionResults {
  acq: CaseAcquisition;
  /** Absolute path of its results folder. */
  dir: string;
  info?: RunInfo;
  summary?: Summary & { timeline_events?: number };
  coverage: Coverage[];
  detections: Detection[];
  /** When the acquisition was made (a sysdiagnose's creation, a backup's date), when known. */
  taken?: string;
  /** Set when the results folder could not be read: the case report says so. */
  problem?: string;
}

/** Prefixes of module outputs of acquisitions nested in another (androidqf's backup and bugreport). */
export const NESTED_PREFIXES = ["", "backup_", "bugreport_"];

export function readAcquisition(caseDir: string, acq: CaseAcquisition): AcquisitionResults {
  const dir = join(caseDir, acq.results);
  try {
    const r = loadResults(dir);
    const summaryPath = join(dir, "summary.json");
    // Checked for the fields the case verdict uses (a damaged file is this acquisition's problem).
    const summary = existsSync(summaryPath) ? (readResultsFile(summaryPath, SUMMARY_FILE) as AcquisitionResults["summary"]) : undefined;
    const device = r.info?.device as Record<string, unknown> | undefined;
    const taken = [device?.sysdiagnoseCreated, device?.lastBackup].find((v): v is string => typeof v === "string");
    return { acq, dir, info: r.info, summary, coverage: r.coverage ?? [], detections: r.detections, taken };
  } catch (e) {
    return { acq, dir, coverage: [], detections: [], problem: describeError(e) };
  }
}

/** The coverage entries of a module in an acquisition (its nested parts included). */
export function coverageOf(a: AcquisitionResults, module: string): Coverage[] {
  return a.coverage.filter((c) => NESTED_PREFIXES.some((p) => c.module === p + module));
}
