// Secrets out of anything Vigil records: a command line in info.json or command.log, a progress
// line. Passwords normally arrive by prompt, environment or file; one given as an option, or
// inside a database URL, is replaced by *** before it is written anywhere.

/** Options whose value is a secret (the value itself, not a file naming it). */
const SECRET_OPTIONS = new Set(["--password", "-p", "--passphrase", "--backup-password", "--key", "--secret", "--token"]);

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi;
const SECRET_ASSIGNMENT = /\b([A-Z0-9_]*(?:PASSWORD|PASSPHRASE|SECRET|TOKEN)[A-Z0-9_]*)=(\S+)/g;

/** A command line with secret option values, URL passwords and PASSWORD=... assignments replaced by ***. */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf("=");
    if (a.startsWith("-") && eq > 0 && SECRET_OPTIONS.has(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq)}=***`);
    } else if (SECRET_OPTIONS.has(a) && i + 1 < args.length) {
      out.push(a, "***");
      i++;
    } else {
      out.push(redactText(a));
    }
  }
  return out;
}

/** A line of text with URL passwords and PASSWORD=... assignments replaced by ***. */
export function redactText(s: string): string {
  return s.replace(URL_PASSWORD, "$1:***@").replace(SECRET_ASSIGNMENT, "$1=***");
}
