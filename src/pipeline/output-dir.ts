// The results folder: its default name, the checks made before any work (never inside the
// evidence, never over a previous run), and its creation.
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { describeError, VigilError } from "../core/errors.ts";

/**
 * The default results folder, `vigil-results/<kind>-<UTC time to the second>`. Two checks started
 * in the same second get the same name here; makeOutputDir(..., { unique: true }) then gives the
 * second one `-2`, `-3`...
 */
export function defaultOutputDir(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  return resolve("vigil-results", `${kind}-${stamp}`);
}

/** Refuses an output folder inside the evidence: evidence is never written to. */
export function checkOutputDir(out: string, inputs: string[], opts: { unique?: boolean } = {}): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const o = real(out);
  for (const input of inputs) {
    const i = real(input);
    if (o === i || o.startsWith(i + sep)) throw new VigilError("the results folder must not be inside the evidence", { file: out, code: "usage" });
  }
  let up = resolve(out);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new VigilError("not a folder", { file: up, code: "usage" });
  // A default folder is never reused: makeOutputDir picks a fresh name beside it.
  if (!opts.unique && existsSync(out) && readdirSync(out).some((f) => f === "info.json")) {
    throw new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });
  }
}

/**
 * Creates the results folder one level at a time: Node's recursive mkdir spins forever where
 * mkdir answers ENOENT for an existing parent (under /proc, for one), and the user gets no error.
 * With `unique`, the folder itself must be new: when `out` exists (another check started in the
 * same second made it), `out-2`, `out-3`... is tried, each created atomically, so two concurrent
 * checks never share a folder. Returns the folder created (or reused, without `unique`).
 */
export function makeOutputDir(out: string, opts: { mode?: number; unique?: boolean } = {}): string {
  const target = resolve(out);
  const missing: string[] = [];
  for (let d = opts.unique ? dirname(target) : target; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  /** Creates one folder; false when it already exists. */
  const make = (d: string): boolean => {
    try {
      mkdirSync(d, opts.mode);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(d).isDirectory()) return false;
      throw new VigilError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  };
  for (const d of missing) make(d);
  if (!opts.unique) return target;
  for (let n = 1; ; n++) {
    const d = n === 1 ? target : `${target}-${n}`;
    if (make(d)) return d;
  }
}
