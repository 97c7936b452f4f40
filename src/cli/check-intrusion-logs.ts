// `vigil check-intrusion-logs PATH...`: Android 16 intrusion-logging exports (a folder, a zip,
// or one or more JSON-lines files).
import type { Command } from "commander";
import { openIntrusionLogs } from "../acquisitions/android/intrusion-logs.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-intrusion-logs")
      .description("check Android intrusion-logging exports (DNS, connection and security events, one JSON object per line)")
      .argument("<paths...>", "a folder or zip of exports, or one or more export files"),
  ).action(
    action(async (paths: string[], opts: CheckOptions) => (await checkIntrusionLogs(paths, opts)).exitCode),
  );
}

export function checkIntrusionLogs(paths: string[], opts: CheckOptions): Promise<CheckOutcome> {
  return runCheck("android_intrusion_logs", paths[0], () => openIntrusionLogs(paths), opts);
}
