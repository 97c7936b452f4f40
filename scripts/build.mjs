// Builds dist/ from src/ with esbuild: `npm run build`, also run by npm on `npm ci` in a checkout
// (prepare) and before `npm pack` (prepack, with --clean). bin/vigil.js runs dist/main.js; worker
// threads start from dist/worker.js; code both share sits in chunk files beside them.
// In a git checkout bin/vigil.js calls isBuilt() and, when src/ changed since the last build,
// build(): dist/build.json records which sources a build was made from.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
/** The programs Vigil runs: the CLI and the worker that runs modules in parallel. */
export const ENTRY_POINTS = { main: "src/cli/main.ts", worker: "src/parallel/worker.ts" };
/** Packages left in node_modules: a native one, and one only encrypted androidqf bundles load. */
const EXTERNAL = ["better-sqlite3", "age-encryption"];
const STAMP = "build.json";
// A file of an earlier build is kept this long: a vigil started before the build may still load it.
const KEEP_OLD_MS = 24 * 3600 * 1000;

/** A digest of what a build is made from: every source file's path, size and mtime, package.json and this script. */
export function sourceStamp(root = ROOT) {
  const h = createHash("sha256");
  const src = join(root, "src");
  const files = readdirSync(src, { recursive: true }).map((f) => join(src, String(f))).sort();
  for (const f of [...files, join(root, "package.json"), import.meta.filename]) {
    const st = statSync(f);
    if (st.isFile()) h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

/** True when `dist` holds a build of the sources as they are now. */
export function isBuilt(root = ROOT, dist = join(root, "dist")) {
  try {
    return JSON.parse(readFileSync(join(dist, STAMP), "utf8")).sources === sourceStamp(root);
  } catch {
    return false;
  }
}

/**
 * Builds `dist` from the sources under `root`. Each file is written beside its place and renamed
 * into it, and build.json last, so that a vigil starting meanwhile runs either build, never a mix;
 * builds of the same sources write the same files, so concurrent ones agree. `clean` removes every
 * other file of `dist` at once (for a package), else files of earlier builds go once a day old.
 */
export async function build({ root = ROOT, dist = join(root, "dist"), clean = false } = {}) {
  const sources = sourceStamp(root);
  const { build: esbuild } = await import("esbuild");
  const result = await esbuild({
    entryPoints: ENTRY_POINTS,
    // Entry points are relative to the checkout, not to the folder the build was started from.
    absWorkingDir: root,
    outdir: dist,
    write: false,
    bundle: true,
    splitting: true,
    // Shared and lazily loaded code alike: dist/ holds main.js, worker.js and chunk-*.js.
    chunkNames: "chunk-[hash]",
    format: "esm",
    platform: "node",
    target: "node20",
    // Pure-JS packages are bundled: loading them from node_modules file by file slows every start.
    external: EXTERNAL,
    // Bundled CommonJS packages require node's built-ins.
    banner: { js: 'import { createRequire as __vigilRequire } from "node:module"; const require = __vigilRequire(import.meta.url);' },
    logLevel: "silent",
  });
  mkdirSync(dist, { recursive: true });
  const id = createHash("sha256");
  const names = new Set([STAMP]);
  for (const f of [...result.outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    names.add(basename(f.path));
    id.update(`${basename(f.path)}\0`).update(f.contents);
    place(f.path, f.contents);
  }
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  place(join(dist, STAMP), `${JSON.stringify({ version, id: id.digest("hex").slice(0, 16), sources }, null, 2)}\n`);
  const now = Date.now();
  for (const name of readdirSync(dist)) {
    if (names.has(name)) continue;
    const p = join(dist, name);
    try {
      if (clean || now - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone already */
    }
  }
  return dist;
}

function place(path, contents) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

if (import.meta.filename === resolve(process.argv[1] ?? "")) {
  await build({ clean: process.argv.includes("--clean") });
}
