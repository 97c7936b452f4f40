/**
 * An error about the user's input, printed as one line without a stack trace:
 * "<file>: <problem>". Anything else that escapes is a bug and is printed with its stack
 * only when VIGIL_DEBUG is set.
 */
export class VigilError extends Error {
  readonly file?: string;
  readonly code: string;
  constructor(message: string, opts: { file?: string; code?: string; cause?: unknown } = {}) {
    // One line whatever the message quotes (a database schema, a damaged name): each run of
    // whitespace holding a line break becomes one space (/\s*[\r\n]+\s*/g said the same but
    // tried every split of a long run of spaces without a line break: quadratic).
    super(message.replace(/\s+/g, (ws) => (/[\r\n]/.test(ws) ? " " : ws)), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "VigilError";
    this.file = opts.file;
    this.code = opts.code ?? "input";
  }
  /** The single line shown to the user. */
  oneLine(): string {
    return this.file ? `${this.file}: ${this.message}` : this.message;
  }
}

/** A wrong password or key: its own class so the CLI can give the error exit code and no results. */
export class WrongPasswordError extends VigilError {
  constructor(file: string, what = "wrong password or key") {
    super(what, { file, code: "password" });
  }
}

/** One line describing any thrown value, for coverage reasons and logs. */
export function describeError(e: unknown): string {
  if (e instanceof VigilError) return e.oneLine();
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = e.message.split("\n")[0];
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(e).split("\n")[0];
}
