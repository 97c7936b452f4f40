// `vigil extract-key PATH`: derives the backup's key from its password once (≈3 s on a real
// backup) and prints it, or saves it in MVT's key-file format (64 lowercase hex characters, no
// newline) for later `--key-file` use, so the password need not be typed again.
import { Option, type Command } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { locateBackup } from "../acquisitions/ios-backup/locate.ts";
import { unlockBackup } from "../acquisitions/ios-backup/unlock.ts";
import { VigilError } from "../core/errors.ts";
import { parsePlist } from "../formats/plist.ts";
import { action } from "./check-common.ts";
import { isInside } from "../core/real-path.ts";
import { PASSWORD_ENV, secretChain } from "./password.ts";

interface Options {
  password?: string;
  keyFileOut?: string;
  keyFile?: string;
}

/** The derived key (KEK) of an encrypted backup, checked against its keybag. */
export async function extractKey(path: string, opts: { password?: string; promptPassword?: boolean }): Promise<{ keyHex: string; backupDir: string }> {
  const { dir } = locateBackup(path);
  const mpPath = join(dir, "Manifest.plist");
  if (!existsSync(mpPath)) throw new VigilError("no Manifest.plist: this backup is not encrypted (or is incomplete)", { file: dir, code: "usage" });
  const mp = parsePlist(readFileSync(mpPath), mpPath) as Record<string, unknown>;
  if (!mp || typeof mp !== "object" || mp["IsEncrypted"] !== true) throw new VigilError("this backup is not encrypted; there is no key to extract", { file: mpPath, code: "usage" });
  const u = await unlockBackup(mp, mpPath, { getPassword: secretChain(opts.password, PASSWORD_ENV, "Backup password: ", opts.promptPassword ?? true) });
  return { keyHex: u.kek.toString("hex"), backupDir: dir };
}

export function register(program: Command): void {
  program
    .command("extract-key")
    .description("derive the key of an encrypted iPhone backup from its password (for --key-file)")
    .argument("<path>", "encrypted backup folder, or a folder above it")
    .option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)")
    .option("-k, --key-file-out <file>", "save the key to this file (64 hex characters, as MVT writes it) instead of printing it")
    // MVT's spelling (`mvt-ios extract-key --key-file FILE`), for investigators' muscle memory.
    .addOption(new Option("--key-file <file>").hideHelp())
    .option("--json", "print {key} (or {key_file} with --key-file-out) as JSON")
    .action(
      action(async (path: string, opts: Options & { json?: boolean }) => {
        opts.keyFileOut ??= opts.keyFile;
        const { keyHex, backupDir } = await extractKey(path, { password: opts.password });
        if (opts.keyFileOut) {
          checkDestFile(opts.keyFileOut, path);
          checkDestFile(opts.keyFileOut, backupDir);
          writeFileSync(opts.keyFileOut, keyHex, { mode: 0o600 });
          process.stderr.write(`key saved to ${opts.keyFileOut} (keep it as safe as the password: it decrypts the backup)\n`);
          if (opts.json) process.stdout.write(JSON.stringify({ key_file: opts.keyFileOut }) + "\n");
        } else {
          process.stdout.write(opts.json ? JSON.stringify({ key: keyHex }) + "\n" : keyHex + "\n");
        }
        return 0;
      }),
    );
}

function checkDestFile(file: string, backupDir: string): void {
  if (isInside(file, backupDir)) throw new VigilError("the key file must not be written inside the backup (evidence is never written to)", { file, code: "usage" });
}
