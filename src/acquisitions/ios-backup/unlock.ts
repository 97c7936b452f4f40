// Unlocking an encrypted backup's keybag with a password or a derived key (key file).
import { readFileSync } from "node:fs";
import { VigilError, WrongPasswordError } from "../../core/errors.ts";
import { deriveKeyFromPassword, parseKeyHex, parseKeybag, unlockKeybag, type Keybag } from "../../formats/keybag.ts";
import { resolvePassword, type SecretOptions } from "../../cli/password.ts";

export interface Unlocked {
  keybag: Keybag;
  /** Key-encryption key: what `extract-key` prints and `--key-file` holds. */
  kek: Buffer;
  classKeys: Map<number, Buffer>;
}

export function keybagOf(manifestPlist: Record<string, unknown>, manifestPlistPath: string): Keybag {
  const kb = manifestPlist["BackupKeyBag"];
  if (!Buffer.isBuffer(kb)) throw new VigilError("encrypted backup without a BackupKeyBag", { file: manifestPlistPath, code: "keybag" });
  return parseKeybag(kb, manifestPlistPath);
}

/**
 * Gets the KEK from the key file or the password (option, VIGIL_BACKUP_PASSWORD, prompt) and
 * unwraps the class keys; a wrong password or key is a WrongPasswordError naming Manifest.plist.
 */
export async function unlockBackup(manifestPlist: Record<string, unknown>, manifestPlistPath: string, opts: SecretOptions): Promise<Unlocked> {
  const keybag = keybagOf(manifestPlist, manifestPlistPath);
  let kek: Buffer;
  let what: string;
  if (opts.derivedKey !== undefined) {
    kek = Buffer.from(opts.derivedKey);
    what = "wrong derived key for this backup";
  } else if (opts.keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.keyFile, "latin1");
    } catch (e) {
      throw new VigilError(`cannot read the key file: ${(e as Error).message}`, { file: opts.keyFile, code: "keyfile" });
    }
    kek = parseKeyHex(text, opts.keyFile);
    what = `wrong key file for this backup (${opts.keyFile})`;
  } else {
    const password = await resolvePassword(opts, "Backup password: ");
    if (password === undefined) {
      throw new VigilError("the backup is encrypted: give its password (--password, or the VIGIL_BACKUP_PASSWORD environment variable) or a key file (--key-file)", {
        file: manifestPlistPath,
        code: "password",
      });
    }
    kek = await deriveKeyFromPassword(password, keybag);
    what = "wrong backup password";
  }
  const classKeys = unlockKeybag(keybag, kek);
  if (!classKeys) throw new WrongPasswordError(manifestPlistPath, what);
  return { keybag, kek, classKeys };
}
