// Timeline events of a run, sorted with an external merge sort: events are kept as their final
// timeline.csv rows; rows that arrive in time order go straight to "run" files, the others wait
// in chunks that are sorted and spilled to private temp files; timeline.csv is a k-way merge of
// the runs and chunks. Memory stays flat however many events a case has.
import { closeSync, openSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TimelineEvent } from "../core/model.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";
import { decodeRow, timelineRow } from "./timeline-row.ts";
import { BlockWriter, mergeFiles, rowWriter, type RowBytesFn, type RowSink } from "./timeline-merge.ts";

const CHUNK = 200_000;
// Chunks are also bounded by their text: what a chunk costs the heap (and, through the garbage
// collector's head room, the peak RSS) depends on the length of its descriptions (sizes compared
// in bench/NOTES.md).
const CHUNK_CHARS = 4_000_000;
/**
 * Sorted files a store keeps before it merges the smaller half of them (see compact()): the merge that
 * writes timeline.csv reads every file at once, so their number stays bounded however many
 * events a case has (a file descriptor and a read buffer each).
 */
const MAX_SPILLS = 64;
/** A run (see TimelineStore.section) is written in blocks of this many characters. */
const RUN_BLOCK_CHARS = 1 << 16;



/** A store's sorted chunks on disk, handed from a worker thread to the main thread's store. */
export interface SpilledTimeline {
  dir: string;
  spills: string[];
  count: number;
  /** The detected events' own store. */
  hits?: SpilledTimeline;
}

/** Rows that arrived in order, on their way to a file of their own (see section()). */
interface Run {
  rows: string[];
  chars: number;
  last: string;
  fd?: number;
  out?: BlockWriter;
  /** Its file, once written to (one of the store's spills). */
  path?: string;
}

/**
 * Timeline events of a run, as timeline.csv rows. Detected events are also kept in a second
 * store, for timeline_detected.csv.
 */
export class TimelineStore {
  private dir: string | undefined;
  /** Folders of chunks adopted from other stores; removed by close(). */
  private adopted: string[] = [];
  private chunk: string[] = [];
  private chunkChars = 0;
  private spills: string[] = [];
  /** Files this store has made, for their names (unique: compact() removes files). */
  private made = 0;
  private hits: TimelineStore | undefined;
  private run: Run | undefined;
  count = 0;

  /**
   * `chunkSize` events are held in memory before a sorted chunk is spilled to disk; past
   * `maxSpills` sorted files, they are merged into one.
   */
  constructor(
    private readonly chunkSize = CHUNK,
    private readonly maxSpills = MAX_SPILLS,
  ) {}

  get detectedCount(): number {
    return this.hits?.count ?? 0;
  }

  add(e: TimelineEvent): void {
    this.addFields(e.timestamp, e.module, e.event, e.description, e.detected === true);
  }

  /** Same as add(), without an event object (the pipeline calls this once per event). */
  addFields(timestamp: string, module: string, event: string, description: string, detected: boolean): void {
    const row = timelineRow(timestamp, module, event, description);
    this.addRow(row);
    if (detected) (this.hits ??= new TimelineStore(this.chunkSize, this.maxSpills)).addRow(row);
  }

  /**
   * Starts a new section (the pipeline calls it before each module). Most modules produce
   * their events in time order: within a section, every row not older than the one before goes
   * straight to a "run" file, which is already sorted; only the others wait in the chunk. Rows
   * then die young instead of filling the heap until a spill, and need no sorting.
   */
  section(): void {
    this.endRun();
  }

  private addRow(row: string): void {
    this.count++;
    const run = (this.run ??= { rows: [], chars: 0, last: row });
    if (row >= run.last) {
      run.rows.push(row);
      run.chars += row.length;
      run.last = row;
      if (run.chars >= RUN_BLOCK_CHARS) this.flushRun(run);
      return;
    }
    this.chunk.push(row);
    this.chunkChars += row.length;
    if (this.chunk.length >= this.chunkSize || this.chunkChars >= CHUNK_CHARS) this.spill();
  }

  private flushRun(run: Run): void {
    if (run.out === undefined) {
      this.dir ??= privateTempDir("timeline");
      const path = join(this.dir, `run-${this.made++}`);
      run.fd = openSync(path, "w", 0o600);
      run.out = new BlockWriter(run.fd, 1 << 18, null, path);
      run.path = path;
      this.spills.push(path);
    }
    for (const row of run.rows) run.out.record(row);
    run.rows = [];
    run.chars = 0;
  }

  /** Closes the current run: its file joins the spills, or a short run's rows join the chunk. */
  private endRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    if (run.out === undefined) {
      // Never written: too short to be worth a file of its own.
      for (const row of run.rows) this.chunk.push(row);
      this.chunkChars += run.chars;
      if (this.chunk.length >= this.chunkSize || this.chunkChars >= CHUNK_CHARS) this.spill();
      return;
    }
    if (run.rows.length) this.flushRun(run);
    run.out.flush();
    closeSync(run.fd!);
  }

  private spill(): void {
    this.dir ??= privateTempDir("timeline");
    this.chunk.sort();
    const path = join(this.dir, `chunk-${this.made++}`);
    const fd = openSync(path, "w", 0o600);
    try {
      const out = new BlockWriter(fd, 1 << 18, null, path);
      for (const row of this.chunk) out.record(row);
      out.flush();
    } finally {
      closeSync(fd);
    }
    this.spills.push(path);
    this.chunk = [];
    this.chunkChars = 0;
    if (this.spills.length > this.maxSpills) this.compact();
  }

  /**
   * Merges the smaller half of the sorted files (never the run being written) into one file in
   * this store's folder, and removes them (files adopted from other stores included: they are
   * this store's now). Merging the smaller half rather than all keeps what is written again
   * small: a row is merged again only when its file is among the smaller ones, a few times in
   * all however many chunks a case spills, instead of at every compaction.
   */
  private compact(): void {
    const open = this.run?.path;
    const closed = this.spills.filter((p) => p !== open).map((p) => ({ p, size: statSync(p).size }));
    if (closed.length < 2) return;
    closed.sort((a, b) => a.size - b.size);
    const files = closed.slice(0, Math.max(2, Math.ceil(closed.length / 2))).map((f) => f.p);
    const path = join(this.dir!, `merged-${this.made++}`);
    const fd = openSync(path, "w", 0o600);
    try {
      const out = new BlockWriter(fd, 1 << 20, null, path);
      mergeFiles(files, (buf, start, end) => out.recordBytes(buf, start, end));
      out.flush();
    } finally {
      closeSync(fd);
    }
    const merged = new Set(files);
    for (const f of files) rmSync(f, { force: true });
    this.spills = [...this.spills.filter((p) => !merged.has(p)), path];
  }

  /**
   * Events in time order (then module, event, description, for a stable diffable output),
   * collected in memory: for tests and small stores. Results are written with writeSorted().
   */
  sorted(onlyDetected = false): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    (onlyDetected ? this.hits : this)?.forEachSortedRow((row) => out.push(onlyDetected ? { ...decodeRow(row), detected: true } : decodeRow(row)));
    return out;
  }

  /**
   * Writes every row in order to `fd` (timeline.csv's body), each also given to `sink`.
   * Returns the number of rows.
   */
  writeSorted(fd: number, sink?: RowSink): number {
    const w = rowWriter(fd, sink);
    this.merge(w.text, w.bytes);
    return w.finish();
  }

  /** writeSorted() for the detected events: timeline_detected.csv's body. */
  writeSortedDetected(fd: number): number {
    return this.hits ? this.hits.writeSorted(fd) : 0;
  }

  /** Every row in order, to `fn`. */
  forEachSortedRow(fn: (row: string) => void): void {
    this.merge(fn, (buf, start, end) => fn(buf.toString("utf8", start, end)));
  }

  /**
   * Every row in order: the in-memory chunk sorted (rows to `text`), or a k-way merge of the
   * spilled chunks and runs (rows as bytes to `bytes`, see mergeFiles).
   */
  private merge(text: (row: string) => void, bytes: RowBytesFn): void {
    this.endRun();
    if (this.spills.length === 0) {
      this.chunk.sort();
      for (const row of this.chunk) text(row);
      return;
    }
    mergeFiles(this.spillFiles(), bytes);
  }

  /** Sorted files on disk now (for tests). */
  get spillCount(): number {
    return this.spills.length;
  }

  /** Whether some rows are on disk already (a store held only in memory is small). */
  get spilled(): boolean {
    return this.spills.length > 0;
  }

  /**
   * The store's rows as sorted files (what is still in memory is spilled first), for a merge
   * in parts (writeMerged); the files stay the store's.
   */
  spillFiles(): string[] {
    this.endRun();
    if (this.chunk.length) this.spill();
    return [...this.spills];
  }

  /**
   * Spills what is still in memory and gives up the chunk files, for another store to adopt().
   * This store is empty afterwards; the folder is no longer its to remove.
   */
  detach(): SpilledTimeline | undefined {
    this.endRun();
    if (this.chunk.length) this.spill();
    if (!this.dir) return undefined;
    const out: SpilledTimeline = { dir: this.dir, spills: this.spills, count: this.count, hits: this.hits?.detach() };
    this.dir = undefined;
    this.spills = [];
    this.count = 0;
    return out;
  }

  /** Takes over another store's detached chunks: they are merged with this store's events. */
  adopt(t: SpilledTimeline): void {
    this.adopted.push(t.dir);
    this.spills.push(...t.spills);
    this.count += t.count;
    if (t.hits) (this.hits ??= new TimelineStore(this.chunkSize, this.maxSpills)).adopt(t.hits);
  }

  close(): void {
    if (this.run?.fd !== undefined) closeSync(this.run.fd);
    this.run = undefined;
    this.chunk = [];
    this.chunkChars = 0;
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
    for (const d of this.adopted.splice(0)) removeTempDir(d);
    this.hits?.close();
  }
}
