import { readFileSync } from "node:fs";
import { VigilError, WrongPasswordError } from "../../core/errors.js";
import { deriveKeyFromPassword, parseKeyHex, parseKeybag, unlockKeybag } from "../../formats/keybag.js";
import { resolvePassword } from "../../cli/password.js";
function keybagOf(manifestPlist, manifestPlistPath) {
  const kb = manifestPlist["BackupKeyBag"];
  if (!Buffer.isBuffer(kb)) throw new VigilError("encrypted backup without a BackupKeyBag", { file: manifestPlistPath, code: "keybag" });
  return parseKeybag(kb, manifestPlistPath);
}
async function unlockBackup(manifestPlist, manifestPlistPath, opts) {
  const keybag = keybagOf(manifestPlist, manifestPlistPath);
  let kek;
  let what;
  if (opts.keyFile !== void 0) {
    let text;
    try {
      text = readFileSync(opts.keyFile, "latin1");
    } catch (e) {
      throw new VigilError(`cannot read the key file: ${e.message}`, { file: opts.keyFile, code: "keyfile" });
    }
    kek = parseKeyHex(text, opts.keyFile);
    what = `wrong key file for this backup (${opts.keyFile})`;
  } else {
    const password = await resolvePassword(opts, "Backup password: ");
    if (password === void 0) {
      throw new VigilError("the backup is encrypted: give its password (--password, or the VIGIL_BACKUP_PASSWORD environment variable) or a key file (--key-file)", {
        file: manifestPlistPath,
        code: "password"
      });
    }
    kek = await deriveKeyFromPassword(password, keybag);
    what = "wrong backup password";
  }
  const classKeys = unlockKeybag(keybag, kek);
  if (!classKeys) throw new WrongPasswordError(manifestPlistPath, what);
  return { keybag, kek, classKeys };
}
export {
  keybagOf,
  unlockBackup
};
