// Which sub-folder of an archive is the acquisition's root ("dump/" when every path starts with
// it). Archive views show modules paths relative to it. The views feed the finder every entry
// path while they index, so no second look at the entries is needed, and a tar pass can pick
// the files to prefetch before the root is known.
import type { FileEntry } from "../view.ts";
import { toFileEntry, type ArchiveEntry } from "./entry.ts";

/**
 * A fixed sub-folder ("" or undefined for none); "auto": the single top-level folder when every
 * entry sits in one; or a function naming the root ("" for the archive's own) from the first
 * entry path that shows it, undefined for the others.
 */
export type RootSpec = string | ((path: string) => string | undefined);

export class RootFinder {
  private readonly fixed: string | undefined;
  private found: string | undefined;
  private top: string | undefined;
  private mixed = false;
  private nested = false;

  constructor(private readonly spec: RootSpec | undefined) {
    if (!spec) this.fixed = "";
    else if (typeof spec === "string" && spec !== "auto") this.fixed = spec.replace(/^\/+|\/+$/g, "") + "/";
  }

  /** The root once it can no longer change (fixed, or found by the function); undefined before. */
  get known(): string | undefined {
    return this.fixed ?? this.found;
  }

  see(path: string): void {
    if (this.known !== undefined) return;
    if (typeof this.spec === "function") {
      this.found = this.spec(path);
      return;
    }
    if (this.mixed) return;
    const i = path.indexOf("/");
    const first = i < 0 ? path : path.slice(0, i);
    if (this.top === undefined) this.top = first;
    else if (this.top !== first) this.mixed = true;
    if (i >= 0) this.nested = true;
  }

  /** Once every entry was seen: the root, "" when there is none. */
  result(): string {
    const k = this.known;
    if (k !== undefined) return k;
    if (typeof this.spec === "function" || this.mixed || this.top === undefined || !this.nested) return "";
    return this.top + "/";
  }
}

/**
 * Asks `prefetch` about an archive entry with the path the view will show. While the root is
 * unknown, both readings are tried: the path as it is, and without its first folder.
 */
export function prefetchTest(prefetch: ((e: FileEntry) => boolean) | undefined, root: RootFinder): (a: ArchiveEntry) => boolean {
  if (!prefetch) return () => false;
  return (a) => {
    const known = root.known;
    if (known !== undefined) return a.path.startsWith(known) && prefetch(toFileEntry(a, a.path.slice(known.length)));
    if (prefetch(toFileEntry(a, a.path))) return true;
    const i = a.path.indexOf("/");
    return i > 0 && prefetch(toFileEntry(a, a.path.slice(i + 1)));
  };
}
