// The data sets besides indicators that `vigil update` refreshes (the exposure table, the iOS
// release table): where the copy in use lives (the newest updated snapshot, else the one bundled
// in data/), and each set's source, date and SHA-256, so that a check can record and date the
// data it used.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetInfo } from "../core/model.ts";
import { DATA_DIR } from "../core/paths.ts";
import { defaultIndicatorPaths, listCachedSnapshots, vigilHome } from "./cache.ts";

export type DatasetName = "exposure" | "ios-releases";

/** One data set as written by an update or import (datasets.json in a snapshot). */
export interface DatasetRecord {
  name: DatasetName;
  /** The file Vigil reads, relative to the snapshot. */
  file: string;
  /** Where its source was fetched from. */
  source: string;
  /** When the source was fetched (ISO time). */
  fetched: string;
  /** SHA-256 of the source file as fetched (kept beside it under raw/). */
  sha256: string;
  /** The source's own version, when it has one (KEV catalog version). */
  version?: string;
}

export interface DatasetsManifest {
  created: string;
  /** "update", "import <folder>". */
  how: string;
  sets: DatasetRecord[];
}

/**
 * A data set in use: the updated copy, or the bundled one with the date of its data (fetch date
 * of an update, build or edit date of bundled data); what info.json records before its age.
 */
export type DatasetInUse = Omit<DatasetInfo, "age_days" | "stale"> & { name: DatasetName | "indicators" };

export const BUNDLED_DATASETS: Record<DatasetName, string> = {
  exposure: join(DATA_DIR, "exposure", "exploited.json"),
  "ios-releases": join(DATA_DIR, "ios-releases.json"),
};

export const datasetsRoot = (): string => join(vigilHome(), "datasets");

function readManifest(dir: string): DatasetsManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, "datasets.json"), "utf8")) as DatasetsManifest;
    return Array.isArray(m.sets) ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The newest updated copy of a data set, if an update or import wrote one. */
export function updatedDataset(name: DatasetName): { path: string; record: DatasetRecord } | undefined {
  for (const s of listCachedSnapshots(datasetsRoot())) {
    const rec = readManifest(s.dir)?.sets.find((r) => r.name === name);
    if (rec && existsSync(join(s.dir, rec.file))) return { path: join(s.dir, rec.file), record: rec };
  }
  return undefined;
}

/** The path Vigil reads a data set from: the newest updated copy, else the bundled file. */
export function datasetFile(name: DatasetName): string {
  return updatedDataset(name)?.path ?? BUNDLED_DATASETS[name];
}

function bundledInfo(name: DatasetName): DatasetInUse {
  const path = BUNDLED_DATASETS[name];
  try {
    const doc = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    if (name === "exposure") {
      const kev = doc.kev as { catalogVersion?: string; dateReleased?: string; sha256?: string; source?: string } | null;
      return {
        name,
        kind: "bundled",
        path,
        source: `bundled: CISA KEV catalog ${kev?.catalogVersion ?? "?"} and data/exposure/curated.yaml`,
        date: kev?.dateReleased?.slice(0, 10) || String(doc.built ?? ""),
        sha256: kev?.sha256,
        version: kev?.catalogVersion,
      };
    }
    return { name, kind: "bundled", path, source: "bundled: maintained by hand from Apple's security releases page", date: String(doc.updated ?? "") || undefined };
  } catch {
    return { name, kind: "none", path, source: "missing or unreadable" };
  }
}

/**
 * Every data set a check uses, with its source, date and hash (indicators included). `iocs`: the
 * indicator files a check was given instead of the newest snapshot.
 */
export function datasetsInUse(opts: { iocs?: string[] } = {}): DatasetInUse[] {
  const out: DatasetInUse[] = [];
  if (opts.iocs?.length) {
    out.push({ name: "indicators", kind: "given", path: opts.iocs.join(", "), source: "files given with --iocs" });
  } else {
    const ind = defaultIndicatorPaths();
    let manifestSha: string | undefined;
    if (ind.dir && existsSync(join(ind.dir, "manifest.json"))) {
      manifestSha = sha256Of(join(ind.dir, "manifest.json"));
    }
    out.push({
      name: "indicators",
      kind: ind.kind === "cache" ? "updated" : ind.kind,
      path: ind.dir ?? "",
      source: ind.info?.source ?? ind.description,
      date: ind.info?.created?.slice(0, 10),
      sha256: manifestSha,
    });
  }
  for (const name of Object.keys(BUNDLED_DATASETS) as DatasetName[]) {
    const u = updatedDataset(name);
    out.push(
      u
        ? { name, kind: "updated", path: u.path, source: u.record.source, date: u.record.fetched.slice(0, 10), sha256: u.record.sha256, version: u.record.version }
        : bundledInfo(name),
    );
  }
  return out;
}

/** Data more than this many days older than the check is flagged in its results. */
export const STALE_AFTER_DAYS = 30;

/** The data sets older than `days` days at `now` (or of unknown date): what a report should warn about. Files given with --iocs are the user's choice and not judged. */
export function staleDatasets(sets: DatasetInUse[], now: Date, days = STALE_AFTER_DAYS): DatasetInUse[] {
  const limit = now.getTime() - days * 86_400_000;
  return sets.filter((s) => s.kind !== "none" && s.kind !== "given" && (!s.date || !(Date.parse(`${s.date}T00:00:00Z`) >= limit)));
}

/** The data sets a check at `at` used, as info.json records them: each with its age and whether it is stale. */
export function datasetsForCheck(at: Date, opts: { iocs?: string[] } = {}): DatasetInfo[] {
  const sets = datasetsInUse(opts);
  const stale = new Set(staleDatasets(sets, at));
  return sets.map((s) => {
    const t = s.date ? Date.parse(`${s.date}T00:00:00Z`) : NaN;
    const age = Number.isFinite(t) ? Math.floor((at.getTime() - t) / 86_400_000) : undefined;
    return { ...s, ...(age !== undefined ? { age_days: age } : {}), stale: stale.has(s) };
  });
}

/** SHA-256 of a small file (a manifest), read whole. */
const sha256Of = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
