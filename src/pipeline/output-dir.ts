// The results folder: its default name, the checks made before any work (never inside the
// evidence, never over a previous run), and its creation.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeError, VigilError } from "../core/errors.ts";
import { isInside } from "../core/real-path.ts";

export function defaultOutputDir(kind: string): string {
  const stamp = new Date().toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  return resolve("vigil-results", `${kind}-${stamp}`);
}

/**
 * Refuses an output folder inside the evidence: evidence is never written to. Symlinks are
 * resolved on every existing part of the path, so a link that leads into the evidence is caught
 * before the folder below it exists.
 */
export function checkOutputDir(out: string, inputs: string[]): void {
  for (const input of inputs) {
    if (isInside(out, input)) throw new VigilError("the results folder must not be inside the evidence", { file: out, code: "usage" });
  }
  let up = resolve(out);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new VigilError("not a folder", { file: up, code: "usage" });
  if (existsSync(out) && readdirSync(out).some((f) => f === "info.json")) {
    throw new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });
  }
}

/**
 * Creates the results folder one level at a time: Node's recursive mkdir spins forever where
 * mkdir answers ENOENT for an existing parent (under /proc, for one), and the user gets no error.
 */
export function makeOutputDir(out: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = resolve(out); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, mode);
    } catch (e) {
      throw new VigilError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  }
}
