// Parsed indicator files, kept between runs. Parsing the public indicator sets (STIX bundles,
// YAML, CSV and lists: 7 MB, 24k indicators) takes about half a second of a check's start; the
// parsed result, read back, takes a tenth of that. An entry is used only when everything that
// went into it is the same: the bytes of every file (SHA-256), their paths, each root's
// snapshot.json, and the code that parsed them (the build's id, which changes with any source
// file, the Node version, and the installed packages). Without a build (Vigil run through tsx)
// there is no such id, and nothing is cached.
// Entries are checked against a digest of their content, written whole and renamed into place;
// a damaged or unreadable entry is ignored (the files are parsed again), never trusted.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";
import { vigilHome } from "./cache.ts";
import type { LoadedSet, LoadProblem } from "./types.ts";

export interface ParseCache {
  /** Folder of the entries. */
  dir: string;
  /** What identifies the parsing code: entries made by other code are never read. */
  code: string;
}

/** What the parse of a set of files gave; `loadedAt` is left out and set by the reader. */
export interface ParsedFiles {
  sets: LoadedSet[];
  problems: LoadProblem[];
}

/** Bump when the layout of an entry changes. */
const FORMAT = 1;
/** Entries kept; older ones are removed when a new one is written. */
const KEEP = 8;

/**
 * The identity of the running code when Vigil runs from its build (dist/, see scripts/build.mjs,
 * whose build.json holds a digest of the built files), else undefined. The installed packages
 * count too: in a checkout npm rewrites node_modules/.package-lock.json on every install; a
 * global install has no such file but creates its node_modules folder anew.
 */
export function codeIdentity(moduleDir = import.meta.dirname): string | undefined {
  if (basename(moduleDir) !== "dist") return undefined;
  let id: unknown;
  try {
    id = (JSON.parse(readFileSync(join(moduleDir, "build.json"), "utf8")) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
  if (typeof id !== "string" || id === "") return undefined;
  let packages = "none";
  for (const p of [join(REPO_ROOT, "node_modules", ".package-lock.json"), join(REPO_ROOT, "node_modules")]) {
    try {
      const st = statSync(p);
      packages = `${st.size}:${st.mtimeMs}`;
      break;
    } catch {
      /* not there: the next, else the build's id and Node's version still count */
    }
  }
  return `${id}|${process.version}|${packages}`;
}

/** The cache a run uses: under Vigil's home folder, only when the code has an identity. */
export function defaultParseCache(): ParseCache | undefined {
  if (process.env.VIGIL_NO_PARSE_CACHE) return undefined;
  const code = codeIdentity();
  return code ? { dir: join(vigilHome(), "parsed-iocs"), code } : undefined;
}

/** The entry name for these inputs: files as [path, root, sha256], in load order. */
export function parseCacheKey(cache: ParseCache, files: [string, string, string][], snapshotSources: unknown): string {
  return createHash("sha256").update(JSON.stringify({ format: FORMAT, code: cache.code, files, snapshotSources })).digest("hex");
}

/** The parsed files of an entry, with `loadedAt` set; undefined when absent or not intact. */
export function readParsed(cache: ParseCache, key: string, loadedAt: string): ParsedFiles | undefined {
  let data: Buffer;
  try {
    data = readFileSync(join(cache.dir, `${key}.json`));
  } catch {
    return undefined;
  }
  const nl = data.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const head = JSON.parse(data.subarray(0, nl).toString("utf8")) as { key?: unknown; sha256?: unknown };
    const body = data.subarray(nl + 1);
    if (head.key !== key || head.sha256 !== createHash("sha256").update(body).digest("hex")) return undefined;
    const parsed = JSON.parse(body.toString("utf8")) as ParsedFiles;
    if (!Array.isArray(parsed.sets) || !Array.isArray(parsed.problems)) return undefined;
    for (const s of parsed.sets) s.info.loadedAt = loadedAt;
    return parsed;
  } catch {
    return undefined;
  }
}

/** Stores an entry; best effort (a read-only home folder only costs the next run the parse). */
export function writeParsed(cache: ParseCache, key: string, parsed: ParsedFiles): void {
  const tmp = join(cache.dir, `.${key}-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    const body = Buffer.from(JSON.stringify({ sets: parsed.sets.map((s) => ({ ...s, info: { ...s.info, loadedAt: "" } })), problems: parsed.problems }));
    const head = JSON.stringify({ key, sha256: createHash("sha256").update(body).digest("hex") });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${head}\n`), body]), { mode: 0o600 });
    renameSync(tmp, join(cache.dir, `${key}.json`));
    prune(cache.dir);
  } catch {
    // Not cached; a partly written file (a full disk) is not left behind.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* no folder to leave it in */
    }
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((n) => /^[0-9a-f]{64}\.json$/.test(n))
    .map((n) => {
      try {
        return { n, t: statSync(join(dir, n)).mtimeMs };
      } catch {
        return { n, t: 0 };
      }
    })
    .sort((a, b) => b.t - a.t);
  for (const e of entries.slice(KEEP)) rmSync(join(dir, e.n), { force: true });
}
