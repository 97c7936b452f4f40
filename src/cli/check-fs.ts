// `vigil check-fs PATH`: an iPhone full-filesystem dump (folder, .tar, .tar.gz or .zip).
import type { Command } from "commander";
import { openIosFs } from "../acquisitions/ios-fs.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-fs")
      .description("check an iPhone full-filesystem dump (folder, .tar, .tar.gz or .zip)")
      .argument("<path>", "dump folder (holding private/var, or one level above it), or an archive of it"),
  ).action(
    action(async (path: string, opts: CheckOptions) => (await checkIosFs(path, opts)).exitCode),
  );
}

export function checkIosFs(path: string, opts: CheckOptions): Promise<CheckOutcome> {
  return runCheck("ios_fs", path, (wanted) => openIosFs(path, { wanted }).then((v) => announceRefused(v, opts)), opts);
}

/** Says on stderr that hostile archive members were refused (details in the coverage warnings). */
export function announceRefused<V extends object>(view: V, opts: CheckOptions): V {
  const refused = (view as { refused?: () => { entry: string; reason: string }[] }).refused?.() ?? [];
  if (refused.length && !opts.quiet && !opts.json) {
    process.stderr.write(`Refused ${refused.length} unsafe archive entr${refused.length === 1 ? "y" : "ies"} (never read or extracted), e.g. ${JSON.stringify(refused[0].entry)}: ${refused[0].reason}. See the coverage warnings.\n`);
  }
  return view;
}
