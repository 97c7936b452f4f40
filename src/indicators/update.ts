// `vigil iocs update` and `vigil iocs import`: make a new cache snapshot, validated file by
// file, that replaces the previous one only when complete.
import { readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { VigilError } from "../core/errors.ts";
import { beginSnapshot, type SnapshotInfo, type SnapshotSource } from "./cache.ts";
import { parseYaml } from "../core/yaml.ts";
import { loadContent } from "./load.ts";
import { DEFAULT_INDEX_URL, parseIndex, repoDir, repoLicense, type IndexEntry } from "./mvt-index.ts";
import type { FileMeta } from "./set.ts";
import { walkIndicatorFiles } from "./walk.ts";

export interface SnapshotResult {
  dir: string;
  files: number;
  indicators: number;
  /** Problems that did not fail the snapshot (bad lines, skipped index entries). */
  warnings: string[];
}

const MAX_FILE = 64 * 1024 * 1024;

function meta(source: string, file: string): FileMeta {
  return { source, file, sha256: "", loadedAt: new Date().toISOString(), defaultName: file };
}

/**
 * Checks that a file reads as the format its name says and holds at least one indicator.
 * Returns the number of indicators, or throws with the reason.
 */
function validate(name: string, data: Buffer, source: string, warnings: string[]): number {
  const r = loadContent(name, data, meta(source, name));
  if (r.format === "doc" || r.format === "snapshot-meta") return 0;
  const n = r.sets.reduce((a, s) => a + Object.values(s.info.counts).reduce((x, y) => x + (y ?? 0), 0), 0);
  const errors = r.problems.filter((p) => p.level === "error");
  if (r.format === "unsupported" || (n === 0 && r.format !== "mvt-index" && r.format !== "list")) {
    throw new Error(errors[0]?.reason ?? r.problems[0]?.reason ?? "holds no indicators");
  }
  for (const p of r.problems) warnings.push(`${source}${p.id ? ` (${p.id})` : ""}: ${p.reason}`);
  return n;
}

/** Downloads one public file (HTTP 200 only, size-capped); the error says why in a few words. */
export async function download(url: string, fetchImpl: typeof fetch, timeoutMs: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow", headers: { "user-agent": "vigil-iocs-update" } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot be downloaded (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  const len = Number(res.headers.get("content-length") ?? "0");
  if (len > MAX_FILE) throw new Error(`too large (${len} bytes)`);
  const data = Buffer.from(await res.arrayBuffer());
  if (data.length === 0) throw new Error("empty download");
  if (data.length > MAX_FILE) throw new Error(`too large (${data.length} bytes)`);
  return data;
}

export async function updateIndicators(opts: {
  indexUrl?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
  now?: Date;
  timeoutMs?: number;
  concurrency?: number;
}): Promise<SnapshotResult> {
  const indexUrl = opts.indexUrl ?? DEFAULT_INDEX_URL;
  const fetchImpl = opts.fetch ?? fetch;
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const warnings: string[] = [];

  let indexData: Buffer;
  try {
    indexData = await download(indexUrl, fetchImpl, timeoutMs);
  } catch (e) {
    throw new VigilError(`indicator index ${(e as Error).message}; the previous snapshot is kept`, { file: indexUrl });
  }
  let entries: IndexEntry[];
  try {
    const parsed = parseIndex(parseYaml(indexData.toString("utf8"), { duplicateKeys: true }));
    entries = parsed.entries;
    for (const p of parsed.problems) warnings.push(`${indexUrl} (${p.id}): ${p.reason}`);
  } catch (e) {
    throw new VigilError(`indicator index is not valid YAML (${(e as Error).message.split("\n")[0]}); the previous snapshot is kept`, { file: indexUrl });
  }
  if (entries.length === 0) throw new VigilError("indicator index names no indicator files; the previous snapshot is kept", { file: indexUrl });

  const pending = beginSnapshot(opts.now);
  try {
    pending.write("mvt-indicators/indicators.yaml", indexData, indexUrl);
    const failures: string[] = [];
    let indicators = 0;
    let files = 0;
    const queue = [...entries];
    const seenPaths = new Set<string>();
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        if (seenPaths.has(e.localPath)) continue;
        seenPaths.add(e.localPath);
        try {
          const data = await download(e.url, fetchImpl, timeoutMs);
          indicators += validate(basename(e.localPath), data, e.url, warnings);
          pending.write(e.localPath, data, e.url);
          files++;
          log(`  ${e.name}: ${e.url}`);
        } catch (err) {
          failures.push(`${e.name} (${e.url}): ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    if (failures.length > 0) {
      throw new VigilError(
        `${failures.length} of ${entries.length} indicator files failed, so the previous snapshot is kept: ${failures.slice(0, 3).join("; ")}${failures.length > 3 ? "; ..." : ""}`,
        { file: indexUrl },
      );
    }
    const sources = new Map<string, SnapshotSource>();
    for (const e of entries) {
      if (!e.repo) continue;
      const dir = repoDir(e.repo);
      if (!sources.has(dir)) sources.set(dir, { dir, repo: e.repo, url: `https://github.com/${e.repo}`, license: repoLicense(e.repo) });
    }
    const info: SnapshotInfo = { created: (opts.now ?? new Date()).toISOString(), source: `update ${indexUrl}`, sources: [...sources.values()] };
    const dir = pending.commit(info);
    return { dir, files, indicators, warnings };
  } catch (e) {
    pending.abort();
    throw e;
  }
}

/** Copies a folder of indicator files (for machines with no network) into a new snapshot. */
export function importIndicators(folder: string, opts: { now?: Date } = {}): SnapshotResult {
  const root = resolve(folder);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new VigilError("no such folder", { file: root, code: "usage" });
  }
  if (!st.isDirectory()) throw new VigilError("not a folder (give the folder that holds the indicator files)", { file: root, code: "usage" });
  const paths: string[] = [];
  const warnings: string[] = [];
  walkIndicatorFiles(root, paths, (x) => {
    if (x.level === "error") throw new VigilError(x.reason, { file: x.file });
    warnings.push(`${x.file}: ${x.reason}`);
  });
  const failures: string[] = [];
  let indicators = 0;
  const keep: { rel: string; data: Buffer }[] = [];
  let sources: SnapshotSource[] | undefined;
  for (const p of paths) {
    const rel = relative(root, p).split(sep).join("/");
    if (rel === "manifest.json") continue;
    if (rel === "snapshot.json") {
      try {
        const s = JSON.parse(readFileSync(p, "utf8")) as SnapshotInfo;
        if (Array.isArray(s.sources)) sources = s.sources;
      } catch {
        warnings.push(`${p}: not valid JSON, its source list is not kept`);
      }
      continue;
    }
    let data: Buffer;
    try {
      const size = statSync(p).size;
      if (size > MAX_FILE) {
        failures.push(`${p}: too large (${size} bytes)`);
        continue;
      }
      data = readFileSync(p);
    } catch (e) {
      failures.push(`${p}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    try {
      indicators += validate(basename(p), data, p, warnings);
      keep.push({ rel, data });
    } catch (e) {
      const r = loadContent(basename(p), data, meta(p, basename(p)));
      // Files of other formats (YARA rules) are copied along but do not fail the import.
      if (r.sets.length === 0 && r.problems.length > 0 && r.problems.every((x) => x.level === "skipped")) {
        warnings.push(`${p}: ${r.problems[0]?.reason ?? "not read"}`);
        keep.push({ rel, data });
      } else failures.push(`${p}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new VigilError(`${failures.length} file(s) are not valid indicator files, nothing imported: ${failures.slice(0, 3).join("; ")}${failures.length > 3 ? "; ..." : ""}`, { file: root });
  }
  if (indicators === 0) throw new VigilError("holds no indicator file Vigil reads (STIX2, mvt-indicators index, ioc.yaml, lists); nothing imported", { file: root });
  const pending = beginSnapshot(opts.now);
  try {
    for (const k of keep) pending.write(k.rel, k.data);
    const dir = pending.commit({ created: (opts.now ?? new Date()).toISOString(), source: `import ${root}`, ...(sources ? { sources } : {}) });
    return { dir, files: keep.length, indicators, warnings };
  } catch (e) {
    pending.abort();
    throw e;
  }
}
