// Provenance shared by every set read from one file.
import type { IocSetInfo } from "../core/model.ts";
import { countIndicators } from "./matcher.ts";
import type { Indicator, LoadedSet } from "./types.ts";

export interface FileMeta {
  /** Path (or URL) the file was read from. */
  source: string;
  /** File name, or path inside the snapshot. */
  file: string;
  sha256: string;
  loadedAt: string;
  /** Name for indicators the file does not attribute to a malware. */
  defaultName: string;
  indexName?: string;
  references?: string[];
  license?: string;
}

export function makeSet(name: string, meta: FileMeta, indicators: Indicator[]): LoadedSet {
  const info: IocSetInfo = {
    name,
    source: meta.source,
    file: meta.file,
    sha256: meta.sha256,
    loadedAt: meta.loadedAt,
    counts: countIndicators(indicators),
  };
  if (meta.indexName) info.indexName = meta.indexName;
  if (meta.references?.length) info.references = meta.references;
  if (meta.license) info.license = meta.license;
  return { info, indicators };
}
