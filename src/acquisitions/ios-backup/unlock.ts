// Unlocking an encrypted backup's keybag with a password or a derived key (key file).
import { readFileSync } from "node:fs";
import { VigilError, WrongPasswordError } from "../../core/errors.ts";
import { deriveKeyFromPassword, parseKeyHex, parseKeybag, unlockKeybag, type Keybag } from "../../formats/keybag.ts";

/**
 * How an encrypted backup is unlocked, first match wins: the derived key itself (a worker thread
 * reopening a backup the main thread unlocked), a key file, the password, or `getPassword`.
 * Where a password comes from (option, environment, prompt) is the caller's business: the opener
 * never reads the environment or the terminal.
 */
export interface BackupSecrets {
  derivedKey?: Uint8Array;
  keyFile?: string;
  password?: string;
  /** Asked only when the backup is encrypted and nothing above was given; undefined: no way to get one. */
  getPassword?: () => Promise<string | undefined>;
}

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
 * Gets the KEK from the derived key, the key file or the password and unwraps the class keys;
 * a wrong password or key is a WrongPasswordError naming Manifest.plist.
 */
export async function unlockBackup(manifestPlist: Record<string, unknown>, manifestPlistPath: string, opts: BackupSecrets): Promise<Unlocked> {
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
    const password = opts.password ?? (await opts.getPassword?.());
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
