// Progress on stderr. Text (the default): a transient line (a module's row count) is redrawn in
// place on a terminal and dropped otherwise; a lasting line clears it first. JSON (`--progress
// json`, for programs that drive Vigil): one JSON object per line, every step, whatever stdout
// holds (the summary with --json) and whether stderr is a terminal.
import { VigilError } from "../core/errors.ts";

export type ProgressFn = (line: string, transient?: boolean) => void;

export type ProgressMode = "text" | "json";

/** A module's progress line: "[3/47] sms: 3001 records (478 ms)" or "[3/47] sms". */
const STEP = /^\[(\d+)\/(\d+)\] (\S+)(?: \(part (\d+)\/(\d+)\))?(?: \([^)]*\))?(?:: (.*))?$/;

/** One progress line as a JSON Lines event: its time, the words, and the module step it reports. */
export function progressEvent(line: string, transient: boolean, now = new Date()): Record<string, unknown> {
  const m = STEP.exec(line);
  const step = m ? { module: m[3], index: Number(m[1]), total: Number(m[2]), ...(m[6] !== undefined ? { done: true } : { done: false }) } : {};
  return { event: transient ? "count" : m ? "module" : "message", time: now.toISOString(), message: line, ...step };
}

export function makeProgress(quiet?: boolean, mode: ProgressMode = "text"): ProgressFn {
  if (mode === "json") return (line, transient) => process.stderr.write(JSON.stringify(progressEvent(line, transient === true)) + "\n");
  const tty = process.stderr.isTTY;
  let transientShown = false;
  return (line, transient) => {
    if (quiet) return;
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

/** The --progress option's value, refused when it is neither text nor json. */
export function progressMode(value: string | undefined): ProgressMode {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw new VigilError(`--progress ${value}: expected text or json`, { code: "usage" });
}
