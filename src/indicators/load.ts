// Loads indicator files and folders: picks the reader by file name and content, keeps each
// set's provenance, and reports every file or object it could not use without stopping.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { IocSetInfo } from "../core/model.ts";
import { isEchapDoc, loadEchap } from "./echap.ts";
import { parseYaml } from "../core/yaml.ts";
import { listKindOf, loadCsv, loadHosts, loadList, loadTinycheck } from "./lists.ts";
import { buildMatcher } from "./matcher.ts";
import type { Matcher } from "./matcher-api.ts";
import { parseIndex, type IndexEntry } from "./mvt-index.ts";
import type { FileMeta } from "./set.ts";
import { parseCacheKey, readParsed, writeParsed, type ParseCache, type ParsedFiles } from "./parse-cache.ts";
import { loadStix } from "./stix.ts";
import type { LoadedSet, LoadProblem } from "./types.ts";
import { walkIndicatorFiles } from "./walk.ts";
import { isRegularFile } from "../core/regular-file.ts";

export type FileFormat = "stix2" | "mvt-index" | "echap-yaml" | "list" | "csv" | "hosts" | "tinycheck" | "snapshot-meta" | "doc" | "unsupported";

export interface ContentResult {
  format: FileFormat;
  sets: LoadedSet[];
  problems: LoadProblem[];
  /** For an index file: its entries. */
  index?: IndexEntry[];
}

const DOC_FILE = /^(?:readme|license|licence|copying|notice|attribution|authors|changelog)(?:\.[a-z]+)?$|\.(?:md|rst|html?|pdf|png|jpe?g)$/i;
const SNAPSHOT_META = new Set(["snapshot.json", "manifest.json"]);

function skipped(meta: FileMeta, reason: string): ContentResult {
  return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason, level: "skipped" }] };
}

/** Reads one file's content with the reader its name and content call for. Never throws. */
export function loadContent(name: string, data: Buffer, meta: FileMeta): ContentResult {
  const lower = name.toLowerCase();
  const ext = lower.includes(".") ? lower.slice(lower.lastIndexOf(".")) : "";
  if (SNAPSHOT_META.has(lower)) return { format: "snapshot-meta", sets: [], problems: [] };
  if (DOC_FILE.test(lower)) return { format: "doc", sets: [], problems: [] };
  if (data.length === 0 && (ext === ".txt" || ext === "") && listKindOf(lower)) return { format: "list", sets: [], problems: [] };
  if (data.length === 0) return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: "empty file", level: "error" }] };
  const text = data.toString("utf8");
  try {
    if (ext === ".stix2" || ext === ".stix") return { format: "stix2", ...loadStix(text, meta) };
    if (ext === ".json") {
      let doc: unknown;
      try {
        doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (e) {
        return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `not valid JSON (${(e as Error).message.split("\n")[0]})`, level: "error" }] };
      }
      if (doc && typeof doc === "object" && Array.isArray((doc as { objects?: unknown }).objects)) return { format: "stix2", ...loadStix(text, meta) };
      if (doc && typeof doc === "object" && Array.isArray((doc as { iocs?: unknown }).iocs)) return { format: "tinycheck", ...loadTinycheck(doc as { iocs: unknown[] }, meta) };
      return skipped(meta, "JSON file that is neither a STIX bundle nor a TinyCheck export: not an indicator format Vigil reads");
    }
    if (ext === ".yaml" || ext === ".yml") {
      let doc: unknown;
      try {
        doc = parseYaml(text, { duplicateKeys: true });
      } catch (e) {
        return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `not valid YAML (${(e as Error).message.split("\n")[0]})`, level: "error" }] };
      }
      if (doc && typeof doc === "object" && "indicators" in (doc as object)) {
        const { entries, problems } = parseIndex(doc);
        return { format: "mvt-index", sets: [], index: entries, problems: problems.map((p) => ({ file: meta.source, id: p.id, reason: p.reason, level: "error" as const })) };
      }
      if (isEchapDoc(doc)) return { format: "echap-yaml", ...loadEchap(doc, meta) };
      return skipped(meta, "YAML file that is neither an mvt-indicators index nor an Echap ioc.yaml: not an indicator format Vigil reads");
    }
    if (ext === ".csv") return { format: "csv", ...loadCsv(text, meta) };
    if (lower === "hosts" || ext === ".hosts") return { format: "hosts", ...loadHosts(text, meta) };
    if (ext === ".txt" || ext === "") {
      const kind = listKindOf(lower);
      if (kind) return { format: "list", ...loadList(text, kind, meta) };
      return skipped(meta, "text file whose name says no indicator kind (expected domains.txt, ips.txt, processes.txt, ...)");
    }
    if (ext === ".yar" || ext === ".yara") return skipped(meta, "YARA rules: not an indicator format Vigil reads");
    if (ext === ".rules") return skipped(meta, "Suricata/Snort rules: not an indicator format Vigil reads");
    return skipped(meta, "not an indicator format Vigil reads");
  } catch (e) {
    // A reader bug must not stop the other files; say which file it was.
    return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `could not be read: ${String((e as Error)?.message ?? e).split("\n")[0]}`, level: "error" }] };
  }
}

export interface LoadResult {
  matcher: Matcher;
  sets: IocSetInfo[];
  loaded: LoadedSet[];
  problems: LoadProblem[];
  /** Indicator files read (after removing identical copies). */
  files: number;
}

interface SnapshotSource {
  dir: string;
  license?: string;
  repo?: string;
  commit?: string;
}

const MAX_FILES = 20_000;
/**
 * Indicator files are parsed whole (their text, then JSON.parse or the YAML parser): a bigger
 * file is refused as too large rather than taking more memory than a check should.
 */
export const MAX_FILE_SIZE = 256 * 1024 * 1024;

function readSnapshotSources(root: string): SnapshotSource[] {
  const p = join(root, "snapshot.json");
  // A FIFO named snapshot.json would block the read.
  if (!isRegularFile(p)) return [];
  try {
    const doc = JSON.parse(readFileSync(p, "utf8")) as { sources?: unknown };
    if (!Array.isArray(doc?.sources)) return [];
    // Text fields only: the folder may be anyone's, and a licence that is an object printed as "[object Object]".
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return doc.sources.flatMap((s: Record<string, unknown> | null) =>
      s && typeof s.dir === "string" ? [{ dir: s.dir, repo: text(s.repo), commit: text(s.commit), url: text(s.url), license: text(s.license) }] : [],
    );
  } catch {
    return [];
  }
}

/** Order: sets that carry names and ids first, so duplicates from plain lists fold into them. */
const FORMAT_ORDER: Record<string, number> = { ".stix2": 0, ".stix": 0, ".json": 1, ".yaml": 1, ".yml": 1, ".csv": 2 };
function orderOf(path: string): number {
  const n = basename(path).toLowerCase();
  if (n === "indicators.yaml") return -1;
  const ext = n.includes(".") ? n.slice(n.lastIndexOf(".")) : "";
  return FORMAT_ORDER[ext] ?? 3;
}

/**
 * Loads files and folders (recursively). A folder's `indicators.yaml` (mvt-indicators index)
 * gives the files it names their index name, references and licence; a `snapshot.json` at a
 * root gives licences per top folder. Plain lists next to a STIX file take that file's malware
 * name, so the matcher folds their duplicates into one indicator per set name.
 */
export function loadIndicators(paths: string[], opts: { now?: Date; cache?: ParseCache } = {}): LoadResult {
  const loadedAt = (opts.now ?? new Date()).toISOString();
  const problems: LoadProblem[] = [];
  const files: { path: string; root: string }[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      problems.push({ file: abs, reason: "no such file or folder", level: "error" });
      continue;
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      walkIndicatorFiles(abs, found, (x) => problems.push(x), MAX_FILES);
      for (const f of found) files.push({ path: f, root: abs });
    } else files.push({ path: abs, root: dirname(abs) });
  }

  // Read everything once; identical copies (same SHA-256) load once.
  const seenHash = new Set<string>();
  const items: Item[] = [];
  for (const f of files) {
    let data: Buffer;
    try {
      const size = statSync(f.path).size;
      if (size > MAX_FILE_SIZE) {
        problems.push({ file: f.path, reason: `too large to load (${(size / 2 ** 20).toFixed(0)} MiB; indicator files are read up to ${MAX_FILE_SIZE >> 20} MiB)`, level: "error" });
        continue;
      }
      data = readFileSync(f.path);
    } catch (e) {
      problems.push({ file: f.path, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, level: "error" });
      continue;
    }
    const sha256 = createHash("sha256").update(data).digest("hex");
    if (seenHash.has(sha256) && data.length > 0) continue;
    seenHash.add(sha256);
    items.push({ ...f, data, sha256 });
  }
  items.sort((a, b) => orderOf(a.path) - orderOf(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const parsed = opts.cache ? parseCached(opts.cache, items, loadedAt) : parseItems(items, loadedAt);
  problems.push(...parsed.problems);
  const sets = parsed.sets;
  return { matcher: buildMatcher(sets), sets: sets.map((s) => s.info), loaded: sets, problems, files: items.length };
}

type Item = { path: string; root: string; data: Buffer; sha256: string };

/** parseItems, read from the parse cache when it holds these inputs, else parsed and stored there. */
function parseCached(cache: ParseCache, items: Item[], loadedAt: string): ParsedFiles {
  const roots = [...new Set(items.map((i) => i.root))].sort();
  const key = parseCacheKey(
    cache,
    items.map((i) => [i.path, i.root, i.sha256]),
    roots.map((r) => [r, readSnapshotSources(r)]),
  );
  const cached = readParsed(cache, key, loadedAt);
  if (cached) return cached;
  const parsed = parseItems(items, loadedAt);
  writeParsed(cache, key, parsed);
  return parsed;
}

/**
 * Parses the files read by loadIndicators, in their load order: what it gives depends only on
 * the files (paths and bytes), each root's snapshot.json and `loadedAt` (see parse-cache.ts).
 */
function parseItems(items: Item[], loadedAt: string): ParsedFiles {
  const problems: LoadProblem[] = [];
  const snapshotSources = new Map<string, SnapshotSource[]>();
  const sourcesFor = (root: string) => {
    let s = snapshotSources.get(root);
    if (!s) snapshotSources.set(root, (s = readSnapshotSources(root)));
    return s;
  };
  const byPath = new Map(items.map((i) => [i.path, i]));
  /** Index entries by the file they resolve to, and by that file's folder (for sibling lists). */
  const entryOfFile = new Map<string, IndexEntry>();
  const entryOfDir = new Map<string, IndexEntry>();
  const echapRoots = new Set<string>();
  for (const it of items) if (basename(it.path).toLowerCase() === "ioc.yaml") echapRoots.add(dirname(it.path));

  const nameOfDir = new Map<string, string>();
  const sets: LoadedSet[] = [];
  for (const it of items) {
    const name = basename(it.path);
    const dir = dirname(it.path);
    const rel = relative(it.root, it.path) || name;
    if (echapRoots.has(dirname(dir)) && basename(dir) === "generated") {
      problems.push({ file: it.path, reason: "generated from the ioc.yaml loaded from the same folder: not loaded twice", level: "skipped" });
      continue;
    }
    const entry = entryOfFile.get(it.path) ?? entryOfDir.get(dir);
    const top = rel.split(sep)[0]!;
    const snap = sourcesFor(it.root).find((s) => s.dir === top);
    const relDir = relative(it.root, dir);
    const meta: FileMeta = {
      source: it.path,
      file: rel.split(sep).join("/"),
      sha256: it.sha256,
      loadedAt,
      defaultName: nameOfDir.get(dir) ?? (relDir ? `${relDir.split(sep).join("/")}/${name}` : name),
      indexName: entry?.name,
      references: entry?.references,
      license: entry?.license ?? snap?.license,
    };
    const r = loadContent(name, it.data, meta);
    problems.push(...r.problems);
    if (r.index) resolveIndex(r.index, it.path, it.root, byPath, entryOfFile, entryOfDir, problems);
    if (r.format === "stix2" && r.sets.length > 0 && !nameOfDir.has(dir)) nameOfDir.set(dir, r.sets[0]!.info.name);
    sets.push(...r.sets);
  }
  return { sets, problems };
}

/** Finds the local copy of each index entry: by its snapshot path, else by a unique file name. */
function resolveIndex(
  entries: IndexEntry[],
  indexPath: string,
  root: string,
  byPath: Map<string, unknown>,
  entryOfFile: Map<string, IndexEntry>,
  entryOfDir: Map<string, IndexEntry>,
  problems: LoadProblem[],
): void {
  const bases = [root, dirname(indexPath), dirname(dirname(indexPath))];
  const byName = new Map<string, string[]>();
  for (const p of byPath.keys()) {
    const n = basename(p);
    const l = byName.get(n);
    if (l) l.push(p);
    else byName.set(n, [p]);
  }
  for (const e of entries) {
    let found: string | undefined;
    for (const b of bases) {
      const cand = join(b, ...e.localPath.split("/"));
      if (byPath.has(cand)) {
        found = cand;
        break;
      }
    }
    if (!found) {
      const same = byName.get(basename(e.localPath)) ?? [];
      if (same.length === 1) found = same[0];
    }
    if (!found && e.repo) {
      // Echap's STIX file is generated from its ioc.yaml; a snapshot may hold only the source.
      const top = e.localPath.split("/")[0]!;
      for (const b of bases) {
        const src = join(b, top, "ioc.yaml");
        if (byPath.has(src)) {
          found = src;
          break;
        }
      }
    }
    if (!found) {
      problems.push({ file: indexPath, id: e.name, reason: `indexed file ${e.url} is not in this folder (run "vigil iocs update" to download it)`, level: "error" });
      continue;
    }
    entryOfFile.set(found, e);
    if (!entryOfDir.has(dirname(found))) entryOfDir.set(dirname(found), e);
  }
}

export function formatProblem(p: LoadProblem): string {
  return `${p.file}${p.id ? ` (${p.id})` : ""}: ${p.level === "skipped" ? "skipped: " : ""}${p.reason}`;
}
