import { statSync } from "node:fs";
import { VigilError } from "../../core/errors.js";
import { abTarStream, readAbHeader, unlockAb } from "../../formats/android-backup.js";
import { openTarView } from "../archive.js";
import { failedView, wantedBy } from "./common.js";
async function openAndroidBackup(path, opts = {}) {
  const display = opts.display ?? path;
  let encrypted = false;
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new VigilError("no such file", { file: display, code: "usage" });
    if (!st.isFile()) throw new VigilError("an Android backup is a single .ab file", { file: display, code: "usage" });
    const header = readAbHeader(path, display);
    encrypted = header.encryption !== "none";
    let key;
    if (encrypted) {
      const password = opts.password ?? await opts.getPassword?.();
      if (password === void 0) {
        throw new VigilError("the Android backup is encrypted: give its password with --password or VIGIL_BACKUP_PASSWORD", { file: display, code: "password" });
      }
      key = unlockAb(header, password, display);
    }
    let counter = { raw: 0 };
    const view = await openTarView(
      () => {
        counter = { raw: 0 };
        return abTarStream(path, header, key, display, counter);
      },
      {
        kind: "android_backup",
        platform: "android",
        root: display,
        display,
        inputPath: path,
        encrypted,
        limits: opts.limits,
        compressedBytes: header.compressed ? () => counter.raw : void 0,
        // A hostile name inside a backup is reported, and the rest of the backup still checked.
        onUnsafe: "skip",
        prefetch: wantedBy("android_backup")
      }
    );
    view.device = { ...view.device, backupFormatVersion: header.version, backupCompressed: header.compressed, backupEncryption: header.encryption };
    return view;
  } catch (e) {
    if (!opts.deferErrors) throw e;
    return failedView({ kind: "android_backup", platform: "android", root: display, encrypted, error: e });
  }
}
export {
  openAndroidBackup
};
