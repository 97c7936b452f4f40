// Secrets out of a line of text Vigil records (command.log): the password of a URL with
// credentials, as secret-args.mjs hides it in a command line, and a PASSWORD=..., SECRET=... or
// TOKEN=... assignment, replaced by ***.
import { redactArgs } from "./secret-args.mjs";

const SECRET_ASSIGNMENT = /\b([A-Z0-9_]*(?:PASSWORD|PASSPHRASE|SECRET|TOKEN)[A-Z0-9_]*)=(\S+)/g;

/** A line of text with URL passwords and PASSWORD=... assignments replaced by ***. */
export function redactText(s: string): string {
  return redactArgs([s])[0]!.replace(SECRET_ASSIGNMENT, "$1=***");
}
