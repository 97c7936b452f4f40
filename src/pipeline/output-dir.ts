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
  if (existsSync(out)) {
    refuseIfLocked(out);
    if (existsSync(join(out, "info.json"))) throw previousRun(out);
  }
}

const previousRun = (out: string) => new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });

/** A results folder held by this check until it is kept (complete) or discarded. */
export interface OutputClaim {
  /** The results are complete: the folder is released with them. */
  keep(): void;
  /** The check stopped: the files it wrote and the folders it created are removed. */
  discard(): void;
}

/**
 * Creates and locks the results folder. `previous`: a file whose presence means the folder holds
 * a finished run (checked again once locked: another check may have finished there meanwhile).
 * Until keep(), a signal that stops the process discards what the check wrote.
 */
export function claimOutputDir(out: string, previous: string): OutputClaim {
  const created = makeOutputDir(out);
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
 * Returns the folders it created, outermost first.
 */
export function makeOutputDir(out: string, mode?: number): string[] {
  const missing: string[] = [];
  for (let d = resolve(out); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of [...missing]) {
    try {
      mkdirSync(d, mode);
    } catch (e) {
      // Made meanwhile by another process (another check): not ours to remove.
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(d).isDirectory()) {
        missing.splice(missing.indexOf(d), 1);
        continue;
      }
      throw new VigilError(`cannot create the folder (${(e as NodeJS.ErrnoException).code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  }
  return missing;
}
