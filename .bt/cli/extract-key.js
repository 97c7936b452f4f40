import { Option } from "commander";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { locateBackup } from "../acquisitions/ios-backup/locate.js";
import { unlockBackup } from "../acquisitions/ios-backup/unlock.js";
import { VigilError } from "../core/errors.js";
import { parsePlist } from "../formats/plist.js";
import { action } from "./check-common.js";
import { isInside } from "./decrypt-backup.js";
async function extractKey(path, opts) {
  const { dir } = locateBackup(path);
  const mpPath = join(dir, "Manifest.plist");
  if (!existsSync(mpPath)) throw new VigilError("no Manifest.plist: this backup is not encrypted (or is incomplete)", { file: dir, code: "usage" });
  const mp = parsePlist(readFileSync(mpPath), mpPath);
  if (!mp || typeof mp !== "object" || mp["IsEncrypted"] !== true) throw new VigilError("this backup is not encrypted; there is no key to extract", { file: mpPath, code: "usage" });
  const u = await unlockBackup(mp, mpPath, { password: opts.password, promptPassword: opts.promptPassword });
  return { keyHex: u.kek.toString("hex"), backupDir: dir };
}
function register(program) {
  program.command("extract-key").description("derive the key of an encrypted iPhone backup from its password (for --key-file)").argument("<path>", "encrypted backup folder, or a folder above it").option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)").option("-k, --key-file-out <file>", "save the key to this file (64 hex characters, as MVT writes it) instead of printing it").addOption(new Option("--key-file <file>").hideHelp()).action(
    action(async (path, opts) => {
      opts.keyFileOut ??= opts.keyFile;
      const { keyHex, backupDir } = await extractKey(path, { password: opts.password });
      if (opts.keyFileOut) {
        checkDestFile(opts.keyFileOut, path);
        checkDestFile(opts.keyFileOut, backupDir);
        writeFileSync(opts.keyFileOut, keyHex, { mode: 384 });
        process.stderr.write(`key saved to ${opts.keyFileOut} (keep it as safe as the password: it decrypts the backup)
`);
      } else {
        process.stdout.write(keyHex + "\n");
      }
      return 0;
    })
  );
}
function checkDestFile(file, backupDir) {
  if (isInside(file, backupDir)) throw new VigilError("the key file must not be written inside the backup (evidence is never written to)", { file, code: "usage" });
}
export {
  extractKey,
  register
};
