import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { privateTempDir, removeTempDir } from "../core/tempdir.js";
const FS = "";
const RS = "\0";
const CHUNK = 2e5;
const CHUNK_CHARS = 16e6;
const SPILL_BLOCK = 4096;
const SEPARATORS = /[\u0000\u0001]/g;
function clean(s) {
  return s.indexOf(RS) >= 0 || s.indexOf(FS) >= 0 ? s.replace(SEPARATORS, " ") : s;
}
function decode(line) {
  const a = line.split(FS);
  return { timestamp: a[0], module: a[1], event: a[2], description: a[3], detected: a[4] === "1" };
}
function emitLine(line, fn) {
  const a = line.indexOf(FS);
  const b = line.indexOf(FS, a + 1);
  const c = line.indexOf(FS, b + 1);
  const d = line.lastIndexOf(FS);
  fn(line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), line.slice(c + 1, d), line.charCodeAt(d + 1) === 49);
}
class SpillReader {
  fd;
  buf = "";
  pos = 0;
  eof = false;
  // A reader per spilled chunk is open during the merge: small blocks keep that bounded.
  block = Buffer.alloc(1 << 18);
  leftover = Buffer.alloc(0);
  constructor(path) {
    this.fd = openSync(path, "r");
  }
  next() {
    for (; ; ) {
      const end = this.buf.indexOf(RS, this.pos);
      if (end >= 0) {
        const line = this.buf.slice(this.pos, end);
        this.pos = end + 1;
        return line;
      }
      if (this.eof) {
        closeSync(this.fd);
        return void 0;
      }
      const n = readSync(this.fd, this.block, 0, this.block.length, null);
      if (n === 0) {
        this.eof = true;
        continue;
      }
      const data = this.leftover.length ? Buffer.concat([this.leftover, this.block.subarray(0, n)]) : this.block.subarray(0, n);
      const cut = data.lastIndexOf(0);
      this.buf = this.buf.slice(this.pos) + data.subarray(0, cut + 1).toString("utf8");
      this.leftover = Buffer.from(data.subarray(cut + 1));
      this.pos = 0;
    }
  }
}
class TimelineStore {
  /** `chunkSize` events are held in memory before a sorted chunk is spilled to disk. */
  constructor(chunkSize = CHUNK) {
    this.chunkSize = chunkSize;
  }
  chunkSize;
  dir;
  chunk = [];
  chunkChars = 0;
  spills = [];
  count = 0;
  detectedCount = 0;
  add(e) {
    this.addFields(e.timestamp, e.module, e.event, e.description, e.detected === true);
  }
  /** Same as add(), without an event object (the pipeline calls this once per event). */
  addFields(timestamp, module, event, description, detected) {
    const line = [timestamp, clean(module), clean(event), clean(description), detected ? "1" : "0"].join(FS);
    this.chunk.push(line);
    this.chunkChars += line.length;
    this.count++;
    if (detected) this.detectedCount++;
    if (this.chunk.length >= this.chunkSize || this.chunkChars >= CHUNK_CHARS) this.spill();
  }
  spill() {
    this.dir ??= privateTempDir("timeline");
    this.chunk.sort();
    const path = join(this.dir, `chunk-${this.spills.length}`);
    const fd = openSync(path, "w", 384);
    try {
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
  *sorted(onlyDetected = false) {
    for (const line of this.sortedLines()) if (!onlyDetected || line.endsWith(`${FS}1`)) yield decode(line);
  }
  /** sorted() as fields passed to `fn`: no generator step or object per event. */
  forEachSorted(fn) {
    if (this.spills.length === 0) {
      this.chunk.sort();
      for (const line of this.chunk) emitLine(line, fn);
      return;
    }
    for (const line of this.sortedLines()) emitLine(line, fn);
  }
  *sortedLines() {
    if (this.spills.length === 0) {
      this.chunk.sort();
      yield* this.chunk;
      return;
    }
    if (this.chunk.length) this.spill();
    const readers = this.spills.map((p) => new SpillReader(p));
    const heap = [];
    const up = (i) => {
      while (i > 0) {
        const p = i - 1 >> 1;
        if (heap[p].line <= heap[i].line) break;
        [heap[p], heap[i]] = [heap[i], heap[p]];
        i = p;
      }
    };
    const down = (i) => {
      for (; ; ) {
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
      if (line !== void 0) {
        heap.push({ line, r });
        up(heap.length - 1);
      }
    }
    while (heap.length) {
      const top = heap[0];
      yield top.line;
      const next = top.r.next();
      if (next === void 0) {
        const last = heap.pop();
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
  close() {
    this.chunk = [];
    this.chunkChars = 0;
    if (this.dir) removeTempDir(this.dir);
    this.dir = void 0;
  }
}
export {
  TimelineStore
};
