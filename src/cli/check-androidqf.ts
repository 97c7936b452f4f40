// `vigil check-androidqf PATH`: an androidqf folder, .zip or age-encrypted .zip.age; the
// backup.ab and bugreport zip inside the bundle are checked too.
import type { Command } from "commander";
import { openAndroidqf } from "../acquisitions/android/androidqf.ts";
import { progressFor, runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";
import { AGE_PASSPHRASE_ENV, PASSWORD_ENV, secretChain } from "./password.ts";

export interface Options extends CheckOptions {
  passphrase?: string;
  identity?: string;
  backupPassword?: string;
}

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-androidqf")
      .description("check an androidqf acquisition (folder, .zip, or age-encrypted .zip.age), with the backup and bugreport inside it")
      .argument("<path>", "androidqf acquisition folder, .zip or .zip.age")
      .option("--passphrase <passphrase>", `age passphrase of a .zip.age (else $${AGE_PASSPHRASE_ENV}, else asked for on a terminal)`)
      .option("--identity <file>", "age identity file (AGE-SECRET-KEY-1...) for a .zip.age")
      .option("--backup-password <password>", `password of an encrypted backup.ab in the bundle (else $${PASSWORD_ENV}, else asked for)`),
  ).action(
    action(async (path: string, opts: Options) => (await checkAndroidqf(path, opts)).exitCode),
  );
}

/** Checks an androidqf bundle and the backup and bugreport inside it. */
export function checkAndroidqf(path: string, opts: Options): Promise<CheckOutcome> {
  const progress = progressFor(opts);
  return runCheck(
    "androidqf",
    path,
    async (wanted) => {
      const view = await openAndroidqf(path, {
        wanted,
        passphrase: opts.passphrase,
        identityFile: opts.identity,
        getPassphrase: secretChain(undefined, AGE_PASSPHRASE_ENV, "age passphrase: "),
        backupPassword: opts.backupPassword,
        getBackupPassword: secretChain(undefined, PASSWORD_ENV, "backup.ab password: "),
      });
      const nested = await view.nested();
      for (const v of [view, ...nested.map((n) => n.view)]) {
        for (const r of (v as typeof view).refused?.() ?? []) progress(`${v.root}: refused unsafe entry ${JSON.stringify(r.entry)}: ${r.reason}`);
      }
      return [{ view, prefix: "" }, ...nested];
    },
    opts,
  );
}
