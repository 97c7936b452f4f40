// `vigil check-iocs RESULTS_DIR`: re-check a previous results folder (Vigil's or MVT's) against
// the current indicators (see pipeline/check-iocs.ts).
import type { Command } from "commander";
import { checkIocs, type CheckIocsOptions } from "../pipeline/check-iocs.ts";
import { action } from "./check-common.ts";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command("check-iocs")
    .description("re-check a previous results folder (Vigil's or MVT's per-module JSON files) against the current indicators")
    .argument("<results_dir>", "results folder of an earlier vigil or mvt run")
    .option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest indicator snapshot", collect)
    .option("-o, --output <dir>", "where to write the new results (default: RESULTS_DIR/check-iocs-<time>)")
    .option("--json", "print the summary as JSON on stdout")
    .option("--timesketch", "also write timesketch.jsonl (the timeline as Timesketch imports it; see vigil export)")
    .option("--progress <mode>", "progress on stderr: text (default) or json (JSON Lines, one event per step, for programs)")
    .option("--lang <code>", "language of the summary (en, fr); default: from the system locale")
    .option("-q, --quiet", "no progress on stderr")
    .action(action(async (dir: string, opts: CheckIocsOptions) => (await checkIocs(dir, opts)).exitCode));
}
