// What every check-* command shares: its options (what they mean is the pipeline's CheckOptions)
// and the wrapper that turns an action's result or error into the documented exit code.
import type { Command } from "commander";
import { describeError, VigilError } from "../core/errors.ts";
import { EXIT } from "../core/model.ts";
import { tellAppFailed } from "./app-channel.ts";
import { terminalLine } from "../core/terminal-text.ts";

/** Commander's collector for a repeatable option. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addCheckOptions(cmd: Command): Command {
  return cmd
    .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest indicator snapshot", collect)
    .option("-o, --output <dir>", "results folder (default: ./vigil-results/<kind>-<time>)")
    .option("-m, --module <name>", "run only this module (repeatable)", collect)
    .option("-j, --jobs <n>", "threads running modules (default: one per CPU core, for big acquisitions; 1: no worker threads)")
    .option("--json", "print the summary as JSON on stdout")
    .option("--lang <code>", "report language (en, fr); default: from the system locale")
    .option("--no-report", "do not write report.html")
    .option("--timesketch", "also write timesketch.jsonl (the timeline as Timesketch imports it; see vigil export)")
    .option("-q, --quiet", "no progress on stderr")
    .option("--progress <format>", "progress on stderr: text, or json (one JSON object a line, also with --json; for programs)");
}

/** Wraps a command action: one-line errors, documented exit codes, stack only with VIGIL_DEBUG. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (e) {
      if (process.env.VIGIL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.stderr.write(`vigil: error: ${terminalLine(describeError(e))}\n`);
      process.exitCode = e instanceof VigilError && e.code === "usage" ? EXIT.usage : EXIT.error;
      await tellAppFailed(e instanceof VigilError ? e.code : undefined, describeError(e));
    }
  };
}
