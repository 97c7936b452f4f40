// Where the shared test corpus is, for the conformance suite only (unit tests never need it).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const CORPUS = resolve(process.env.VIGIL_CORPUS ?? join(import.meta.dirname, "../../../shared/corpus"));
export const HAVE_CORPUS = existsSync(CORPUS);
export function corpus(...parts: string[]): string {
  return join(CORPUS, ...parts);
}
