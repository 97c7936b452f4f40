// Which command-line options carry a secret, and the command line with their values replaced by
// "***". Plain JavaScript so that bin/vigil.js, which runs before any TypeScript loader, uses the
// same list as the pipeline that records the command in info.json (types: secret-args.d.mts).

/** Long options whose value is a password or passphrase. */
export const SECRET_LONG = ["--password", "--passphrase", "--backup-password"];
/** Short options whose value is a password (-p of check-backup, decrypt-backup, extract-key). */
const SECRET_SHORT = "p";
/** Short options that take a value: in a cluster ("-qp VALUE", "-pVALUE") the rest is their value. */
const VALUE_SHORT = "iomjk";
export const REDACTED = "***";
/** The password of a URL's credentials ("postgres://user:password@host/db", the case archive). */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/gi;

/**
 * The arguments (without node and the script) with every secret option's value replaced by
 * "***": `--password X`, `--password=X`, `-p X`, `-pX`, `-qp X`; and the password of any URL
 * given with credentials (`--archive postgres://user:***@host/db`). Other arguments after "--"
 * are operands and are kept.
 */
export function redactArgs(args) {
  return redactOptions(args).map((a) => a.replace(URL_PASSWORD, `$1:${REDACTED}@`));
}

function redactOptions(args) {
  const out = [];
  let hideNext = false;
  let operands = false;
  for (const a of args) {
    if (hideNext) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    if (operands || a === "--") {
      operands = true;
      out.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a : a.slice(0, eq);
      if (SECRET_LONG.includes(name)) {
        if (eq < 0) hideNext = true;
        out.push(eq < 0 ? a : `${name}=${REDACTED}`);
        continue;
      }
      out.push(a);
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // A cluster of short options: flags up to the first one that takes a value.
      let i = 1;
      while (i < a.length && !VALUE_SHORT.includes(a[i]) && a[i] !== SECRET_SHORT) i++;
      if (i < a.length && a[i] === SECRET_SHORT) {
        if (i === a.length - 1) hideNext = true;
        out.push(i === a.length - 1 ? a : a.slice(0, i + 1) + REDACTED);
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/** Whether redactArgs hides anything in these arguments. */
export function hasSecretArgs(args) {
  return redactArgs(args).some((a, i) => a !== args[i]);
}
