// The invariant every target checks: a parser returns a result, or throws a VigilError whose
// message is one non-empty line and that no bug (a TypeError, RangeError or ReferenceError among
// its causes) was turned into. Anything else it throws is a finding, named by a signature
// that stays the same for the same bug (error class, message with numbers and quoted parts
// blanked, and the first stack frame inside Vigil's sources or a library).
import { VigilError } from "../../src/core/errors.ts";
import type { FindingKind } from "./types.ts";

export type Outcome = { ok: true; rejected: boolean } | { ok: false; kind: FindingKind; signature: string; message: string; stack?: string };

/** Errors that only a bug throws: a VigilError made from one (a module's "cannot read database: ...") hides it. */
const BUG_ERRORS = [TypeError, RangeError, ReferenceError];

/** The bug a VigilError was made from, following its causes. */
function wrappedBug(error: VigilError): Error | undefined {
  for (let c: unknown = error.cause, depth = 0; c !== undefined && depth < 8; c = (c as Error).cause, depth++) {
    if (BUG_ERRORS.some((k) => c instanceof k)) return c as Error;
    if (!(c instanceof Error)) return undefined;
  }
  return undefined;
}

export function judge(error: unknown): Outcome {
  if (error instanceof VigilError) {
    const m = error.message;
    const bug = wrappedBug(error);
    if (bug) return finding("exception", bug);
    if (m.trim() && !m.includes("\n")) return { ok: true, rejected: true };
    return { ok: false, kind: "bad-message", signature: `VigilError with ${m.trim() ? "a multi-line" : "an empty"} message @ ${frameOf(error.stack)}`, message: JSON.stringify(m).slice(0, 300), stack: error.stack };
  }
  return finding("exception", error);
}

export function finding(kind: FindingKind, error: unknown): Outcome & { ok: false } {
  const e = error instanceof Error ? error : new Error(String(error));
  const message = `${e.name}: ${e.message.split("\n")[0]}`.slice(0, 500);
  return { ok: false, kind, signature: `${kind} ${e.name}: ${shape(e.message)} @ ${frameOf(e.stack)}`, message, stack: e.stack };
}

/** The message with what varies between inputs (numbers, quoted text, hex) blanked. */
export function shape(message: string): string {
  return message
    .split("\n")[0]
    .replace(/(["'`]).*?\1/g, "$1…$1")
    .replace(/0x[0-9a-f]+/gi, "N")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}

/** The first stack frame in src/ or in a package, as "file:line" relative to the repository. */
export function frameOf(stack: string | undefined): string {
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()]*?)(?::(\d+):\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const path = m[1].replace(/^file:\/\//, "");
    const i = path.search(/\/(src|node_modules)\//);
    if (i >= 0) return `${path.slice(i + 1)}:${m[2] ?? "?"}`;
  }
  return "?";
}
