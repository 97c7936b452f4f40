// Vigil is written in TypeScript and needs no build step: bin/vigil.js calls ensureBundle(),
// which bundles src/ with esbuild (about 0.2 s) the first time and whenever a source file
// changed, into dist/<fingerprint>/. Running the bundle instead of the sources through tsx saves
// about half a second and 40 MB per process, and lets worker threads start without a loader.
// If bundling is impossible (read-only install, esbuild missing), the caller falls back to tsx.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
/** The programs Vigil runs: the CLI and the worker that runs modules in parallel. */
export const ENTRY_POINTS = { main: "src/cli/main.ts", worker: "src/parallel/worker.ts" };
// A bundle that another process may still be running is kept for this long after it is replaced.
const KEEP_OLD_MS = 24 * 3600 * 1000;

/** A digest of every source file's path, size and mtime, of package.json and of this script. */
function fingerprint() {
  const h = createHash("sha256");
  const files = readdirSync(SRC, { recursive: true }).map(String).sort();
  for (const f of [...files.map((x) => join(SRC, x)), join(ROOT, "package.json"), import.meta.filename]) {
    const st = statSync(f);
    if (st.isFile()) h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * Returns the folder of an up-to-date bundle, building it when needed. Throws when it cannot.
 * `dist` is where bundles are kept (tests use their own).
 */
export async function ensureBundle(dist = DIST) {
  const id = fingerprint();
  const dir = join(dist, id);
  if (existsSync(join(dir, "main.js"))) return dir;
  const { build } = await import("esbuild");
  mkdirSync(dist, { recursive: true });
  // Built beside its final place and renamed, so concurrent first runs never see half a bundle.
  const tmp = join(dist, `.tmp-${process.pid}-${Date.now()}`);
  try {
    await build({
      entryPoints: ENTRY_POINTS,
      // Entry points are relative to the repository, not to where vigil was started from.
      absWorkingDir: ROOT,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Pure-JS packages are bundled too: loading them from node_modules one file at a time (CommonJS
      // parsed twice, once to find its exports) took a tenth of a second of every start. Native
      // and lazily loaded ones stay imports by name, resolved from the repository's node_modules.
      external: ["better-sqlite3", "age-encryption", "esbuild", "tsx"],
      // Bundled CommonJS packages require node's built-ins.
      banner: { js: 'import { createRequire as __vigilRequire } from "node:module"; const require = __vigilRequire(import.meta.url);' },
      sourcemap: "linked",
      logLevel: "silent",
    });
    writeFileSync(join(tmp, "package.json"), '{ "type": "module" }\n');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process built the same bundle first.
      if (!existsSync(join(dir, "main.js"))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(dist, id);
  return dir;
}

function prune(dist, keep) {
  const now = Date.now();
  for (const name of readdirSync(dist)) {
    if (name === keep) continue;
    const p = join(dist, name);
    try {
      if (now - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone already */
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await ensureBundle();
  console.log(`bundle: ${dir}`);
}
