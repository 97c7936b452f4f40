// Helpers for "evidence is never modified" checks and for running the `vigil` command in tests.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { VigilError } from "../../src/core/errors.ts";

/** SHA-256 of every file below `dir`, keyed by its path relative to `dir`. */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

/** One digest for a whole tree (names and contents). */
export function treeDigest(dir: string): string {
  const h = createHash("sha256");
  for (const [p, sum] of hashTree(dir)) h.update(p).update(sum);
  return h.digest("hex");
}

export const VIGIL_BIN = resolve(import.meta.dirname, "../../bin/vigil.js");

export interface VigilRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vigil` asynchronously (tests run in parallel), with no password in the environment.
 * `nodeArgs`: options for node itself (a preloaded module); the launcher passes them on to the check.
 */
export function runVigil(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<VigilRun> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [...nodeArgs, VIGIL_BIN, ...args], {
      env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", VIGIL_AGE_PASSPHRASE: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", rej);
    p.on("close", (status) => res({ status, stdout, stderr }));
  });
}

/** Awaits `p`, asserts it rejects with a one-line VigilError, and returns that error. */
export async function oneLineError(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VigilError, String(e));
    assert.ok(!e.oneLine().includes("\n"));
    return e;
  }
  assert.fail("expected an error");
}
