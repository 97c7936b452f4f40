// Progress lines on stderr. A transient line (a module's row count) is redrawn in place on a
// terminal and dropped otherwise; a lasting line clears it first. With the "json" format
// (--progress json, for programs such as `vigil app`) every line, transient or not, is one JSON
// object on its own line: { progress, transient?, step? }, where step says which module started
// or ended and how.
import type { CoverageStatus } from "../core/model.ts";
import { terminalLine } from "../core/terminal-text.ts";

/** A module starting (no status) or ending (its coverage status). */
export interface ProgressStep {
  module: string;
  /** Its place in the run: index of total, from 1. */
  index: number;
  total: number;
  /** One part of a module split across threads. */
  part?: { index: number; count: number };
  /** Output prefix of a nested view (the backup inside an androidqf bundle). */
  view?: string;
  status?: CoverageStatus;
  records?: number;
  detections?: number;
  reason?: string;
}

export type ProgressFn = (line: string, transient?: boolean, step?: ProgressStep) => void;

export type ProgressFormat = "text" | "json";
export const PROGRESS_FORMATS: readonly ProgressFormat[] = ["text", "json"];

export function makeProgress(quiet?: boolean, format: ProgressFormat = "text"): ProgressFn {
  if (format === "json") {
    return (line, transient, step) => {
      if (!quiet) process.stderr.write(JSON.stringify({ progress: line, ...(transient ? { transient: true } : {}), ...(step ? { step } : {}) }) + "\n");
    };
  }
  const tty = process.stderr.isTTY;
  let transientShown = false;
  return (raw, transient) => {
    if (quiet) return;
    const line = terminalLine(raw);
    if (transient) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      transientShown = true;
      return;
    }
    if (transientShown) process.stderr.write("\r\x1b[K");
    transientShown = false;
    process.stderr.write(line + "\n");
  };
}
