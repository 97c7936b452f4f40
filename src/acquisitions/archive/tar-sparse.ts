// Sparse files in tar archives, restored exactly: GNU tar's PAX formats 0.0 (the map as
// repeated GNU.sparse.offset/numbytes records), 0.1 (the map in one GNU.sparse.map record) and
// 1.0 (the map at the start of the member's data), as `tar --sparse --format=posix` writes them.
// The stored data holds only the listed segments; the holes between them are zeros. GNU's old
// "S" members keep their map in header blocks tar-stream does not hand out: those cannot be
// restored exactly and are never read as if they were the file (tar-member.ts).
import { Transform, type TransformCallback } from "node:stream";

/** A member's sparse layout: `map` is [offset, length] of each stored segment, in order. */
export type SparseLayout = { format: "0.x"; realSize: number; map: [number, number][] } | { format: "1.0"; realSize: number };

const ZEROS = Buffer.alloc(64 * 1024);

function nonNegative(s: string | undefined): number | undefined {
  return s !== undefined && /^\d{1,16}$/.test(s) ? Number(s) : undefined;
}

/** Checks that segments are in order, do not overlap, and end inside the file. */
function mapProblem(map: [number, number][], realSize: number): string | undefined {
  let at = 0;
  for (const [off, len] of map) {
    if (off < at) return "sparse map segments overlap or are out of order";
    at = off + len;
  }
  return at > realSize ? "sparse map reaches past the file's size" : undefined;
}

/**
 * Format 0.0's map from a PAX header's raw records, in order, as format 0.1 writes it
 * ("offset,length,..."); undefined when the header has none. tar-stream's PAX decoding keeps
 * one value per key, which loses all but the last segment.
 */
export function paxSparseMap00(buf: Buffer): string | undefined {
  const out: string[] = [];
  let at = 0;
  while (at < buf.length) {
    const sp = buf.indexOf(32, at);
    const len = sp > at ? Number(buf.subarray(at, sp).toString("latin1")) : NaN;
    if (!Number.isInteger(len) || len <= 0 || at + len > buf.length) break;
    const rec = buf.subarray(sp + 1, at + len - 1).toString("utf8");
    const eq = rec.indexOf("=");
    const key = rec.slice(0, eq);
    if (key === "GNU.sparse.offset" || key === "GNU.sparse.numbytes") out.push(rec.slice(eq + 1));
    at += len;
  }
  return out.length ? out.join(",") : undefined;
}

/**
 * Makes a tar-stream extractor keep format 0.0's sparse map (as GNU.sparse.map in the member's
 * `pax`), by wrapping its PAX header decoding. If a later tar-stream decodes headers elsewhere,
 * the wrapper is not installed and such members stay unrestorable (they fail, never read wrong).
 */
export function keepPaxSparseMap<T extends object>(extract: T): T {
  const x = extract as unknown as { _decodeLongHeader?: (buf: Buffer) => void; _header?: { type?: string }; _pax?: Record<string, string> | null };
  const decode = x._decodeLongHeader;
  if (typeof decode !== "function") return extract;
  x._decodeLongHeader = function (this: typeof x, buf: Buffer) {
    decode.call(this, buf);
    if (this._header?.type === "pax-header" && this._pax && this._pax["GNU.sparse.numblocks"] !== undefined && this._pax["GNU.sparse.map"] === undefined) {
      const map = paxSparseMap00(buf);
      if (map) this._pax["GNU.sparse.map"] = map;
    }
  };
  return extract;
}

/** "0,8192,999424,4096" → [[0, 8192], [999424, 4096]]. */
export function parseSparseMap(text: string): [number, number][] | undefined {
  const nums = text.split(",").map((s) => nonNegative(s.trim()));
  if (nums.length % 2 !== 0 || nums.some((n) => n === undefined)) return undefined;
  const out: [number, number][] = [];
  for (let i = 0; i < nums.length; i += 2) out.push([nums[i]!, nums[i + 1]!]);
  return out;
}

/**
 * The sparse layout a member's PAX records give, a reason it cannot be restored, or undefined
 * for a member that is not sparse.
 */
export function sparseLayout(pax: Record<string, string> | null | undefined): SparseLayout | { problem: string } | undefined {
  if (!pax) return undefined;
  const keys = Object.keys(pax).filter((k) => k.startsWith("GNU.sparse."));
  if (!keys.length) return undefined;
  if (pax["GNU.sparse.major"] !== undefined) {
    const realSize = nonNegative(pax["GNU.sparse.realsize"]);
    if (pax["GNU.sparse.major"] !== "1" || pax["GNU.sparse.minor"] !== "0") return { problem: `sparse file in PAX format ${pax["GNU.sparse.major"]}.${pax["GNU.sparse.minor"]}, which Vigil does not read` };
    if (realSize === undefined) return { problem: "sparse file (PAX format 1.0) without a valid GNU.sparse.realsize" };
    return { format: "1.0", realSize };
  }
  if (pax["GNU.sparse.map"] !== undefined) {
    const realSize = nonNegative(pax["GNU.sparse.size"]);
    const map = parseSparseMap(pax["GNU.sparse.map"]);
    if (realSize === undefined || !map) return { problem: "sparse file (PAX format 0.x) with an unreadable map or size" };
    if (pax["GNU.sparse.numblocks"] !== undefined && nonNegative(pax["GNU.sparse.numblocks"]) !== map.length) return { problem: "sparse file (PAX format 0.x) whose map does not hold GNU.sparse.numblocks segments" };
    const problem = mapProblem(map, realSize);
    return problem ? { problem } : { format: "0.x", realSize, map };
  }
  return { problem: "sparse file in PAX format 0.0 whose map could not be read" };
}

/**
 * Turns a sparse member's stored bytes into the file: zeros for the holes, the stored segments
 * at their offsets, zeros up to the real size. For format 1.0 the map is read first, from the
 * decimal lines that open the data (count, then offset and length of each segment), padded to a
 * 512-byte block. Errors when the data does not match its map.
 */
export class SparseRestore extends Transform {
  private segments: [number, number][] | undefined;
  private seg = 0;
  /** Bytes of the current segment still to come. */
  private left = 0;
  /** Bytes of the file written so far. */
  private at = 0;
  /** Format 1.0: the map's text read so far, and its bytes. */
  private head: Buffer[] = [];
  private headBytes = 0;

  /** `onZeros(n)`: told of each run of hole bytes before they are written; throws to refuse them. */
  constructor(
    private readonly layout: SparseLayout,
    private readonly onZeros?: (n: number) => void,
  ) {
    super();
    if (layout.format === "0.x") this.setMap(layout.map);
  }

  private setMap(map: [number, number][]): void {
    this.segments = map;
    this.seg = 0;
    this.left = map.length ? map[0][1] : 0;
  }

  private zerosTo(pos: number): void {
    if (pos > this.at) this.onZeros?.(pos - this.at);
    while (this.at < pos) {
      const n = Math.min(ZEROS.length, pos - this.at);
      this.push(n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n));
      this.at += n;
    }
  }

  /** Format 1.0: reads the map off the front of the data; returns the bytes after it, or undefined while it is incomplete. */
  private readHead(chunk: Buffer): Buffer | undefined {
    this.head.push(chunk);
    this.headBytes += chunk.length;
    const all = Buffer.concat(this.head);
    this.head = [all];
    const lines: number[] = [];
    let from = 0;
    for (;;) {
      const nl = all.indexOf(10, from);
      if (nl < 0) break;
      const n = nonNegative(all.subarray(from, nl).toString("latin1"));
      if (n === undefined) throw new Error("sparse map (PAX format 1.0) is not decimal numbers");
      lines.push(n);
      from = nl + 1;
      const count = lines[0];
      if (lines.length === 1 + 2 * count) {
        const end = Math.ceil(from / 512) * 512;
        if (all.length < end) return undefined;
        const map: [number, number][] = [];
        for (let i = 0; i < count; i++) map.push([lines[1 + 2 * i], lines[2 + 2 * i]]);
        const problem = mapProblem(map, this.layout.realSize);
        if (problem) throw new Error(problem);
        this.setMap(map);
        this.head = [];
        return all.subarray(end);
      }
    }
    if (this.headBytes > 1 << 20) throw new Error("sparse map (PAX format 1.0) longer than 1 MiB");
    return undefined;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      let data: Buffer | undefined = chunk;
      if (!this.segments) data = this.readHead(chunk);
      const map = this.segments;
      if (!data || !map) return done();
      let i = 0;
      while (i < data.length) {
        while (this.left === 0 && this.seg < map.length - 1) {
          this.seg++;
          this.left = map[this.seg][1];
        }
        if (this.left === 0) throw new Error("sparse member holds more data than its map lists");
        this.zerosTo(map[this.seg][0] + (map[this.seg][1] - this.left));
        const n = Math.min(this.left, data.length - i);
        this.push(data.subarray(i, i + n));
        this.at += n;
        this.left -= n;
        i += n;
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    const map = this.segments;
    if (!map) return done(new Error("sparse member ends inside its map"));
    const rest = this.left + map.slice(this.seg + 1).reduce((a, [, len]) => a + len, 0);
    if (rest > 0) return done(new Error(`sparse member ends ${rest} bytes short of its map`));
    try {
      this.zerosTo(this.layout.realSize);
    } catch (e) {
      return done(e as Error);
    }
    done();
  }
}
