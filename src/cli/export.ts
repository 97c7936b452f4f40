// `vigil export --format timesketch|stix2 RESULTS_DIR`: a results folder in the formats other
// tools import (see report/export.ts).
import type { Command } from "commander";
import { resolve } from "node:path";
import { EXPORT_FORMATS, exportResults } from "../report/export.ts";
import { action } from "./check-common.ts";

export function register(program: Command): void {
  program
    .command("export")
    .description("export a results folder (Vigil's or MVT's): Timesketch JSON Lines, or a STIX 2.1 bundle of the indicator matches")
    .argument("<results_dir>", "results folder")
    .requiredOption("-f, --format <format>", `one of: ${EXPORT_FORMATS.join(", ")}`)
    .option("-o, --output <file>", "write to this file (default: standard output)")
    .option("--json", "with --output: print {format, output, count} as JSON on stdout")
    .action(
      action(async (dir: string, opts: { format: string; output?: string; json?: boolean }) => {
        const n = await exportResults(resolve(dir), opts.format, { out: opts.output ? resolve(opts.output) : undefined });
        if (opts.output) {
          if (opts.json) process.stdout.write(JSON.stringify({ format: opts.format, output: resolve(opts.output), count: n }) + "\n");
          else process.stderr.write(`${opts.format}: ${n} ${opts.format === "stix2" ? "objects" : "lines"} written to ${resolve(opts.output)}\n`);
        }
      }),
    );
}
