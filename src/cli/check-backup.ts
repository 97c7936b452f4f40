// `vigil check-backup PATH`: an iPhone backup folder (plain or encrypted), or an Android backup
// (.ab file, or the folder it unpacks to).
import type { Command } from "commander";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { openAndroidBackup, unpackedBackupRoot } from "../acquisitions/android/android-backup.ts";
import { isBackupFolder } from "../acquisitions/ios-backup/locate.ts";
import { guessArtifactBytes, openIosBackup } from "../acquisitions/ios-backup/open.ts";
import { VigilError } from "../core/errors.ts";
import { runCheck, type CheckOptions, type CheckOutcome } from "../pipeline/check.ts";
import { action, addCheckOptions } from "./check-common.ts";
import { PASSWORD_ENV, secretChain } from "./password.ts";

const AB_MAGIC = "ANDROID BACKUP";

/**
 * An Android backup is a file starting with "ANDROID BACKUP", or a folder holding the apps/ tree
 * of an unpacked one (and no iPhone backup); everything else is treated as iOS. A file that is
 * empty, named .ab, or cut short inside that header is neither, and is refused with a message
 * about what it is instead of one about iPhone backup folders.
 */
export function isAndroidBackup(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new VigilError("no such file or folder", { file: path, code: "usage" });
  if (st.isDirectory()) return !isBackupFolder(path) && unpackedBackupRoot(path) !== undefined;
  if (!st.isFile()) return false;
  if (st.size === 0) throw new VigilError("empty file: neither an Android backup (.ab) nor an iPhone backup (a folder)", { file: path });
  const head = Buffer.alloc(AB_MAGIC.length);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.subarray(0, n).toString("latin1");
  if (text === AB_MAGIC) return true;
  if (AB_MAGIC.startsWith(text)) throw new VigilError(`truncated Android backup: ${n} bytes, cut short inside its "${AB_MAGIC}" header`, { file: path });
  if (/\.ab$/i.test(path)) throw new VigilError(`not an Android backup: it does not start with "${AB_MAGIC}"`, { file: path });
  return false;
}

export interface Options extends CheckOptions {
  password?: string;
  keyFile?: string;
}

export function register(program: Command): void {
  addCheckOptions(
    program
      .command("check-backup")
      .description("check an iPhone backup folder (plain or encrypted) or an Android backup (.ab, or the folder it unpacks to)")
      .argument("<path>", "backup folder, a folder above it (MobileSync/Backup), or an .ab file")
      .option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)")
      .option("-k, --key-file <file>", "iOS: file with the derived key in hex (as written by extract-key)"),
  ).action(
    action(async (path: string, opts: Options) => {
      requireKeyFile(opts);
      return (await (isAndroidBackup(path) ? checkAndroidBackup(path, opts) : checkIosBackup(path, opts))).exitCode;
    }),
  );
}

/** A --key-file that is not there is a usage error (exit 2), found before any work. */
export function requireKeyFile(opts: { keyFile?: string }): void {
  if (opts.keyFile !== undefined && !statSync(opts.keyFile, { throwIfNoEntry: false })?.isFile()) {
    throw new VigilError("--key-file: no such file", { file: opts.keyFile, code: "usage" });
  }
}

/** Checks an Android .ab backup (the password from the option, the environment or a prompt). */
export function checkAndroidBackup(path: string, opts: Options): Promise<CheckOutcome> {
  return runCheck("android_backup", path, async (wanted) => {
    return openAndroidBackup(path, { getPassword: secretChain(opts.password, PASSWORD_ENV, "Android backup password: "), wanted });
  }, opts);
}

/** Checks an iPhone backup folder (the password from the option, the environment or a prompt). */
export async function checkIosBackup(path: string, opts: Options): Promise<CheckOutcome> {
  requireKeyFile(opts);
  return runCheck("ios_backup", path, () => openIosBackup(path, { keyFile: opts.keyFile, getPassword: secretChain(opts.password, PASSWORD_ENV, "Backup password: ") }), opts, {
    expectedBytes: () => guessArtifactBytes(path),
  });
}
