// command.log, as MVT keeps one in each results folder: the command line and every lasting
// progress line of the run, each with its UTC time, secrets replaced by *** (core/redact.ts).
import { join } from "node:path";
import { writeOutputFile } from "../core/output-file.ts";
import { redactText } from "../core/redact.ts";
import { redactArgs } from "../core/secret-args.mjs";
import { VERSION } from "../core/version.ts";
import type { ProgressFn } from "./progress.ts";

function stamp(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
}

export class CommandLog {
  private lines: string[] = [];

  constructor(args: readonly string[], now = new Date()) {
    this.add(`vigil ${VERSION}: ${redactArgs(args).join(" ")}`, now);
  }

  private add(message: string, now = new Date()): void {
    this.lines.push(`${stamp(now)} - vigil - INFO - ${redactText(message)}`);
  }

  /** `progress`, with every lasting line also kept for the log (transient row counts are not). */
  tee(progress: ProgressFn): ProgressFn {
    return (line, transient, step) => {
      if (!transient) this.add(line);
      progress(line, transient, step);
    };
  }

  write(dir: string): void {
    writeOutputFile(join(dir, "command.log"), this.lines.join("\n") + "\n");
  }
}
