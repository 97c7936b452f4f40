class VigilError extends Error {
  file;
  code;
  constructor(message, opts = {}) {
    super(message, opts.cause === void 0 ? void 0 : { cause: opts.cause });
    this.name = "VigilError";
    this.file = opts.file;
    this.code = opts.code ?? "input";
  }
  /** The single line shown to the user. */
  oneLine() {
    return this.file ? `${this.file}: ${this.message}` : this.message;
  }
}
class WrongPasswordError extends VigilError {
  constructor(file, what = "wrong password or key") {
    super(what, { file, code: "password" });
  }
}
function describeError(e) {
  if (e instanceof VigilError) return e.oneLine();
  if (e instanceof Error) {
    const code = e.code;
    const msg = e.message.split("\n")[0];
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(e).split("\n")[0];
}
export {
  VigilError,
  WrongPasswordError,
  describeError
};
