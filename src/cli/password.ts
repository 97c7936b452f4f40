// Where the password of an encrypted backup comes from: --password, else the environment
// variable, else a hidden prompt when a terminal is attached. A key file (--key-file) skips the
// password entirely.
import { VigilError } from "../core/errors.ts";

export const PASSWORD_ENV = "VIGIL_BACKUP_PASSWORD";

export interface SecretOptions {
  password?: string;
  keyFile?: string;
  /** The derived key itself (a worker thread reopening a backup the main thread unlocked). */
  derivedKey?: Uint8Array;
  /** true: prompt when a terminal is attached (default); false: never; a function: ask it. */
  promptPassword?: boolean | ((question: string) => Promise<string>);
}

export function canPrompt(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}

/** The password given by option or environment, or asked for; undefined when there is no way to get one. */
export async function resolvePassword(opts: SecretOptions, question: string): Promise<string | undefined> {
  if (opts.password !== undefined) return opts.password;
  const env = process.env[PASSWORD_ENV];
  if (env !== undefined && env !== "") return env;
  if (typeof opts.promptPassword === "function") return opts.promptPassword(question);
  if (opts.promptPassword !== false && canPrompt()) return promptHidden(question);
  return undefined;
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
