// The list of an archive's entries that a view answers from: filled once at open, then looked
// up by path, listed in pages, and (for the SQLite index) searched by glob. The in-memory index
// is for bundles of thousands of entries; sqlite-entry-index.ts holds dumps of millions.
import type { ArchiveEntry } from "./entry.ts";

export interface EntryIndex {
  add(a: ArchiveEntry): void;
  /**
   * Called once, after the last add(). A path added more than once (a tar may hold several
   * members of one name) keeps its first entry; returns those paths, for the view to report,
   * but for a folder listed again (no bytes are left unread).
   */
  finish(): string[];
  /** Entries added. */
  readonly count: number;
  get(path: string): ArchiveEntry | undefined;
  /** Every entry in archive order, a page at a time. */
  pages(): Iterable<ArchiveEntry[]>;
  /**
   * Files whose path below `prefix` matches one of the globs, in path order, answered from the
   * index's own tables. Absent: the view scans its entries.
   */
  find?(prefix: string, globs: string[]): ArchiveEntry[];
  close(): void;
}

/** Entries in a Map by path. */
export class MemoryEntryIndex implements EntryIndex {
  private static readonly PAGE = 2000;
  private readonly byPath = new Map<string, ArchiveEntry>();
  private readonly duplicates = new Set<string>();
  count = 0;

  add(a: ArchiveEntry): void {
    const first = this.byPath.get(a.path);
    if (!first) this.byPath.set(a.path, a);
    else if (first.type !== "directory" || a.type !== "directory") this.duplicates.add(a.path);
    this.count++;
  }
  finish(): string[] {
    return [...this.duplicates];
  }
  get(path: string): ArchiveEntry | undefined {
    return this.byPath.get(path);
  }
  *pages(): Iterable<ArchiveEntry[]> {
    let page: ArchiveEntry[] = [];
    for (const a of this.byPath.values()) {
      page.push(a);
      if (page.length === MemoryEntryIndex.PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }
  close(): void {}
}

/**
 * The memory index until it holds `max` entries, then the one `spill()` gives (SQLite, off the
 * heap), with the entries so far: a bundle of thousands of files stays in memory, while an
 * archive of millions of empty members (a tar.gz of 60 MB holds 9 million, at some 450 bytes of
 * heap each) no longer exhausts the heap.
 */
export class SpillingEntryIndex implements EntryIndex {
  private memory: MemoryEntryIndex | undefined = new MemoryEntryIndex();
  private spilled: EntryIndex | undefined;
  /** Paths the memory index saw twice before the spill. */
  private duplicates: string[] = [];
  count = 0;
  find?: EntryIndex["find"];

  constructor(
    private readonly max: number,
    private readonly spill: () => EntryIndex,
  ) {}

  add(a: ArchiveEntry): void {
    this.count++;
    if (this.spilled) return this.spilled.add(a);
    const memory = this.memory!;
    memory.add(a);
    if (memory.count < this.max) return;
    const next = (this.spilled = this.spill());
    this.duplicates = memory.finish();
    for (const page of memory.pages()) for (const e of page) next.add(e);
    this.memory = undefined;
  }
  finish(): string[] {
    const s = this.spilled;
    if (!s) return this.memory!.finish();
    if (s.find) this.find = s.find.bind(s);
    return [...new Set([...this.duplicates, ...s.finish()])];
  }
  get(path: string): ArchiveEntry | undefined {
    return (this.spilled ?? this.memory!).get(path);
  }
  pages(): Iterable<ArchiveEntry[]> {
    return (this.spilled ?? this.memory!).pages();
  }
  close(): void {
    this.spilled?.close();
  }
}
