// A private folder per fuzzing process for the targets whose parser reads a file from disk
// (zip, .ab, age, results folders); removed when the process ends.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let dir: string | undefined;

export function scratchDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "vigil-fuzz-target-"));
    const d = dir;
    process.on("exit", () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

/** Writes the input to a file of this name in the scratch folder and returns its path. */
export function scratchFile(name: string, data: Buffer): string {
  const p = join(scratchDir(), name);
  writeFileSync(p, data);
  return p;
}
