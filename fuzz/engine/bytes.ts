// Byte-level mutators that fit any format: bit flips, interesting values, truncation, deletion,
// insertion, duplication, splicing with another seed, length-field edits and blow-ups.
import type { Mutator } from "./types.ts";

const INTERESTING8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40, 0x0a, 0x0d, 0x22, 0x3c];
/** Values that break bounds checks: zero, one, signed edges, all ones, powers of two. */
export const INTERESTING32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x1000, 0x400, 100, 512];

/** A cheap deterministic byte stream from one number (xorshift32), for inserted bytes. */
export function noise(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function writeUInt(buf: Buffer, pos: number, width: number, value: number, little: boolean): void {
  for (let i = 0; i < width; i++) {
    const byte = i < 4 ? (value >>> (8 * i)) & 0xff : 0;
    buf[little ? pos + i : pos + width - 1 - i] = byte;
  }
}

function readUInt(buf: Buffer, pos: number, width: number, little: boolean): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + buf[little ? pos + width - 1 - i : pos + i];
  return v;
}

const WIDTHS = [1, 2, 4, 8];

export const flipBit: Mutator = {
  name: "flip-bit",
  apply(buf, a, b, _c, ctx) {
    if (!buf.length) return buf;
    const out = ctx.writable(buf);
    out[a % out.length] ^= 1 << b % 8;
    return out;
  },
};

export const setByte: Mutator = {
  name: "set-byte",
  apply(buf, a, b, c, ctx) {
    if (!buf.length) return buf;
    const out = ctx.writable(buf);
    out[a % out.length] = b % 2 ? INTERESTING8[c % INTERESTING8.length] : c & 0xff;
    return out;
  },
};

/** An integer of 1, 2, 4 or 8 bytes, either byte order, set to an interesting value. */
export const setInt: Mutator = {
  name: "set-int",
  apply(buf, a, b, c, ctx) {
    const width = WIDTHS[b % 4];
    if (buf.length < width) return buf;
    const out = ctx.writable(buf);
    const pos = a % (out.length - width + 1);
    const v = c % 3 === 0 ? buf.length + ((c >>> 2) % 5) - 2 : INTERESTING32[c % INTERESTING32.length];
    writeUInt(out, pos, width, v, (b >>> 2) % 2 === 1);
    return out;
  },
};

/**
 * A field that looks like a length or an offset (a 2- or 4-byte integer, either order, no larger
 * than the input) near a position, made wrong: zero, one off either way, past the end, huge.
 */
export const lengthField: Mutator = {
  name: "length-field",
  apply(buf, a, b, c, ctx) {
    const width = b % 2 ? 4 : 2;
    const little = (b >>> 1) % 2 === 1;
    if (buf.length < width + 1) return buf;
    const start = a % (buf.length - width);
    for (let i = 0; i < 256 && start + i + width <= buf.length; i++) {
      const pos = start + i;
      const v = readUInt(buf, pos, width, little);
      if (v === 0 || v > buf.length) continue;
      const choices = [0, v - 1, v + 1, v * 2, buf.length, buf.length + 1, width === 2 ? 0xffff : 0xffffffff, width === 2 ? 0x8000 : 0x80000000];
      const out = ctx.writable(buf);
      writeUInt(out, pos, width, choices[c % choices.length] >>> 0, little);
      return out;
    }
    return buf;
  },
};

export const truncate: Mutator = {
  name: "truncate",
  apply(buf, a) {
    return buf.length ? buf.subarray(0, a % buf.length) : buf;
  },
};

export const deleteRange: Mutator = {
  name: "delete-range",
  apply(buf, a, b) {
    if (!buf.length) return buf;
    const start = a % buf.length;
    const len = 1 + (b % Math.min(512, buf.length - start));
    return Buffer.concat([buf.subarray(0, start), buf.subarray(start + len)]);
  },
};

export const insertNoise: Mutator = {
  name: "insert-noise",
  apply(buf, a, b, c) {
    const at = a % (buf.length + 1);
    return Buffer.concat([buf.subarray(0, at), noise(c, 1 + (b % 64)), buf.subarray(at)]);
  },
};

/** A slice of the input copied to another place (inserted), as repeated structures are. */
export const duplicateRange: Mutator = {
  name: "duplicate-range",
  apply(buf, a, b, c) {
    if (!buf.length) return buf;
    const start = a % buf.length;
    const piece = buf.subarray(start, start + 1 + (b % 1024));
    const at = c % (buf.length + 1);
    return Buffer.concat([buf.subarray(0, at), piece, buf.subarray(at)]);
  },
};

/** A slice copied over another place of the same size (offsets then point at wrong content). */
export const overwriteRange: Mutator = {
  name: "overwrite-range",
  apply(buf, a, b, c, ctx) {
    if (buf.length < 2) return buf;
    const out = ctx.writable(buf);
    const from = a % buf.length;
    const to = c % buf.length;
    buf.copy(out, to, from, Math.min(buf.length, from + 1 + (b % 256)));
    return out;
  },
};

/** The start of this input joined to the end of another seed. */
export const splice: Mutator = {
  name: "splice",
  apply(buf, a, b, c, ctx) {
    const other = ctx.seeds[a % ctx.seeds.length];
    if (!other || !other.length) return buf;
    const cut = buf.length ? b % buf.length : 0;
    return Buffer.concat([buf.subarray(0, cut), other.subarray(c % other.length)]);
  },
};

/** One slice repeated until the input is up to 2 MiB: deep nesting, many entries, long lines. */
export const blowUp: Mutator = {
  name: "blow-up",
  apply(buf, a, b, c) {
    if (!buf.length) return buf;
    const start = a % buf.length;
    const piece = buf.subarray(start, start + 1 + (b % 64));
    const times = Math.min(1 + (c % 65536), Math.floor((2 << 20) / piece.length));
    const at = start + piece.length;
    const out = Buffer.allocUnsafe(buf.length + piece.length * times);
    buf.copy(out, 0, 0, at);
    out.fill(piece, at, at + piece.length * times);
    buf.copy(out, at + piece.length * times, at);
    return out;
  },
};

export const BYTE_MUTATORS: Mutator[] = [flipBit, setByte, setInt, lengthField, truncate, deleteRange, insertNoise, duplicateRange, overwriteRange, splice, blowUp];
