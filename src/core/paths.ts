// Where Vigil's own files are: the repository root (the folder holding Vigil's package.json, also
// the installed package's folder), its data/ and its src/ (assets beside the sources, shipped in
// the package too). Found by walking up from this module, so the same code works when it runs
// from src/ through tsx and when it runs from the build in dist/ (see bin/vigil.js).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Vigil's name on npm (`vigil` is another package). */
const PACKAGE_NAME = "vigil-forensics";

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`Vigil's package.json not found above ${start}`);
  }
}

export const REPO_ROOT = findRoot(import.meta.dirname);
export const SRC_DIR = join(REPO_ROOT, "src");
export const DATA_DIR = join(REPO_ROOT, "data");
/** Files shipped beside the sources (YAML rules, catalogs, report assets), by path under src/. */
export const srcAsset = (...parts: string[]): string => join(SRC_DIR, ...parts);
