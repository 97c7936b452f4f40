// Structure-aware mutators for archives: tar header fields edited with the checksum made valid
// again (so the reader gets past the checksum to the field), zip local, central-directory and
// end-record fields set to lying values.
import { INTERESTING32 } from "./bytes.ts";
import type { Mutator } from "./types.ts";

// ---- tar ----

const TAR_FIELDS: [offset: number, length: number][] = [
  [0, 100], // name
  [100, 8], // mode
  [108, 8], // uid
  [116, 8], // gid
  [124, 12], // size
  [136, 12], // mtime
  [156, 1], // typeflag
  [157, 100], // linkname
  [257, 8], // magic + version
  [345, 155], // prefix
];
const TYPEFLAGS = "0123456789gxLKSDVMNA\0";
const NAMES = ["../escape", "/abs/path", "a/../../b", "./", "", "x".repeat(100), "GNUSparseFile.0/f", "a\\..\\b", "dir/", "é/中", "./PaxHeaders/x"];
const OCTALS = ["00000000000", "77777777777", "7777777777777", "-1", "", " ", "0000001000\0", "\x80\0\0\0\0\0\0\0\xff\xff\xff\xff", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "00000001750"];

/** Offsets of blocks that look like tar headers (a ustar magic, or a checksum that adds up). */
function tarHeaders(buf: Buffer): number[] {
  const out: number[] = [];
  for (let p = 0; p + 512 <= buf.length && out.length < 256; p += 512) {
    if (buf.toString("latin1", p + 257, p + 262) === "ustar" || checksumOk(buf, p)) out.push(p);
  }
  return out;
}

function checksum(buf: Buffer, p: number): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[p + i];
  return sum;
}

function checksumOk(buf: Buffer, p: number): boolean {
  const stored = parseInt(buf.toString("latin1", p + 148, p + 156).replace(/[\0 ]+$/, ""), 8);
  return Number.isFinite(stored) && stored === checksum(buf, p) && stored !== 8 * 0x20;
}

function fixChecksum(buf: Buffer, p: number): void {
  buf.write(checksum(buf, p).toString(8).padStart(6, "0") + "\0 ", p + 148, 8, "latin1");
}

export const tarField: Mutator = {
  name: "tar-field",
  apply(buf, a, b, c, ctx) {
    const heads = tarHeaders(buf);
    if (!heads.length) return buf;
    const p = heads[a % heads.length];
    const [off, len] = TAR_FIELDS[b % TAR_FIELDS.length];
    const out = ctx.writable(buf);
    let value: string;
    if (off === 156) value = TYPEFLAGS[c % TYPEFLAGS.length];
    else if (off === 0 || off === 157 || off === 345) value = NAMES[c % NAMES.length];
    else if (off === 257) value = ["ustar\x0000", "ustar  \0", "\0\0\0\0\0\0\0\0", "ustar\0xx"][c % 4];
    else value = OCTALS[c % OCTALS.length];
    out.fill(0, p + off, p + off + len);
    out.write(value, p + off, len, "latin1");
    // Mostly keep the checksum valid, so the edited field is what the reader sees.
    if ((c >>> 8) % 4 !== 0) fixChecksum(out, p);
    return out;
  },
};

/** A PAX extended header (or GNU long name) put in front of a member, with records that lie. */
export const tarPax: Mutator = {
  name: "tar-pax",
  apply(buf, a, b, c) {
    const heads = tarHeaders(buf);
    if (!heads.length) return buf;
    const p = heads[a % heads.length];
    const records = [
      "size=99999999999", "size=-5", "path=../../etc/x", "path=", "linkpath=/etc/passwd", "mtime=1e400", "GNU.sparse.major=1", "GNU.sparse.minor=0",
      "GNU.sparse.name=sms.db", "GNU.sparse.realsize=4096", "GNU.sparse.map=0,512,1024,512", "GNU.sparse.numblocks=3", "GNU.sparse.size=1000000000", "uid=abc", "x",
    ];
    const pick = [records[b % records.length], records[c % records.length]];
    const body = Buffer.from(pick.map((r) => `${Buffer.byteLength(r) + 3 + String(Buffer.byteLength(r) + 3).length} ${r}\n`).join(""), "latin1");
    const head = Buffer.alloc(512);
    head.write("PaxHeaders/x", 0, "latin1");
    head.write("0000644\0", 100, "latin1");
    head.write(body.length.toString(8).padStart(11, "0") + "\0", 124, "latin1");
    head.write(["x", "g", "L", "K"][(c >>> 4) % 4], 156, "latin1");
    head.write("ustar\x0000", 257, "latin1");
    fixChecksum(head, 0);
    const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
    body.copy(padded);
    return Buffer.concat([buf.subarray(0, p), head, padded, buf.subarray(p)]);
  },
};

// ---- zip ----

interface ZipField {
  sig: number;
  off: number;
  width: 2 | 4;
}
const ZIP_FIELDS: ZipField[] = [
  // local file header
  { sig: 0x04034b50, off: 6, width: 2 }, // flags
  { sig: 0x04034b50, off: 8, width: 2 }, // method
  { sig: 0x04034b50, off: 14, width: 4 }, // crc
  { sig: 0x04034b50, off: 18, width: 4 }, // compressed size
  { sig: 0x04034b50, off: 22, width: 4 }, // uncompressed size
  { sig: 0x04034b50, off: 26, width: 2 }, // name length
  { sig: 0x04034b50, off: 28, width: 2 }, // extra length
  // central directory entry
  { sig: 0x02014b50, off: 8, width: 2 }, // flags
  { sig: 0x02014b50, off: 10, width: 2 }, // method
  { sig: 0x02014b50, off: 16, width: 4 }, // crc
  { sig: 0x02014b50, off: 20, width: 4 }, // compressed size
  { sig: 0x02014b50, off: 24, width: 4 }, // uncompressed size
  { sig: 0x02014b50, off: 28, width: 2 }, // name length
  { sig: 0x02014b50, off: 30, width: 2 }, // extra length
  { sig: 0x02014b50, off: 32, width: 2 }, // comment length
  { sig: 0x02014b50, off: 38, width: 4 }, // external attributes (Unix mode in the high half)
  { sig: 0x02014b50, off: 42, width: 4 }, // local header offset
  // end of central directory
  { sig: 0x06054b50, off: 8, width: 2 }, // entries on this disk
  { sig: 0x06054b50, off: 10, width: 2 }, // entries
  { sig: 0x06054b50, off: 12, width: 4 }, // directory size
  { sig: 0x06054b50, off: 16, width: 4 }, // directory offset
  { sig: 0x06054b50, off: 20, width: 2 }, // comment length
];
const ZIP_VALUES = [...INTERESTING32, 8, 12, 14, 99, 0x0001, 0x0008, 0x0800, 0x0809, 0xa1ff0000, 0x41ed0000, 0x61b60000, 0x21b60000];

function zipRecords(buf: Buffer, sig: number): number[] {
  const out: number[] = [];
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(sig);
  for (let p = buf.indexOf(magic); p >= 0 && out.length < 256; p = buf.indexOf(magic, p + 1)) out.push(p);
  return out;
}

export const zipField: Mutator = {
  name: "zip-field",
  apply(buf, a, b, c, ctx) {
    const f = ZIP_FIELDS[b % ZIP_FIELDS.length];
    const at = zipRecords(buf, f.sig);
    if (!at.length) return buf;
    const p = at[a % at.length] + f.off;
    if (p + f.width > buf.length) return buf;
    const out = ctx.writable(buf);
    const old = f.width === 2 ? out.readUInt16LE(p) : out.readUInt32LE(p);
    const choices = [...ZIP_VALUES, old + 1, old - 1, old * 2];
    const v = (choices[c % choices.length] >>> 0) & (f.width === 2 ? 0xffff : 0xffffffff);
    if (f.width === 2) out.writeUInt16LE(v, p);
    else out.writeUInt32LE(v >>> 0, p);
    return out;
  },
};

/** A member's compressed bytes (after its local header) damaged, as a corrupt deflate stream. */
export const zipData: Mutator = {
  name: "zip-data",
  apply(buf, a, b, c, ctx) {
    const at = zipRecords(buf, 0x04034b50);
    if (!at.length) return buf;
    const p = at[a % at.length];
    if (p + 30 > buf.length) return buf;
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    const size = buf.readUInt32LE(p + 18);
    if (start >= buf.length || size === 0) return buf;
    const out = ctx.writable(buf);
    const q = start + (b % Math.min(size, out.length - start));
    out[q] ^= 1 + (c % 255);
    return out;
  },
};

export const TAR_MUTATORS: Mutator[] = [tarField, tarPax];
export const ZIP_MUTATORS: Mutator[] = [zipField, zipData];
