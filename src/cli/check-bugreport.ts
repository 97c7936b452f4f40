// `vigil check-bugreport PATH`: an Android bugreport .zip or the folder it was extracted to.
import type { Command } from "commander";
import { openBugreport } from "../acquisitions/android/bugreport.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-bugreport")
      .description("check an Android bugreport (.zip from `adb bugreport`, or its extracted folder)")
      .argument("<path>", "bugreport .zip or folder"),
  ).action(
    action(async (path: string, opts: CheckOptions) => (await checkBugreport(path, opts)).exitCode),
  );
}

export function checkBugreport(path: string, opts: CheckOptions): Promise<CheckOutcome> {
  return runCheck("android_bugreport", path, () => openBugreport(path), opts);
}
