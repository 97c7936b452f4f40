// `vigil check PATH`: any acquisition, its kind told from the path (see acquisitions/detect.ts),
// checked by the same code as its check-* command. `vigil case add` uses the same table.
import type { Command } from "commander";
import { detectAcquisition, type AcquisitionKind } from "../acquisitions/detect.ts";
import type { CheckOptions, CheckOutcome } from "../pipeline/check.ts";
import { checkAndroidqf } from "./check-androidqf.ts";
import { checkAndroidBackup, checkIosBackup } from "./check-backup.ts";
import { checkBugreport } from "./check-bugreport.ts";
import { action, addCheckOptions } from "./check-common.ts";
import { checkIosFs } from "./check-fs.ts";
import { checkIntrusionLogs } from "./check-intrusion-logs.ts";
import { checkNetwork } from "./check-network.ts";
import { checkSysdiagnose } from "./check-sysdiagnose.ts";
import { AGE_PASSPHRASE_ENV, PASSWORD_ENV } from "./password.ts";

/** The options of every kind's check, together. */
export interface AnyCheckOptions extends CheckOptions {
  password?: string;
  keyFile?: string;
  passphrase?: string;
  identity?: string;
  backupPassword?: string;
}

const RUNNERS: Record<AcquisitionKind, (path: string, opts: AnyCheckOptions) => Promise<CheckOutcome>> = {
  ios_backup: checkIosBackup,
  android_backup: checkAndroidBackup,
  ios_fs: checkIosFs,
  ios_sysdiagnose: checkSysdiagnose,
  // --password also opens the backup.ab inside an androidqf bundle.
  androidqf: (path, opts) => checkAndroidqf(path, { ...opts, backupPassword: opts.backupPassword ?? opts.password }),
  android_bugreport: checkBugreport,
  android_intrusion_logs: (path, opts) => checkIntrusionLogs([path], opts),
  network: (path, opts) => checkNetwork([path], opts),
};

/** Checks `path` as the kind it was detected as. */
export function checkAs(kind: AcquisitionKind, path: string, opts: AnyCheckOptions): Promise<CheckOutcome> {
  return RUNNERS[kind](path, opts);
}

/** The options for secrets that `check` and `case add` share. */
export function addSecretOptions(cmd: Command): Command {
  return cmd
    .option("-p, --password <password>", `backup password: iPhone backup, Android .ab, or the backup.ab in an androidqf bundle (else $${PASSWORD_ENV}, else asked for)`)
    .option("-k, --key-file <file>", "iPhone backup: file with the derived key in hex (as written by extract-key)")
    .option("--passphrase <passphrase>", `age passphrase of an androidqf .zip.age (else $${AGE_PASSPHRASE_ENV}, else asked for)`)
    .option("--identity <file>", "age identity file (AGE-SECRET-KEY-1...) for an androidqf .zip.age");
}

export function register(program: Command): void {
  addSecretOptions(
    addCheckOptions(
      program
        .command("check")
        .description("check any acquisition: its kind (iPhone backup, file system dump, sysdiagnose, Android backup, androidqf, bugreport, intrusion logs, network capture or sensor logs) is told from the path")
        .argument("<path>", "the acquisition: a folder, an archive or a file"),
    ),
  ).action(
    action(async (path: string, opts: AnyCheckOptions) => {
      const found = await detectAcquisition(path);
      if (!opts.quiet && !opts.json) process.stderr.write(`${path}: ${found.kind.replace(/_/g, " ")} (${found.because})\n`);
      return (await checkAs(found.kind, path, opts)).exitCode;
    }),
  );
}
