// Where the Android commands' secrets come from: the option, else the environment variable,
// else a hidden prompt when a terminal is attached, else nothing (the opener then says which
// option to give).
import { canPrompt, promptHidden } from "./password.ts";

export const AGE_PASSPHRASE_ENV = "VIGIL_AGE_PASSPHRASE";
export const BACKUP_PASSWORD_ENV = "VIGIL_BACKUP_PASSWORD";

export function secretChain(option: string | undefined, env: string, question: string): () => Promise<string | undefined> {
  return async () => {
    if (option !== undefined) return option;
    const v = process.env[env];
    if (v !== undefined && v !== "") return v;
    if (canPrompt()) return promptHidden(question);
    return undefined;
  };
}
