/**
 * The view every opener of a zip, tar(.gz) or plain folder starts from (archive-view.ts,
 * folder-view.ts), parameterised by kind, platform and specKey so that each opener (Android,
 * sysdiagnose, iOS filesystem) only adds device info and its quirks.
 *
 * Beyond AcquisitionView, a base view has `entry(path)` (one entry by path), `localPath(entry)`
 * (a file on disk holding the entry: the original in a folder, a private extracted copy
 * otherwise; for nested acquisitions), `refused()` and `settled()` (resolves once background
 * hashing of inputs is done, so `inputsRead()` is complete). `inputsRead()` lists the archive
 * itself (path, sha256, size), or for a folder each file read.
 */
import type { DeviceInfo, Platform } from "../../core/model.ts";
import { specKeyFor } from "../memory.ts";
import { applies, findByScan } from "../spec-match.ts";
import type { AcquisitionKind, AcquisitionView, ArtifactSpec, FileEntry } from "../view.ts";
import type { RootSpec } from "./root-prefix.ts";
import type { ArchiveOptions, Refusal } from "./safety.ts";

export interface BaseViewOptions extends ArchiveOptions {
  kind: AcquisitionKind;
  platform: Platform;
  specKey?: AcquisitionView["specKey"];
  /** Shown as view.root; defaults to the path. */
  root?: string;
  device?: Partial<DeviceInfo>;
  encrypted?: boolean;
  /**
   * The sub-folder that is the acquisition's root: a path, "auto" (the single top-level folder,
   * when every entry sits in one), or, for archives, a function naming it from the first entry
   * that shows it (see root-prefix.ts). Entry paths shown to modules are relative to it.
   */
  prefix?: RootSpec;
  /** Tar only: entries to extract during the indexing pass at open. */
  prefetch?: (e: FileEntry) => boolean;
  /** Tar fed by a function: the raw file to hash for provenance (e.g. the .ab file). */
  inputPath?: string;
  /** Tar fed by a function that inflates: see TarWalkOptions.compressedBytes. */
  compressedBytes?: () => number;
  /**
   * Archives: where the list of entries is kept. "memory" (default) for bundles of thousands of
   * files (moved to SQLite past 200,000); "sqlite" keeps it in a private SQLite file, off the
   * heap, for dumps of millions.
   */
  index?: "memory" | "sqlite";
}

export interface BaseView extends AcquisitionView {
  /** One entry by its path inside the view, or undefined. */
  entry(path: string): Promise<FileEntry | undefined>;
  /** A file on disk with the entry's bytes (private copy for archives). */
  localPath(entry: FileEntry): Promise<string>;
  refused(): Refusal[];
  /** Resolves when background hashing is done, so inputsRead() is complete. */
  settled(): Promise<void>;
  /** Archives: entries recorded at open (for progress and the benchmark). */
  entryCount?: number;
}

/** The AcquisitionView fields every base view fills the same way. */
export function viewBasics(opts: BaseViewOptions, path: string) {
  const specKey = opts.specKey ?? specKeyFor(opts.kind);
  return {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root ?? path,
    encrypted: opts.encrypted ?? false,
    device: { platform: opts.platform, ...(opts.device ?? {}) } as DeviceInfo,
    specKey,
  };
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/**
 * Specs naming plain paths (most Android ones: "getprop.txt") are looked up directly instead of
 * scanning every entry for every module.
 */
export async function findFast(view: BaseView, spec: ArtifactSpec): Promise<FileEntry[]> {
  if (!applies(spec, view) || view.specKey === "backup") return findByScan(view, spec);
  const globs = (spec[view.specKey] as string[] | undefined) ?? [];
  if (globs.some((g) => GLOB_CHARS.test(g))) return findByScan(view, spec);
  const out: FileEntry[] = [];
  for (const g of new Set(globs)) {
    const e = await view.entry(g);
    if (e && (e.type ?? "file") === "file") out.push(e);
  }
  return out;
}
