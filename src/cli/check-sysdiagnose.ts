// `vigil check-sysdiagnose PATH`: an iPhone sysdiagnose (.tar.gz or its extracted folder).
import type { Command } from "commander";
import { openSysdiagnose } from "../acquisitions/sysdiagnose.ts";
import { action, addCheckOptions, runCheck, type CheckCliOptions } from "./check-common.ts";
import { announceRefused } from "./check-fs.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-sysdiagnose")
      .description("check an iPhone sysdiagnose (.tar.gz, or its extracted folder)")
      .argument("<path>", "sysdiagnose_....tar.gz, its folder, or the folder holding it"),
  ).action(
    action(async (path: string, opts: CheckCliOptions) => {
      const outcome = await runCheck("ios_sysdiagnose", path, () => openSysdiagnose(path).then((v) => announceRefused(v, opts)), opts);
      return outcome.exitCode;
    }),
  );
}
