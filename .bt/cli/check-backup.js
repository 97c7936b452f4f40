import { closeSync, openSync, readSync, statSync } from "node:fs";
import { openAndroidBackup } from "../acquisitions/android/android-backup.js";
import { openIosBackup } from "../acquisitions/ios-backup/open.js";
import { VigilError } from "../core/errors.js";
import { action, addCheckOptions, runCheck } from "./check-common.js";
import { resolvePassword } from "./password.js";
function isAndroidBackupFile(path) {
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
function register(program) {
  addCheckOptions(
    program.command("check-backup").description("check an iPhone backup folder (plain or encrypted) or an Android backup (.ab)").argument("<path>", "backup folder, a folder above it (MobileSync/Backup), or an .ab file").option("-p, --password <password>", "backup password (else $VIGIL_BACKUP_PASSWORD, else asked for on a terminal)").option("-k, --key-file <file>", "iOS: file with the derived key in hex (as written by extract-key)")
  ).action(
    action(async (path, opts) => {
      if (isAndroidBackupFile(path)) {
        const outcome2 = await runCheck("android_backup", path, async () => {
          return openAndroidBackup(path, { password: opts.password, getPassword: () => resolvePassword(opts, "Android backup password: ") });
        }, opts);
        return outcome2.exitCode;
      }
      const outcome = await runCheck("ios_backup", path, () => openIosBackup(path, { password: opts.password, keyFile: opts.keyFile }), opts);
      return outcome.exitCode;
    })
  );
}
export {
  isAndroidBackupFile,
  register
};
