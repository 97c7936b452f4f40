// The package as npm ships it: `npm pack` holds only what runs, and the packed tarball, installed
// globally into a prefix made read-only, runs `vigil demo` and a check from another folder and
// writes nothing inside its install folder.
// Install scripts are skipped: better-sqlite3's would compile SQLite (a minute or more of CPU),
// so its native addon is taken as built in this checkout. Dependencies come from npm's cache
// (--prefer-offline), else from the registry.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { after, before, test } from "node:test";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";

const REPO = resolve(import.meta.dirname, "../../..");
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { name: string; version: string; license: string; bin: Record<string, string> };
const tmp = mkdtempSync(join(tmpdir(), "vigil-package-"));
const prefix = join(tmp, "prefix");
const installed = join(prefix, "lib", "node_modules", PKG.name);
const elsewhere = join(tmp, "elsewhere");
let packed: string[];
let listing: Map<string, string>;

/** The environment of a user's shell: none of the variables `npm test` sets for its script. */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const keep = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig", "npm_config_registry"]);
  for (const k of Object.keys(env)) if (k.startsWith("npm_") && !keep.has(k)) delete env[k];
  return env;
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: userEnv() });
  assert.equal(r.status, 0, `npm ${args.join(" ")}: ${r.error ?? ""}${r.stderr}`);
  return r;
}

/** Every entry below `dir` with its type, mode, size, mtime and, for files, content digest. */
function list(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const sum = st.isFile() ? createHash("sha256").update(readFileSync(p)).digest("hex") : "";
      out.set(relative(dir, p), `${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${sum}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function chmodTree(dir: string, writable: boolean): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) chmodTree(p, writable);
    chmodSync(p, writable ? st.mode | 0o200 : st.mode & ~0o222);
  }
  const st = lstatSync(dir);
  chmodSync(dir, writable ? st.mode | 0o200 : st.mode & ~0o222);
}

function vigil(args: string[]): SpawnSyncReturns<string> {
  // The command as a user's shell finds it, with this test's node first on the PATH.
  const env = { ...userEnv(), PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
  return spawnSync(join(prefix, "bin", "vigil"), args, { cwd: elsewhere, encoding: "utf8", env });
}

before(() => {
  mkdirSync(elsewhere);
  const out = npm(["pack", "--json", "--pack-destination", tmp], REPO).stdout;
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path).sort();
  npm(["install", "--global", "--prefix", prefix, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", join(tmp, info!.filename)], elsewhere);
  const addon = join("build", "Release", "better_sqlite3.node");
  cpSync(join(REPO, "node_modules", "better-sqlite3", addon), join(installed, "node_modules", "better-sqlite3", addon));
  chmodTree(prefix, false);
  listing = list(prefix);
});

after(() => {
  if (existsSync(prefix)) chmodTree(prefix, true);
  rmSync(tmp, { recursive: true, force: true });
});

test("npm pack ships the build, the data and the assets, and no sources, tests or tooling", () => {
  for (const f of ["LICENSE", "README.md", "package.json", "bin/vigil.js", "dist/main.js", "dist/worker.js", "dist/build.json", "data/iocs/snapshot.json"]) {
    assert.ok(packed.includes(f), `${f} not packed`);
  }
  const bad = packed.filter((f) => /^(test|bench|scripts|\.ci|node_modules)\//.test(f) || f.endsWith(".ts") || f.endsWith(".map") || f === "src/parallel/worker-tsx.mjs");
  assert.deepEqual(bad, []);
  assert.deepEqual(packed.filter((f) => f.startsWith("dist/") && !/^dist\/(main\.js|worker\.js|build\.json|chunk-[A-Z0-9]+\.js)$/.test(f)), []);
  // Every asset beside the sources (report styles, translations, rule files) is shipped.
  const assets = readdirSync(join(REPO, "src"), { recursive: true })
    .map((f) => `src/${String(f)}`)
    .filter((f) => /\.[a-z]+$/.test(f) && !f.endsWith(".ts") && f !== "src/parallel/worker-tsx.mjs");
  assert.ok(assets.length > 0);
  assert.deepEqual(assets.filter((f) => !packed.includes(f)), []);
});

test("the package says what it is: its name, the vigil command, MIT as in LICENSE, the Node it needs", () => {
  assert.equal(PKG.name, "vigil-forensics");
  assert.deepEqual(Object.keys(PKG.bin), ["vigil"]);
  assert.equal(PKG.license, "MIT");
  assert.match(readFileSync(join(REPO, "LICENSE"), "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} The Vigil authors\n/);
  const installedPkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { engines?: { node?: string } };
  assert.match(installedPkg.engines?.node ?? "", /^>=20/);
});

test("the installed vigil runs from another folder and writes nothing in its install folder", async () => {
  const version = vigil(["--version"]);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), PKG.version);

  const demo = vigil(["demo", "--output", "demo-results", "--quiet"]);
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /TRACES OF KNOWN SPYWARE FOUND/);
  assert.ok(existsSync(join(elsewhere, "demo-results", "report.html")));

  const backup = (await buildSyntheticBackup(join(tmp, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
  const check = vigil(["check-backup", backup, "--json"]);
  assert.equal(check.status, 10, check.stderr);
  assert.equal((JSON.parse(check.stdout) as { verdict: string }).verdict, "traces_found");
  // Results go to ./vigil-results of the folder vigil was started from.
  assert.equal(readdirSync(join(elsewhere, "vigil-results")).length, 1);

  const changed = [...list(prefix)].filter(([p, v]) => listing.get(p) !== v).map(([p]) => p);
  const gone = [...listing.keys()].filter((p) => !existsSync(join(prefix, p)));
  assert.deepEqual({ changed, gone }, { changed: [], gone: [] });
});
