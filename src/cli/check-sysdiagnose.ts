// `vigil check-sysdiagnose PATH`: an iPhone sysdiagnose (.tar.gz or its extracted folder).
import type { Command } from "commander";
import { openSysdiagnose } from "../acquisitions/sysdiagnose.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";
import { announceRefused } from "./check-fs.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-sysdiagnose")
      .description("check an iPhone sysdiagnose (.tar.gz, or its extracted folder)")
      .argument("<path>", "sysdiagnose_....tar.gz, its folder, or the folder holding it"),
  ).action(
    action(async (path: string, opts: CheckOptions) => (await checkSysdiagnose(path, opts)).exitCode),
  );
}

export function checkSysdiagnose(path: string, opts: CheckOptions): Promise<CheckOutcome> {
  return runCheck("ios_sysdiagnose", path, (wanted) => openSysdiagnose(path, { wanted }).then((v) => announceRefused(v, opts)), opts);
}
