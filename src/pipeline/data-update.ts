// `vigil update`: refreshes every data set a check uses from its public source (indicators as
// `iocs update` does, the exposure table from CISA's KEV catalog, the iOS release table from
// Apple's software lookup service), each recorded with its source, fetch date and SHA-256.
// `--export DIR` also writes what was fetched to a folder, and `--import DIR` installs such a
// folder on a machine with no network, after checking every file against the folder's manifest.
// A source that cannot be reached leaves its own data set as it was and is reported.
// An update is an export to a private folder followed by its import, so the two paths agree.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { VigilError } from "../core/errors.ts";
import { APPLE_PMV_URL, mergeIosReleases, parseApplePmv, type IosReleaseTable } from "../indicators/apple-releases.ts";
import { beginSnapshot } from "../indicators/cache.ts";
import { datasetFile, datasetsRoot, type DatasetRecord, type DatasetsManifest } from "../indicators/datasets.ts";
import { DEFAULT_INDEX_URL } from "../indicators/mvt-index.ts";
import { download, importIndicators, updateIndicators, type SnapshotResult } from "../indicators/update.ts";
import { DATA_DIR } from "../core/paths.ts";
import { buildExposureTable, KEV_URL } from "../rules/exposure/build.ts";
import { VERSION } from "../core/version.ts";

export const EXPORT_MANIFEST = "vigil-update.json";
const KEV_FILE = "kev/known_exploited_vulnerabilities.json";
const PMV_FILE = "apple/pmv.json";

interface ExportedFile {
  /** Which data set the file belongs to. */
  set: "indicators" | "exposure" | "ios-releases";
  /** Path inside the folder, with forward slashes. */
  path: string;
  sha256: string;
  source?: string;
  fetched: string;
}

interface ExportManifest {
  created: string;
  vigil: string;
  files: ExportedFile[];
}

export interface DataUpdateOptions {
  fetch?: typeof fetch;
  now?: Date;
  log?: (line: string) => void;
  indexUrl?: string;
  kevUrl?: string;
  pmvUrl?: string;
  timeoutMs?: number;
}

export interface DataUpdateResult {
  indicators: SnapshotResult;
  /** Data sets that could not be updated (source unreachable or unusable), one line each. */
  failed: string[];
  /** The data-set snapshot written (exposure table and iOS release table). */
  datasets: { dir: string; sets: DatasetRecord[]; exposureEntries: number; iosReleasesAdded: string[]; warnings: string[] };
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

function walk(dir: string, out: string[]): void {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/** Downloads every source into `dir` in the export layout and writes its manifest. */
async function fetchInto(dir: string, opts: DataUpdateOptions, failed: string[]): Promise<SnapshotResult> {
  const f = opts.fetch ?? fetch;
  const timeout = opts.timeoutMs ?? 60_000;
  const log = opts.log ?? (() => {});
  const fetched = (opts.now ?? new Date()).toISOString();
  const files: ExportedFile[] = [];

  // Indicators go through `iocs update` (validated, cached); the new snapshot is copied along.
  const ind = await updateIndicators({ indexUrl: opts.indexUrl ?? DEFAULT_INDEX_URL, fetch: f, log, now: opts.now, timeoutMs: opts.timeoutMs });
  const snapFiles: string[] = [];
  walk(ind.dir, snapFiles);
  for (const p of snapFiles) {
    const rel = `iocs/${relative(ind.dir, p).split(sep).join("/")}`;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    copyFileSync(p, join(dir, rel));
    files.push({ set: "indicators", path: rel, sha256: sha256(readFileSync(p)), source: opts.indexUrl ?? DEFAULT_INDEX_URL, fetched });
  }

  for (const [set, url, rel] of [
    ["exposure", opts.kevUrl ?? KEV_URL, KEV_FILE],
    ["ios-releases", opts.pmvUrl ?? APPLE_PMV_URL, PMV_FILE],
  ] as const) {
    log(`downloading ${url}`);
    let data: Buffer;
    try {
      data = await download(url, f, timeout);
    } catch (e) {
      // One source down does not hold back the others; the caller reports it.
      failed.push(`${url}: ${(e as Error).message}; the ${set} data set is not updated`);
      continue;
    }
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
    files.push({ set, path: rel, sha256: sha256(data), source: url, fetched });
  }
  const manifest: ExportManifest = { created: fetched, vigil: VERSION, files };
  writeFileSync(join(dir, EXPORT_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return ind;
}

/** Reads and checks an exported folder: every listed file present with its SHA-256. */
function readExport(dir: string): ExportManifest {
  const mpath = join(dir, EXPORT_MANIFEST);
  let m: ExportManifest;
  try {
    m = JSON.parse(readFileSync(mpath, "utf8")) as ExportManifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VigilError(code === "ENOENT" ? `no ${EXPORT_MANIFEST}: give a folder made by "vigil update --export"` : `not valid JSON (${(e as Error).message})`, { file: code === "ENOENT" ? dir : mpath, code: "usage" });
  }
  if (!m || typeof m !== "object" || !Array.isArray(m.files)) throw new VigilError("lists no files", { file: mpath });
  m.files.forEach((f: unknown, i) => {
    const e = f as Partial<Record<keyof ExportedFile, unknown>> | null;
    if (!e || typeof e !== "object" || typeof e.path !== "string" || typeof e.sha256 !== "string" || typeof e.fetched !== "string" || (e.source !== undefined && typeof e.source !== "string")) {
      throw new VigilError(`files[${i}]: expected an object with path, sha256 and fetched as text`, { file: mpath, code: "usage" });
    }
  });
  for (const f of m.files) {
    const parts = String(f.path).split("/");
    if (parts.some((p) => p === ".." || p === "") || f.path.startsWith("/")) throw new VigilError(`unsafe path ${f.path}`, { file: mpath });
    const p = join(dir, ...parts);
    let data: Buffer;
    try {
      data = readFileSync(p);
    } catch {
      throw new VigilError("is listed in the manifest but missing; nothing was imported", { file: p });
    }
    if (sha256(data) !== f.sha256) throw new VigilError("does not match the SHA-256 in the manifest (damaged or changed); nothing was imported", { file: p });
  }
  return m;
}

/**
 * Builds the exposure table and merges the iOS releases from an export folder into a new data-set
 * snapshot. A source that is absent or unusable leaves its data set as it was, with the reason in
 * `failed`; the other is still installed.
 */
function installDatasets(dir: string, m: ExportManifest, how: string, now: Date, failed: string[]): DataUpdateResult["datasets"] {
  const kevEntry = m.files.find((f) => f.path === KEV_FILE);
  const pmvEntry = m.files.find((f) => f.path === PMV_FILE);
  const warnings: string[] = [];
  const files: { rel: string; data: Buffer; url?: string }[] = [];
  const sets: DatasetRecord[] = [];
  let exposureEntries = 0;
  let added: string[] = [];
  if (kevEntry) {
    try {
      const kevRaw = readFileSync(join(dir, KEV_FILE));
      const built = buildExposureTable({
        kev: { data: kevRaw, source: kevEntry.source ?? KEV_URL },
        curated: { data: readFileSync(join(DATA_DIR, "exposure", "curated.yaml")), file: "data/exposure/curated.yaml" },
        built: kevEntry.fetched.slice(0, 10),
      });
      warnings.push(...built.warnings);
      exposureEntries = built.table.entries.length;
      files.push({ rel: "exposure/exploited.json", data: Buffer.from(JSON.stringify(built.table, null, 1) + "\n") }, { rel: `raw/${KEV_FILE}`, data: kevRaw, url: kevEntry.source });
      sets.push({ name: "exposure", file: "exposure/exploited.json", source: kevEntry.source ?? KEV_URL, fetched: kevEntry.fetched, sha256: kevEntry.sha256, version: built.table.kev?.catalogVersion });
    } catch (e) {
      if (!(e instanceof VigilError)) throw e;
      failed.push(`${e.oneLine()}; the exposure data set is not updated`);
    }
  }
  if (pmvEntry) {
    try {
      const pmvRaw = readFileSync(join(dir, PMV_FILE));
      const listed = parseApplePmv(pmvRaw, pmvEntry.source ?? join(dir, PMV_FILE));
      const current = JSON.parse(readFileSync(datasetFile("ios-releases"), "utf8")) as IosReleaseTable;
      const merged = mergeIosReleases(current, listed, pmvEntry.fetched);
      added = merged.added;
      files.push({ rel: "ios-releases.json", data: Buffer.from(JSON.stringify(merged.table, null, 1) + "\n") }, { rel: `raw/${PMV_FILE}`, data: pmvRaw, url: pmvEntry.source });
      sets.push({ name: "ios-releases", file: "ios-releases.json", source: pmvEntry.source ?? APPLE_PMV_URL, fetched: pmvEntry.fetched, sha256: pmvEntry.sha256 });
    } catch (e) {
      if (!(e instanceof VigilError)) throw e;
      failed.push(`${e.oneLine()}; the ios-releases data set is not updated`);
    }
  }
  if (sets.length === 0) return { dir: "", sets, exposureEntries, iosReleasesAdded: added, warnings };
  const pending = beginSnapshot(now, datasetsRoot());
  try {
    for (const f of files) pending.write(f.rel, f.data, f.url);
    const manifest: DatasetsManifest = { created: now.toISOString(), how, sets };
    pending.write("datasets.json", Buffer.from(JSON.stringify(manifest, null, 2) + "\n"));
    const out = pending.commit({ created: now.toISOString(), source: how });
    return { dir: out, sets, exposureEntries, iosReleasesAdded: added, warnings };
  } catch (e) {
    pending.abort();
    throw e;
  }
}

/** Installs a folder made by `vigil update --export` (no network). */
export function importData(folder: string, opts: { now?: Date } = {}): DataUpdateResult {
  const dir = resolve(folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VigilError("no such folder", { file: dir, code: "usage" });
  const m = readExport(dir);
  const now = opts.now ?? new Date();
  const indicators = importIndicators(join(dir, "iocs"), { now });
  const failed: string[] = [];
  const datasets = installDatasets(dir, m, `import ${dir}`, now, failed);
  for (const [set, rel] of [["exposure", KEV_FILE], ["ios-releases", PMV_FILE]] as const) {
    if (!m.files.some((f) => f.path === rel)) failed.push(`${rel} is not in the folder; the ${set} data set is not updated`);
  }
  return { indicators, failed, datasets };
}

/** Downloads every data set and installs it; with `exportTo`, also leaves the downloads there. */
export async function updateData(opts: DataUpdateOptions & { exportTo?: string } = {}): Promise<DataUpdateResult & { exported?: string }> {
  const now = opts.now ?? new Date();
  const target = opts.exportTo ? resolve(opts.exportTo) : mkdtempSync(join(tmpdir(), "vigil-update-"));
  if (opts.exportTo) {
    mkdirSync(target, { recursive: true });
    if (readdirSync(target).length > 0) throw new VigilError("is not empty; give a new or empty folder to export to", { file: target, code: "usage" });
  }
  try {
    // The indicator snapshot is made while fetching; importing it again is only for other machines.
    const failed: string[] = [];
    const indicators = await fetchInto(target, { ...opts, now }, failed);
    const datasets = installDatasets(target, readExport(target), "update", now, failed);
    return { indicators, failed, datasets, exported: opts.exportTo ? target : undefined };
  } finally {
    if (!opts.exportTo) rmSync(target, { recursive: true, force: true });
  }
}
