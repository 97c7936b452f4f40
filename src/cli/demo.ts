// `vigil demo`: builds a small synthetic iPhone backup with planted Pegasus traces, checks it with
// the bundled indicators and writes the results, so a first run shows what Vigil does.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { privateTempDir } from "../core/tempdir.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../demo/demo-backup.ts";
import { openIosBackup } from "../acquisitions/ios-backup/open.ts";
import { runCheck, type CheckOptions } from "../pipeline/check.ts";
import { pickLanguage, translator } from "../core/i18n/index.ts";
import { action, addCheckOptions } from "./check-common.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("demo")
      .description("check a small synthetic iPhone backup with planted Pegasus traces (exit 0 when every planted trace is found)")
      .option("--backup-dir <dir>", "where to build the demo backup (default: a private temp folder, removed afterwards)"),
  ).action(
    action(async (opts: CheckOptions & { backupDir?: string }) => {
      const t = translator(pickLanguage(opts.lang));
      const dir = opts.backupDir ? resolve(opts.backupDir) : join(privateTempDir("demo"), "backup");
      process.stderr.write(`${t("demo.building", { dir })}\n`);
      await buildSyntheticBackup(dir, DEMO_SIZES, { planted: DEMO_PLANTED });
      const outcome = await runCheck("demo", dir, () => openIosBackup(dir), opts, { demo: true });
      const found = (s: string) => outcome.detections.some((d) => d.matched.includes(s) || (d.matched_indicator?.value ?? "") === s);
      const expected = ["free247downloads.com", "urlpush.net", "bh", "roleaboutd"];
      const missing = expected.filter((s) => !found(s));
      if (missing.length) {
        process.stderr.write(`demo: ${t("demo.missing", { traces: missing.join(", ") })}\n`);
        return 1;
      }
      process.stderr.write(`demo: ${t("demo.found", { n: expected.length, code: outcome.exitCode })}\n`);
      return 0;
    }),
  );
}
