// The results folder: its default name, the checks made before any work (never inside the
// evidence, never over a previous run, never while another check writes there), and its
// claim: created, locked for this check, and emptied of this check's files if the check stops
// before it is complete (an error, Ctrl-C), so that no partial results are left to look finished.
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describeError, VigilError } from "../core/errors.ts";
import { onInterrupt } from "../core/interrupt.ts";
import { isInside } from "../core/real-path.ts";
import { lockFolder, refuseIfLocked } from "../core/output-lock.ts";

/**
 * The default results folder, `vigil-results/<kind>-<UTC time to the second>`. Two checks started
 * in the same second get the same name here; claimOutputDir(..., { unique: true }) then gives the
 * second one `-2`, `-3`...
 */
export function defaultOutputDir(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  return resolve("vigil-results", `${kind}-${stamp}`);
}

/**
 * Refuses an output folder inside the evidence: evidence is never written to. Symlinks are
 * resolved on every existing part of the path, so a link that leads into the evidence is caught
 * before the folder below it exists. With `unique` (a default folder, never reused: a fresh name
 * beside it is taken when it is made), a previous run or a running check there is no obstacle.
 */
export function checkOutputDir(out: string, inputs: string[], opts: { unique?: boolean } = {}): void {
  for (const input of inputs) {
    if (isInside(out, input)) throw new VigilError("the results folder must not be inside the evidence", { file: out, code: "usage" });
  }
  let up = resolve(out);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new VigilError("not a folder", { file: up, code: "usage" });
  if (!opts.unique && existsSync(out)) {
    refuseIfLocked(out);
    if (existsSync(join(out, "info.json"))) throw previousRun(out);
  }
}

const previousRun = (out: string) => new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });

/** A results folder held by this check until it is kept (complete) or discarded. */
export interface OutputClaim {
  /** The folder claimed: `out`, or with `unique` the fresh folder beside it. */
  dir: string;
  /** The results are complete: the folder is released with them. */
  keep(): void;
  /** The check stopped: the files it wrote and the folders it created are removed. */
  discard(): void;
}

/**
 * Creates and locks the results folder. `previous`: a file whose presence means the folder holds
 * a finished run (checked again once locked: another check may have finished there meanwhile).
 * Until keep(), a signal that stops the process discards what the check wrote. With `unique`, the
 * folder is a new one (see makeOutputDir).
 */
export function claimOutputDir(target: string, previous: string, opts: { unique?: boolean } = {}): OutputClaim {
  const { dir: out, created } = makeOutputDir(target, { unique: opts.unique });
  const removeCreated = () => {
    for (const d of [...created].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // Not empty (someone else's files) or gone: left as it is.
      }
    }
  };
  let lock: { release(): void };
  try {
    lock = lockFolder(out);
  } catch (e) {
    removeCreated();
    throw e;
  }
  if (existsSync(join(out, previous))) {
    lock.release();
    throw previousRun(out);
  }
  const before = new Set(readdirSync(out));
  let done = false;
  const discard = () => {
    if (done) return;
    done = true;
    for (const name of readdirSync(out)) if (!before.has(name)) rmSync(join(out, name), { recursive: true, force: true });
    lock.release();
    removeCreated();
  };
  const off = onInterrupt(() => {
    discard();
    process.stderr.write(`vigil: the unfinished results were removed from ${out}\n`);
  });
  return {
    dir: out,
    keep() {
      off();
      if (!done) lock.release();
      done = true;
    },
    discard() {
      off();
      discard();
    },
  };
}

/**
 * Creates the results folder one level at a time: Node's recursive mkdir spins forever where
 * mkdir answers ENOENT for an existing parent (under /proc, for one), and the user gets no error.
 * With `unique`, the folder itself must be new: when `out` exists (another check started in the
 * same second made it), `out-2`, `out-3`... is tried, each created atomically, so two concurrent
 * checks never share a folder. Returns the folder (`dir`) and the folders it created, outermost
 * first (`created`).
 */
export function makeOutputDir(out: string, opts: { mode?: number; unique?: boolean } = {}): { dir: string; created: string[] } {
  const target = resolve(out);
  const missing: string[] = [];
  for (let d = opts.unique ? dirname(target) : target; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  /** Creates one folder; false when it already exists (made meanwhile by another check: not ours to remove). */
  const make = (d: string): boolean => {
    try {
      mkdirSync(d, opts.mode);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(d).isDirectory()) return false;
      throw new VigilError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  };
  const created = missing.filter(make);
  if (!opts.unique) return { dir: target, created };
  for (let n = 1; ; n++) {
    const d = n === 1 ? target : `${target}-${n}`;
    if (make(d)) return { dir: d, created: [...created, d] };
  }
}
