import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { isEchapDoc, loadEchap, parseYamlDoc } from "./echap.js";
import { listKindOf, loadCsv, loadHosts, loadList, loadTinycheck } from "./lists.js";
import { buildMatcher } from "./matcher.js";
import { parseIndex } from "./mvt-index.js";
import { loadStix } from "./stix.js";
const DOC_FILE = /^(?:readme|license|licence|copying|notice|attribution|authors|changelog)(?:\.[a-z]+)?$|\.(?:md|rst|html?|pdf|png|jpe?g)$/i;
const SNAPSHOT_META = /* @__PURE__ */ new Set(["snapshot.json", "manifest.json"]);
function skipped(meta, reason) {
  return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason, level: "skipped" }] };
}
function loadContent(name, data, meta) {
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
      let doc;
      try {
        doc = JSON.parse(text.charCodeAt(0) === 65279 ? text.slice(1) : text);
      } catch (e) {
        return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `not valid JSON (${e.message.split("\n")[0]})`, level: "error" }] };
      }
      if (doc && typeof doc === "object" && Array.isArray(doc.objects)) return { format: "stix2", ...loadStix(text, meta) };
      if (doc && typeof doc === "object" && Array.isArray(doc.iocs)) return { format: "tinycheck", ...loadTinycheck(doc, meta) };
      return skipped(meta, "JSON file that is neither a STIX bundle nor a TinyCheck export: not an indicator format Vigil reads");
    }
    if (ext === ".yaml" || ext === ".yml") {
      let doc;
      try {
        doc = parseYamlDoc(text);
      } catch (e) {
        return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `not valid YAML (${e.message.split("\n")[0]})`, level: "error" }] };
      }
      if (doc && typeof doc === "object" && "indicators" in doc) {
        const { entries, problems } = parseIndex(doc);
        return { format: "mvt-index", sets: [], index: entries, problems: problems.map((p) => ({ file: meta.source, id: p.id, reason: p.reason, level: "error" })) };
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
    return { format: "unsupported", sets: [], problems: [{ file: meta.source, reason: `could not be read: ${e.message}`, level: "error" }] };
  }
}
const MAX_FILES = 2e4;
const MAX_FILE_SIZE = 64 * 1024 * 1024;
function walk(dir, out, problems) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    problems.push({ file: dir, reason: `folder cannot be read (${e.code ?? e.message})`, level: "error" });
    return;
  }
  for (const n of names) {
    if (n.startsWith(".")) continue;
    if (out.length >= MAX_FILES) {
      problems.push({ file: dir, reason: `more than ${MAX_FILES} files: the rest is not read (is this the right folder?)`, level: "error" });
      return;
    }
    const p = join(dir, n);
    let st;
    try {
      st = lstatSync(p);
      if (st.isSymbolicLink()) {
        st = statSync(p);
        if (st.isDirectory()) {
          problems.push({ file: p, reason: "symbolic link to a folder: not followed", level: "skipped" });
          continue;
        }
      }
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out, problems);
    else if (st.isFile()) out.push(p);
  }
}
function readSnapshotSources(root) {
  const p = join(root, "snapshot.json");
  if (!existsSync(p)) return [];
  try {
    const doc = JSON.parse(readFileSync(p, "utf8"));
    return Array.isArray(doc.sources) ? doc.sources.filter((s) => s && typeof s.dir === "string") : [];
  } catch {
    return [];
  }
}
const FORMAT_ORDER = { ".stix2": 0, ".stix": 0, ".json": 1, ".yaml": 1, ".yml": 1, ".csv": 2 };
function orderOf(path) {
  const n = basename(path).toLowerCase();
  if (n === "indicators.yaml") return -1;
  const ext = n.includes(".") ? n.slice(n.lastIndexOf(".")) : "";
  return FORMAT_ORDER[ext] ?? 3;
}
function loadIndicators(paths, opts = {}) {
  const loadedAt = (opts.now ?? /* @__PURE__ */ new Date()).toISOString();
  const problems = [];
  const files = [];
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
      const found = [];
      walk(abs, found, problems);
      for (const f of found) files.push({ path: f, root: abs });
    } else files.push({ path: abs, root: dirname(abs) });
  }
  const seenHash = /* @__PURE__ */ new Set();
  const items = [];
  for (const f of files) {
    let data;
    try {
      if (statSync(f.path).size > MAX_FILE_SIZE) {
        problems.push({ file: f.path, reason: `larger than ${MAX_FILE_SIZE >> 20} MiB: not an indicator file Vigil reads`, level: "skipped" });
        continue;
      }
      data = readFileSync(f.path);
    } catch (e) {
      problems.push({ file: f.path, reason: `cannot be read (${e.code ?? e.message})`, level: "error" });
      continue;
    }
    const sha256 = createHash("sha256").update(data).digest("hex");
    if (seenHash.has(sha256) && data.length > 0) continue;
    seenHash.add(sha256);
    items.push({ ...f, data, sha256 });
  }
  items.sort((a, b) => orderOf(a.path) - orderOf(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const snapshotSources = /* @__PURE__ */ new Map();
  const sourcesFor = (root) => {
    let s = snapshotSources.get(root);
    if (!s) snapshotSources.set(root, s = readSnapshotSources(root));
    return s;
  };
  const byPath = new Map(items.map((i) => [i.path, i]));
  const entryOfFile = /* @__PURE__ */ new Map();
  const entryOfDir = /* @__PURE__ */ new Map();
  const echapRoots = /* @__PURE__ */ new Set();
  for (const it of items) if (basename(it.path).toLowerCase() === "ioc.yaml") echapRoots.add(dirname(it.path));
  const nameOfDir = /* @__PURE__ */ new Map();
  const sets = [];
  for (const it of items) {
    const name = basename(it.path);
    const dir = dirname(it.path);
    const rel = relative(it.root, it.path) || name;
    if (echapRoots.has(dirname(dir)) && basename(dir) === "generated") {
      problems.push({ file: it.path, reason: "generated from the ioc.yaml loaded from the same folder: not loaded twice", level: "skipped" });
      continue;
    }
    const entry = entryOfFile.get(it.path) ?? entryOfDir.get(dir);
    const top = rel.split(sep)[0];
    const snap = sourcesFor(it.root).find((s) => s.dir === top);
    const relDir = relative(it.root, dir);
    const meta = {
      source: it.path,
      file: rel.split(sep).join("/"),
      sha256: it.sha256,
      loadedAt,
      defaultName: nameOfDir.get(dir) ?? (relDir ? `${relDir.split(sep).join("/")}/${name}` : name),
      indexName: entry?.name,
      references: entry?.references,
      license: entry?.license ?? snap?.license
    };
    const r = loadContent(name, it.data, meta);
    problems.push(...r.problems);
    if (r.index) resolveIndex(r.index, it.path, it.root, byPath, entryOfFile, entryOfDir, problems);
    if (r.format === "stix2" && r.sets.length > 0 && !nameOfDir.has(dir)) nameOfDir.set(dir, r.sets[0].info.name);
    sets.push(...r.sets);
  }
  return { matcher: buildMatcher(sets), sets: sets.map((s) => s.info), loaded: sets, problems, files: items.length };
}
function resolveIndex(entries, indexPath, root, byPath, entryOfFile, entryOfDir, problems) {
  const bases = [root, dirname(indexPath), dirname(dirname(indexPath))];
  const byName = /* @__PURE__ */ new Map();
  for (const p of byPath.keys()) {
    const n = basename(p);
    const l = byName.get(n);
    if (l) l.push(p);
    else byName.set(n, [p]);
  }
  for (const e of entries) {
    let found;
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
      const top = e.localPath.split("/")[0];
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
function formatProblem(p) {
  return `${p.file}${p.id ? ` (${p.id})` : ""}: ${p.level === "skipped" ? "skipped: " : ""}${p.reason}`;
}
export {
  formatProblem,
  loadContent,
  loadIndicators
};
