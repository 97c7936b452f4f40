// Android backups (.ab, from `adb backup` or androidqf): the tar inside is read as a stream,
// decrypted and inflated on the fly, indexed in one pass (extracting what the run's modules
// read on the way, given as `wanted`), and later requests cost one more pass. A backup already
// unpacked (the apps/ tree that abe or `tar` give) is read as a folder, the same way.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "../../core/errors.ts";
import { abTarStream, readAbHeader, unlockAb, type AbKey } from "../../formats/android-backup.ts";
import type { BaseView } from "../archive/base-view.ts";
import { openFolderView } from "../archive/folder-view.ts";
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
    if (st.isDirectory()) return openUnpackedBackup(path, display);
    if (!st.isFile()) throw new VigilError("an Android backup is a single .ab file or the folder it unpacks to", { file: display, code: "usage" });
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

/**
 * Where an unpacked backup's apps/ tree is: in the folder itself, or in its single subfolder
 * (the folder above an unpacked backup); undefined when neither holds one.
 */
export function unpackedBackupRoot(path: string): string | undefined {
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
  if (isDir(join(path, "apps"))) return "";
  const subs = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory() && isDir(join(path, d.name, "apps")));
  return subs.length === 1 ? subs[0].name : undefined;
}

/** An Android backup unpacked into a folder (apps/<package>/...): never encrypted, read in place. */
function openUnpackedBackup(path: string, display: string): BaseView {
  const prefix = unpackedBackupRoot(path);
  if (prefix === undefined) throw new VigilError("not an Android backup: a folder must hold the apps/ tree of an unpacked backup", { file: display, code: "format" });
  const view = openFolderView(path, { kind: "android_backup", platform: "android", display, root: display, prefix });
  view.device = { ...view.device, backupUnpacked: true };
  return view;
}
