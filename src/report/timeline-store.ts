// Timeline events of a run, sorted with an external merge sort: events are kept as compact
// strings in chunks; each full chunk is sorted and spilled to a private temp file; the sorted
// stream is a k-way merge of the chunks. Memory stays flat however many events a case has.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { TimelineEvent } from "../core/model.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";

const FS = "\u0001"; // field separator; sorts below every character a field can hold
const RS = "\u0000"; // record separator in spill files
const CHUNK = 200_000;
// Chunks are also bounded by their text: what a chunk costs the heap (and, through the garbage
// collector's head room, the peak RSS) depends on the length of its descriptions.
const CHUNK_CHARS = 16_000_000;
const SPILL_BLOCK = 4096;
// Fields from evidence may hold anything; only the two separators are replaced.
const SEPARATORS = /[\u0000\u0001]/g;

function clean(s: string): string {
  return s.indexOf(RS) >= 0 || s.indexOf(FS) >= 0 ? s.replace(SEPARATORS, " ") : s;
}

function decode(line: string): TimelineEvent {
  const a = line.split(FS);
  return { timestamp: a[0], module: a[1], event: a[2], description: a[3], detected: a[4] === "1" };
}

/** Receives the fields of one event; the hot path of the timeline writer, with no object per event. */
export type EventFieldsFn = (timestamp: string, module: string, event: string, description: string, detected: boolean) => void;

function emitLine(line: string, fn: EventFieldsFn): void {
  const a = line.indexOf(FS);
  const b = line.indexOf(FS, a + 1);
  const c = line.indexOf(FS, b + 1);
  const d = line.lastIndexOf(FS);
  fn(line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), line.slice(c + 1, d), line.charCodeAt(d + 1) === 0x31);
}

/** Reads one spill file back, record by record, in blocks. */
class SpillReader {
  private fd: number;
  private buf = "";
  private pos = 0;
  private eof = false;
  // A reader per spilled chunk is open during the merge: small blocks keep that bounded.
  private block = Buffer.alloc(1 << 18);
  private leftover = Buffer.alloc(0);
  constructor(path: string) {
    this.fd = openSync(path, "r");
  }
  next(): string | undefined {
    for (;;) {
      const end = this.buf.indexOf(RS, this.pos);
      if (end >= 0) {
        const line = this.buf.slice(this.pos, end);
        this.pos = end + 1;
        return line;
      }
      if (this.eof) {
        closeSync(this.fd);
        return undefined;
      }
      const n = readSync(this.fd, this.block, 0, this.block.length, null);
      if (n === 0) {
        this.eof = true;
        continue;
      }
      // Decode only up to the last complete record so no UTF-8 sequence is cut in two.
      const data = this.leftover.length ? Buffer.concat([this.leftover, this.block.subarray(0, n)]) : this.block.subarray(0, n);
      const cut = data.lastIndexOf(0);
      this.buf = this.buf.slice(this.pos) + data.subarray(0, cut + 1).toString("utf8");
      this.leftover = Buffer.from(data.subarray(cut + 1));
      this.pos = 0;
    }
  }
}

export class TimelineStore {
  private dir: string | undefined;
  private chunk: string[] = [];
  private chunkChars = 0;
  private spills: string[] = [];
  count = 0;
  detectedCount = 0;

  /** `chunkSize` events are held in memory before a sorted chunk is spilled to disk. */
  constructor(private readonly chunkSize = CHUNK) {}

  add(e: TimelineEvent): void {
    this.addFields(e.timestamp, e.module, e.event, e.description, e.detected === true);
  }

  /** Same as add(), without an event object (the pipeline calls this once per event). */
  addFields(timestamp: string, module: string, event: string, description: string, detected: boolean): void {
    // join() makes one flat string. A template literal would keep a tree of string pieces alive
    // until the spill, holding on to every piece of the description (URLs, message texts):
    // three times the memory of the line itself on a 200k-event chunk.
    const line = [timestamp, clean(module), clean(event), clean(description), detected ? "1" : "0"].join(FS);
    this.chunk.push(line);
    this.chunkChars += line.length;
    this.count++;
    if (detected) this.detectedCount++;
    if (this.chunk.length >= this.chunkSize || this.chunkChars >= CHUNK_CHARS) this.spill();
  }

  private spill(): void {
    this.dir ??= privateTempDir("timeline");
    this.chunk.sort();
    const path = join(this.dir, `chunk-${this.spills.length}`);
    const fd = openSync(path, "w", 0o600);
    try {
      // join() builds each block flat in one go; appending line by line made a rope that the
      // write then had to flatten.
      const chunk = this.chunk;
      for (let i = 0; i < chunk.length; i += SPILL_BLOCK) {
        writeSync(fd, chunk.slice(i, i + SPILL_BLOCK).join(RS) + RS);
      }
    } finally {
      closeSync(fd);
    }
    this.spills.push(path);
    this.chunk = [];
    this.chunkChars = 0;
  }

  /** Events in time order (then module, event, description, for a stable diffable output). */
  *sorted(onlyDetected = false): IterableIterator<TimelineEvent> {
    for (const line of this.sortedLines()) if (!onlyDetected || line.endsWith(`${FS}1`)) yield decode(line);
  }

  /** sorted() as fields passed to `fn`: no generator step or object per event. */
  forEachSorted(fn: EventFieldsFn): void {
    if (this.spills.length === 0) {
      this.chunk.sort();
      for (const line of this.chunk) emitLine(line, fn);
      return;
    }
    for (const line of this.sortedLines()) emitLine(line, fn);
  }

  private *sortedLines(): IterableIterator<string> {
    if (this.spills.length === 0) {
      this.chunk.sort();
      yield* this.chunk;
      return;
    }
    if (this.chunk.length) this.spill();
    const readers = this.spills.map((p) => new SpillReader(p));
    // A binary heap over the readers' current heads.
    const heap: { line: string; r: SpillReader }[] = [];
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heap[p].line <= heap[i].line) break;
        [heap[p], heap[i]] = [heap[i], heap[p]];
        i = p;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l].line < heap[m].line) m = l;
        if (r < heap.length && heap[r].line < heap[m].line) m = r;
        if (m === i) return;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    };
    for (const r of readers) {
      const line = r.next();
      if (line !== undefined) {
        heap.push({ line, r });
        up(heap.length - 1);
      }
    }
    while (heap.length) {
      const top = heap[0];
      yield top.line;
      const next = top.r.next();
      if (next === undefined) {
        const last = heap.pop()!;
        if (heap.length) {
          heap[0] = last;
          down(0);
        }
      } else {
        top.line = next;
        down(0);
      }
    }
  }

  close(): void {
    this.chunk = [];
    this.chunkChars = 0;
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
  }
}
