import { canPrompt, promptHidden } from "./password.js";
const AGE_PASSPHRASE_ENV = "VIGIL_AGE_PASSPHRASE";
const BACKUP_PASSWORD_ENV = "VIGIL_BACKUP_PASSWORD";
function secretChain(option, env, question) {
  return async () => {
    if (option !== void 0) return option;
    const v = process.env[env];
    if (v !== void 0 && v !== "") return v;
    if (canPrompt()) return promptHidden(question);
    return void 0;
  };
}
export {
  AGE_PASSPHRASE_ENV,
  BACKUP_PASSWORD_ENV,
  secretChain
};
