// The k-way merge that writes timeline.csv from a store's sorted files, working on the rows'
// bytes; also its division into ranges of the merged order, written by several threads.
import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { outputError } from "../core/output-file.ts";
import { dropTop, heapify, siftDown } from "../core/heap.ts";

/**
 * Part of the merged order: the rows r with from <= r < to, compared as bytes (the merge's
 * order). Either bound may be missing. Used to write timeline.csv in parts on several threads.
 */
export interface RowRange {
  from?: Buffer;
  to?: Buffer;
}

/**
 * Reads one spill file back as bytes: the current row is buf[start, end). The merge that writes
 * timeline.csv works on these bytes, so a million rows are never decoded into strings and
 * encoded again. With a range, only the rows inside it are read.
 */
class ByteRowReader {
  private fd: number;
  buf = Buffer.allocUnsafe(1 << 18);
  start = 0;
  end = 0;
  key = NaN;
  private len = 0;
  private pos = 0;
  private eof = false;
  private closed = false;
  private filePos = 0;
  private from: Buffer | undefined;
  /** The range's end as a row, compared as the merge compares rows (bytesBefore). */
  private readonly to: Row | undefined;
  constructor(path: string, range?: RowRange) {
    this.fd = openSync(path, "r");
    if (range?.to) this.to = { buf: range.to, start: 0, end: range.to.length, key: bytesKey(range.to, 0, range.to.length) };
    if (range?.from) {
      this.from = range.from;
      this.filePos = startNear(this.fd, range.from);
    }
  }
  /** Where the current row starts in its file. */
  offset(): number {
    return this.filePos - this.len + this.start;
  }
  /** Moves to the next row in the range; false at its end (the file is then closed). */
  next(): boolean {
    for (;;) {
      if (!this.advance()) return false;
      if (this.from) {
        if (compareBytes(this.buf, this.start, this.end, this.from, 0, this.from.length) < 0) continue;
        this.from = undefined;
      }
      if (this.to && !bytesBefore(this, this.to)) {
        this.close();
        return false;
      }
      return true;
    }
  }
  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
  private advance(): boolean {
    for (;;) {
      const at = this.pos < this.len ? this.buf.indexOf(0, this.pos) : -1;
      if (at >= 0 && at < this.len) {
        this.start = this.pos;
        this.end = at;
        this.pos = at + 1;
        this.key = bytesKey(this.buf, this.start, this.end);
        return true;
      }
      if (this.eof) {
        this.close();
        return false;
      }
      // Keep the unfinished row at the front (a row longer than the buffer doubles it).
      if (this.pos > 0) {
        this.buf.copy(this.buf, 0, this.pos, this.len);
        this.len -= this.pos;
        this.pos = 0;
      } else if (this.len === this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, this.len);
        this.buf = bigger;
      }
      const n = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.filePos);
      this.filePos += n;
      if (n === 0) this.eof = true;
      else this.len += n;
    }
  }
}

const PROBE = 1 << 16;

/**
 * A row start in a sorted spill file at most PROBE bytes before its first row that is not
 * before `from` (a binary search on file offsets: each probe reads the first whole row after a
 * point). The reader then skips the few rows before `from` one by one.
 */
function startNear(fd: number, from: Buffer): number {
  const probe = Buffer.allocUnsafe(PROBE);
  let lo = 0; // a row start, not after the answer
  let hi = fstatSync(fd).size; // a row start (or the end), not before the answer
  while (hi - lo > PROBE) {
    // Read from p - 1: a row that starts at p is the one found.
    const at = lo + Math.floor((hi - lo) / 2) - 1;
    const row = rowAfter(fd, probe, at);
    // No whole row in the probe (a very long one), or none before hi: the reader scans from lo.
    if (!row || at + row.start >= hi) break;
    if (compareBytes(probe, row.start, row.end, from, 0, from.length) < 0) lo = at + row.end + 1;
    else hi = at + row.start;
  }
  return lo;
}

/**
 * The first whole row of a spill file after the separator found at offset `pos` or later: the
 * probe is filled from `pos` and the row is probe[start, end). Undefined when the probe holds no
 * whole row.
 */
function rowAfter(fd: number, probe: Buffer, pos: number): { start: number; end: number } | undefined {
  const bytes = probe.subarray(0, readSync(fd, probe, 0, probe.length, pos));
  const sep = bytes.indexOf(0);
  const end = sep < 0 ? -1 : bytes.indexOf(0, sep + 1);
  return end < 0 ? undefined : { start: sep + 1, end };
}

/**
 * Cuts the merged order of sorted spill files into `parts` ranges holding about the same bytes,
 * at rows sampled evenly through every file.
 */
export function splitRanges(files: string[], parts: number, samplesPerFile = 64): RowRange[] {
  const samples: { row: Buffer; weight: number }[] = [];
  const probe = Buffer.allocUnsafe(PROBE);
  for (const path of files) {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      for (let k = 1; k < samplesPerFile; k++) {
        const row = rowAfter(fd, probe, Math.floor((size * k) / samplesPerFile));
        if (row && row.end > row.start) samples.push({ row: Buffer.from(probe.subarray(row.start, row.end)), weight: size / samplesPerFile });
      }
    } finally {
      closeSync(fd);
    }
  }
  samples.sort((a, b) => compareBytes(a.row, 0, a.row.length, b.row, 0, b.row.length));
  const total = samples.reduce((a, x) => a + x.weight, 0);
  const cuts: Buffer[] = [];
  let acc = 0;
  let k = 1;
  for (const x of samples) {
    acc += x.weight;
    while (k < parts && acc >= (total * k) / parts) {
      if (!cuts.length || compareBytes(cuts[cuts.length - 1], 0, cuts[cuts.length - 1].length, x.row, 0, x.row.length) < 0) cuts.push(x.row);
      k++;
    }
  }
  return Array.from({ length: cuts.length + 1 }, (_, i) => ({ from: cuts[i - 1], to: cuts[i] }));
}

export type RowBytesFn = (buf: Buffer, start: number, end: number, key: number) => void;

/**
 * A k-way merge of sorted spill files (rows as bytes to `bytes`), optionally of one range only.
 * Rows are compared by their timestamp read as a number (rows lead with one fixed-format
 * timestamp) and by their bytes only on ties or other formats: the order of the texts, for a
 * fraction of the cost on a million rows sharing long prefixes.
 */
export function mergeFiles(files: string[], bytes: RowBytesFn, range?: RowRange): void {
  const heap: ByteRowReader[] = [];
  for (const path of files) {
    const reader = new ByteRowReader(path, range);
    if (reader.next()) heap.push(reader);
  }
  heapify(heap, bytesBefore);
  while (heap.length) {
    const top = heap[0];
    bytes(top.buf, top.start, top.end, top.key);
    if (!top.next()) dropTop(heap, bytesBefore);
    else siftDown(heap, 0, bytesBefore);
  }
}

/**
 * Writes the rows of sorted spill files (TimelineStore.spillFiles) within `range`, in order, to
 * `fd` (part of timeline.csv's body), each also given to `sink`. Returns the number of rows.
 * With `position`, the rows are written from that offset of the file instead of its current one.
 */
export function writeMerged(files: string[], fd: number, range?: RowRange, sink?: RowSink, position?: number): number {
  const w = rowWriter(fd, sink, position);
  mergeFiles(files, w.bytes, range);
  return w.finish();
}

/**
 * Merges the rows of `range` into the file at `path` (timeline.csv, being written by other
 * threads too) at their final place: after the `at` bytes of its header, and after the rows of
 * every range before this one (rangeOffset). Each thread writes its part of the one file, and no
 * part has to be copied after it.
 */
export function writeMergedAt(files: string[], path: string, at: number, range: RowRange, sink?: RowSink): number {
  const fd = openSync(path, "r+");
  try {
    return writeMerged(files, fd, range, sink, at + rangeOffset(files, range));
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes that the rows before `range.from` take in the merged output. Each spill file is
 * sorted, so those rows are the start of each file: the bytes up to its first row not before
 * `from`, less one record separator per row.
 */
export function rangeOffset(files: string[], range: RowRange): number {
  if (!range.from) return 0;
  let total = 0;
  for (const path of files) {
    const reader = new ByteRowReader(path, { from: range.from });
    let end: number;
    if (reader.next()) {
      end = reader.offset();
      reader.close();
    } else end = statSync(path).size;
    total += end - countZeros(path, end);
  }
  return total;
}

/** Zero bytes (record separators) among the first `end` bytes of a file. */
function countZeros(path: string, end: number): number {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let zeros = 0;
  try {
    for (let pos = 0; pos < end; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n === 0) break;
      for (let i = buf.indexOf(0); i >= 0 && i < n; i = buf.indexOf(0, i + 1)) zeros++;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return zeros;
}

/** Writes rows (as strings or as bytes) to `fd` in blocks, each also to `sink`, and counts them. */
export function rowWriter(fd: number, sink?: RowSink, position?: number): { text: (row: string) => void; bytes: RowBytesFn; finish: () => number } {
  const out = new BlockWriter(fd, 1 << 20, position ?? null);
  let n = 0;
  return {
    text: (row) => {
      out.string(row);
      sink?.addRow(row);
      n++;
    },
    bytes: (buf, start, end, key) => {
      out.bytes(buf, start, end);
      sink?.addRowBytes(buf, start, end, key);
      n++;
    },
    finish: () => {
      out.flush();
      return n;
    },
  };
}

/**
 * `"YYYY-MM-DD HH:MM:SS.ffffff"` (MVT's form, timelineRow) at the start of a row (held as bytes)
 * as the number YYYYMMDDHHMMSSmmm (its microseconds are left to the byte comparison that breaks
 * ties); NaN for any other start. Above 2^53 the number is rounded, but rounding never reverses
 * an order, it can only make two keys equal, and equal keys are compared as bytes.
 */
function bytesKey(b: Buffer, start: number, end: number): number {
  if (end - start < 28 || b[start] !== 0x22 || b[start + 27] !== 0x22) return NaN;
  let k = 0;
  for (let i = 1; i < 27; i++) {
    const c = b[start + i];
    if (c >= 0x30 && c <= 0x39) {
      if (i < 24) k = k * 10 + (c - 0x30);
    } else if (!((i === 5 || i === 8) && c === 0x2d) && !(i === 11 && c === 0x20) && !((i === 14 || i === 17) && c === 0x3a) && !(i === 20 && c === 0x2e)) return NaN;
  }
  return k;
}

/** A row held as bytes, buf[start, end), with its timestamp key (bytesKey). */
interface Row {
  buf: Buffer;
  start: number;
  end: number;
  key: number;
}

/**
 * Whether row a sorts before row b: by timestamp key, then by bytes. UTF-8 byte order is
 * code-point order, which differs from the UTF-16 order the chunks were sorted in only between
 * characters above U+FFFF and U+E000–U+FFFF: at worst two rows with the same timestamp come out
 * in another order; every row is still written, and the same input gives the same file.
 */
function bytesBefore(a: Row, b: Row): boolean {
  if (a.key === b.key || a.key !== a.key || b.key !== b.key) return compareBytes(a.buf, a.start, a.end, b.buf, b.start, b.end) < 0;
  return a.key < b.key;
}

/**
 * Buffer#compare on two ranges, as a loop: rows that tie on the timestamp differ a few bytes
 * after it (the module name), and the loop costs less than the native call's set-up.
 */
function compareBytes(a: Buffer, as: number, ae: number, b: Buffer, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i] - b[bs + i];
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** Writes strings and byte ranges to a file in blocks of a megabyte. */
export class BlockWriter {
  private block: Buffer;
  private used = 0;
  /**
   * `position`: where in the file to write (else at the file's current offset). `path`: the file,
   * named by a failed write (a spill file; timeline.csv's writer names itself).
   */
  constructor(
    private readonly fd: number,
    size = 1 << 20,
    private position: number | null = null,
    private readonly path?: string,
  ) {
    this.block = Buffer.allocUnsafe(size);
  }
  private write(b: Buffer, start: number, n: number): void {
    try {
      writeSync(this.fd, b, start, n, this.position);
    } catch (e) {
      throw this.path ? outputError(e, this.path) : e;
    }
    if (this.position !== null) this.position += n;
  }
  /** A row and the record separator of spill files. */
  record(row: string): void {
    this.string(row);
    if (this.used === this.block.length) this.flush();
    this.block[this.used++] = 0;
  }
  /** A row held as bytes and the record separator of spill files. */
  recordBytes(b: Buffer, start: number, end: number): void {
    this.bytes(b, start, end);
    if (this.used === this.block.length) this.flush();
    this.block[this.used++] = 0;
  }
  bytes(b: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.used + n > this.block.length) {
      this.flush();
      if (n > this.block.length) {
        this.write(b, start, n);
        return;
      }
    }
    // Buffer#copy makes no view object per row, as TypedArray#set(b.subarray(...)) did; a byte
    // loop costs more than either (bench/NOTES.md).
    b.copy(this.block, this.used, start, end);
    this.used += n;
  }
  string(s: string): void {
    if (this.used + s.length * 3 > this.block.length) {
      this.flush();
      if (s.length * 3 > this.block.length) {
        const b = Buffer.from(s);
        this.write(b, 0, b.length);
        return;
      }
    }
    this.used += this.block.write(s, this.used);
  }
  flush(): void {
    if (this.used) this.write(this.block, 0, this.used);
    this.used = 0;
  }
}

/** Receives each row written by TimelineStore.writeSorted (the report's data collector). */
export interface RowSink {
  addRow(row: string): void;
  /** The row as bytes, with its timestamp key (NaN when its timestamp is not in the usual form). */
  addRowBytes(buf: Buffer, start: number, end: number, key: number): void;
}
