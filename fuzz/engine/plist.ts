// Structure-aware mutators for binary plists: the 32-byte trailer (offset and reference sizes,
// object count, top object, offset-table position) and the offset table itself, where one
// entry pointed at another object makes shared, cyclic or overlapping objects.
import { INTERESTING32 } from "./bytes.ts";
import type { Mutator } from "./types.ts";

function isBplist(buf: Buffer): boolean {
  return buf.length >= 40 && buf.toString("latin1", 0, 6) === "bplist";
}

export const bplistTrailer: Mutator = {
  name: "bplist-trailer",
  apply(buf, a, _b, c, ctx) {
    if (!isBplist(buf)) return buf;
    const t = buf.length - 32;
    const out = ctx.writable(buf);
    const field = a % 5;
    const values = [...INTERESTING32, 3, 5, 8, 9];
    const v = values[c % values.length];
    if (field === 0) out[t + 6] = v & 0xff; // offset int size
    else if (field === 1) out[t + 7] = v & 0xff; // object ref size
    else out.writeBigUInt64BE(BigInt(v >>> 0) * (c % 7 === 0 ? 0x100000000n : 1n), t + 8 + 8 * (field - 2));
    return out;
  },
};

export const bplistOffsets: Mutator = {
  name: "bplist-offsets",
  apply(buf, a, b, _c, ctx) {
    if (!isBplist(buf)) return buf;
    const t = buf.length - 32;
    const offSize = buf[t + 6];
    const count = Number(buf.readBigUInt64BE(t + 8));
    const table = Number(buf.readBigUInt64BE(t + 24));
    if (offSize < 1 || offSize > 4 || count < 2 || table + count * offSize > t) return buf;
    const out = ctx.writable(buf);
    const i = a % count;
    const j = b % count;
    // Entry i now points where entry j does.
    buf.copy(out, table + i * offSize, table + j * offSize, table + (j + 1) * offSize);
    return out;
  },
};

/** An object's marker byte changed: a string read as an array, a dict with a huge count, a UID. */
export const bplistMarker: Mutator = {
  name: "bplist-marker",
  apply(buf, a, _b, c, ctx) {
    if (!isBplist(buf)) return buf;
    const t = buf.length - 32;
    const offSize = buf[t + 6];
    const count = Number(buf.readBigUInt64BE(t + 8));
    const table = Number(buf.readBigUInt64BE(t + 24));
    if (offSize < 1 || offSize > 4 || count < 1 || table + count * offSize > t) return buf;
    const i = a % count;
    const pos = buf.readUIntBE(table + i * offSize, offSize);
    if (pos >= t) return buf;
    const markers = [0x00, 0x08, 0x09, 0x0f, 0x13, 0x14, 0x23, 0x33, 0x4f, 0x5f, 0x6f, 0x80, 0x87, 0xa1, 0xaf, 0xd1, 0xdf, 0x70, 0xf0];
    const out = ctx.writable(buf);
    out[pos] = markers[c % markers.length];
    return out;
  },
};

export const BPLIST_MUTATORS: Mutator[] = [bplistTrailer, bplistOffsets, bplistMarker];
