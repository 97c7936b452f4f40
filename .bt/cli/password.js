import { VigilError } from "../core/errors.js";
const PASSWORD_ENV = "VIGIL_BACKUP_PASSWORD";
function canPrompt() {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}
async function resolvePassword(opts, question) {
  if (opts.password !== void 0) return opts.password;
  const env = process.env[PASSWORD_ENV];
  if (env !== void 0 && env !== "") return env;
  if (typeof opts.promptPassword === "function") return opts.promptPassword(question);
  if (opts.promptPassword !== false && canPrompt()) return promptHidden(question);
  return void 0;
}
function promptHidden(question) {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new VigilError("cannot ask for the password: no terminal attached", { code: "password" }));
  process.stderr.write(question);
  return new Promise((resolveP, rejectP) => {
    let value = "";
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err) => {
      stdin.off("data", onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write("\n");
      if (err) rejectP(err);
      else resolveP(value);
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "") {
          done(new VigilError("password entry cancelled", { code: "password" }));
          return;
        }
        if (ch === "") return done();
        if (ch === "\x7F" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
export {
  PASSWORD_ENV,
  canPrompt,
  promptHidden,
  resolvePassword
};
