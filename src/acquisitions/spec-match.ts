// Matching a module's ArtifactSpec against the entries of an acquisition.
import picomatch from "picomatch";
import type { AcquisitionView, ArtifactSpec, FileEntry } from "./view.ts";

const cache = new Map<string, (s: string) => boolean>();
export function glob(pattern: string): (s: string) => boolean {
  let m = cache.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    cache.set(pattern, m);
  }
  return m;
}

/** Whether the module has anything to read on this kind of acquisition. */
export function applies(spec: ArtifactSpec, view: Pick<AcquisitionView, "kind" | "specKey">): boolean {
  if (spec.whole?.includes(view.kind)) return true;
  const part = spec[view.specKey];
  return Array.isArray(part) && part.length > 0;
}

export function isWhole(spec: ArtifactSpec, view: Pick<AcquisitionView, "kind">): boolean {
  return !!spec.whole?.includes(view.kind);
}

/**
 * What a list of modules reads, as one spec: openers that extract files in one pass over an
 * archive take what it names for their kind, and shared readers keep what it names.
 */
export function mergeSpecs(specs: ArtifactSpec[]): ArtifactSpec {
  const parts = new Map<string, Map<string, unknown>>();
  for (const spec of specs) {
    for (const [key, part] of Object.entries(spec) as [string, unknown[]][]) {
      let values = parts.get(key);
      if (!values) parts.set(key, (values = new Map()));
      // Globs and kinds are strings; a backup entry is a { domain, path } pair.
      for (const v of part) values.set(typeof v === "string" ? v : JSON.stringify(v), v);
    }
  }
  return Object.fromEntries([...parts].map(([key, values]) => [key, [...values.values()]]));
}

/** Whether one entry is named by the spec's part for this kind. */
export function matchesEntry(spec: ArtifactSpec, specKey: AcquisitionView["specKey"], e: FileEntry): boolean {
  if (specKey === "backup") {
    if (!e.domain || e.relativePath === undefined) return false;
    return (spec.backup ?? []).some((b) => glob(b.domain)(e.domain!) && glob(b.path)(e.relativePath!));
  }
  const globs = spec[specKey] as string[] | undefined;
  return !!globs?.some((g) => glob(g)(e.path));
}

/** Generic find for views that can list their entries; views with an index do better. */
export async function findByScan(view: AcquisitionView, spec: ArtifactSpec): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  if (!applies(spec, view)) return out;
  for await (const e of view.entries()) {
    if ((e.type ?? "file") === "file" && matchesEntry(spec, view.specKey, e)) out.push(e);
  }
  return out;
}
