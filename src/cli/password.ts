// Where the secrets of the commands come from: the option, else the environment variable, else a
// hidden prompt when a terminal is attached (a command started by `vigil app` asks the app
// instead), else nothing (the opener then says which option to give). The openers receive the
// option's value and this chain as a callback, asked only when the acquisition turns out to be
// encrypted; a key file (--key-file) skips the password entirely.
import { VigilError } from "../core/errors.ts";
import { askApp, fromApp } from "./app-channel.ts";

export const PASSWORD_ENV = "VIGIL_BACKUP_PASSWORD";
export const AGE_PASSPHRASE_ENV = "VIGIL_AGE_PASSPHRASE";

export function canPrompt(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}

/**
 * The secret given by option or environment, or asked for. `prompt`: false never asks (tests, a
 * run with no terminal); a function is asked in place of the terminal.
 */
export function secretChain(
  option: string | undefined,
  env: string,
  question: string,
  prompt: boolean | ((question: string) => Promise<string>) = true,
): () => Promise<string | undefined> {
  return async () => {
    if (option !== undefined) return option;
    const v = process.env[env];
    if (v !== undefined && v !== "") return v;
    if (typeof prompt === "function") return prompt(question);
    if (prompt && fromApp()) return askApp(env === AGE_PASSPHRASE_ENV ? "passphrase" : "password", question);
    if (prompt && canPrompt()) return promptHidden(question);
    return undefined;
  };
}

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new VigilError("cannot ask for the password: no terminal attached", { code: "password" }));
  process.stderr.write(question);
  return new Promise((resolveP, rejectP) => {
    let value = "";
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write("\n");
      if (err) rejectP(err);
      else resolveP(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") {
          done(new VigilError("password entry cancelled", { code: "password" }));
          return;
        }
        if (ch === "\u0004") return done();
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
