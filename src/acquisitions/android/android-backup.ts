// Android backups (.ab, from `adb backup` or androidqf): the tar inside is read as a stream,
// decrypted and inflated on the fly, indexed in one pass (extracting what the run's modules
// read on the way, given as `wanted`), and later requests cost one more pass.
import { statSync } from "node:fs";
import { VigilError } from "../../core/errors.ts";
import { abTarStream, readAbHeader, unlockAb, type AbKey } from "../../formats/android-backup.ts";
import type { BaseView } from "../archive/base-view.ts";
import type { ArchiveLimits } from "../archive/safety.ts";
import { openTarView } from "../archive/tar-view.ts";
import type { ArtifactSpec } from "../view.ts";
import { failedView, wantedBy, type SecretSource } from "./common.ts";

export interface AndroidBackupOptions {
  password?: string;
  /** Asked only when the backup is encrypted and no password was given. */
  getPassword?: SecretSource;
  /** Name in errors and provenance (e.g. "bundle/backup.ab" for a nested one). */
  display?: string;
  /**
   * Nested use (inside an androidqf bundle): a backup that cannot be opened (no password,
   * wrong password, corrupt) becomes a view whose modules fail with the reason, instead of
   * an error that stops the whole check.
   */
  deferErrors?: boolean;
  limits?: Partial<ArchiveLimits>;
  /** What the run's modules read (their `reads` merged): extracted in the first pass. */
  wanted?: ArtifactSpec;
}

export async function openAndroidBackup(path: string, opts: AndroidBackupOptions = {}): Promise<BaseView> {
  const display = opts.display ?? path;
  let encrypted = false;
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new VigilError("no such file", { file: display, code: "usage" });
    if (!st.isFile()) throw new VigilError("an Android backup is a single .ab file", { file: display, code: "usage" });
    const header = readAbHeader(path, display);
    encrypted = header.encryption !== "none";
    let key: AbKey | undefined;
    if (encrypted) {
      const password = opts.password ?? (await opts.getPassword?.());
      if (password === undefined) {
        throw new VigilError("the Android backup is encrypted: give its password with --password or VIGIL_BACKUP_PASSWORD", { file: display, code: "password" });
      }
      key = unlockAb(header, password, display);
    }
    // Bytes read from the file by the current pass, for the compression-ratio limit.
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
        compressedBytes: header.compressed ? () => counter.raw : undefined,
        // A hostile name inside a backup is reported, and the rest of the backup still checked.
        onUnsafe: "skip",
        prefetch: wantedBy(opts.wanted ?? {}, "android_backup"),
      },
    );
    view.device = { ...view.device, backupFormatVersion: header.version, backupCompressed: header.compressed, backupEncryption: header.encryption };
    return view;
  } catch (e) {
    if (!opts.deferErrors) throw e;
    return failedView({ kind: "android_backup", platform: "android", root: display, encrypted, error: e });
  }
}
