// `vigil check-backup PATH`: an iPhone backup folder (plain or encrypted), or an Android .ab file.
import type { Command } from "commander";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { openAndroidBackup } from "../acquisitions/android/android-backup.ts";
import { guessArtifactBytes, openIosBackup } from "../acquisitions/ios-backup/open.ts";
import { VigilError } from "../core/errors.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";
import { PASSWORD_ENV, secretChain } from "./password.ts";

/** An Android backup is a file starting with "ANDROID BACKUP"; everything else is treated as iOS. */
export function isAndroidBackupFile(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new VigilError("no such file or folder", { file: path, code: "usage" });
  if (!st.isFile()) return false;
  const head = Buffer.alloc(14);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 14, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString("latin1") === "ANDROID BACKUP";
}

export interface Options extends CheckOptions {
  password?: string;
  keyFile?: string;
}

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-backup")
      .description("check an iPhone backup folder (plain or encrypted) or an Android backup (.ab)")
      .argument("<path>", "backup folder, a folder above it (MobileSync/Backup), or an .ab file")
      .option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)")
      .option("-k, --key-file <file>", "iOS: file with the derived key in hex (as written by extract-key)"),
  ).action(
    action(async (path: string, opts: Options) => (await (isAndroidBackupFile(path) ? checkAndroidBackup(path, opts) : checkIosBackup(path, opts))).exitCode),
  );
}

/** Checks an Android .ab backup (the password from the option, the environment or a prompt). */
export function checkAndroidBackup(path: string, opts: Options): Promise<CheckOutcome> {
  return runCheck("android_backup", path, async (wanted) => {
    return openAndroidBackup(path, { getPassword: secretChain(opts.password, PASSWORD_ENV, "Android backup password: "), wanted });
  }, opts);
}

/** Checks an iPhone backup folder (the password from the option, the environment or a prompt). */
export function checkIosBackup(path: string, opts: Options): Promise<CheckOutcome> {
  return runCheck("ios_backup", path, () => openIosBackup(path, { keyFile: opts.keyFile, getPassword: secretChain(opts.password, PASSWORD_ENV, "Backup password: ") }), opts, {
    expectedBytes: () => guessArtifactBytes(path),
  });
}
