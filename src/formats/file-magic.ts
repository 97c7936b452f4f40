// What a file is, from its first bytes (magic numbers), and whether a ZIP archive ends it, from
// its last bytes. Only the head and the tail are kept while the file streams by, so a large
// attachment costs no memory; a caller that needs no tail stops reading after the head.
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";

export type ContentType =
  | "pdf"
  | "jbig2"
  | "psd"
  | "gif"
  | "png"
  | "jpeg"
  | "tiff"
  | "webp"
  | "heic"
  | "avif"
  | "mp4"
  | "mov"
  | "3gp"
  | "m4a"
  | "zip"
  | "gzip"
  | "bplist"
  | "ogg"
  | "mp3"
  | "amr"
  | "caf"
  | "wav"
  | "vcard"
  | "unknown";

/** Bytes read from the start: PDF readers accept "%PDF-" anywhere in the first kilobyte. */
export const HEAD_BYTES = 1024;
/**
 * Bytes kept from the end: a ZIP's end record (22 bytes plus a comment of up to 64 KiB) and,
 * usually, its central directory with the entry names.
 */
export const TAIL_BYTES = 128 * 1024;

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Buffer, s: string, at = 0) => b.length >= at + s.length && b.toString("latin1", at, at + s.length) === s;

// ISO base media (ftyp) brands.
const FTYP: [RegExp, ContentType][] = [
  [/^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/, "heic"],
  [/^(avif|avis)$/, "avif"],
  [/^qt {2}$/, "mov"],
  [/^(3gp\d|3g2\w)$/, "3gp"],
  [/^(M4A |M4B )$/, "m4a"],
];

/** The type of a file from its first bytes ("unknown" when none of the known signatures). */
export function sniff(head: Buffer): ContentType {
  if (startsWith(head, [0x97, 0x4a, 0x42, 0x32, 0x0d, 0x0a, 0x1a, 0x0a])) return "jbig2";
  if (ascii(head, "GIF87a") || ascii(head, "GIF89a")) return "gif";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (ascii(head, "II*\0") || ascii(head, "MM\0*") || ascii(head, "II+\0") || ascii(head, "MM\0+")) return "tiff";
  if (ascii(head, "RIFF") && ascii(head, "WEBP", 8)) return "webp";
  if (ascii(head, "RIFF") && ascii(head, "WAVE", 8)) return "wav";
  if (ascii(head, "8BPS")) return "psd";
  if (ascii(head, "PK\x03\x04") || ascii(head, "PK\x05\x06")) return "zip";
  if (startsWith(head, [0x1f, 0x8b])) return "gzip";
  if (ascii(head, "bplist")) return "bplist";
  if (ascii(head, "OggS")) return "ogg";
  if (ascii(head, "#!AMR")) return "amr";
  if (ascii(head, "caff")) return "caf";
  if (ascii(head, "ID3") || (head.length > 1 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0)) return "mp3";
  if (ascii(head, "ftyp", 4)) {
    const brand = head.toString("latin1", 8, 12);
    for (const [re, t] of FTYP) if (re.test(brand)) return t;
    return "mp4";
  }
  if (/^\s*BEGIN:VCARD/i.test(head.toString("latin1", 0, 32))) return "vcard";
  // Last: a PDF may start with junk before its header (readers search the first kilobyte).
  if (head.indexOf("%PDF-", 0, "latin1") >= 0) return "pdf";
  return "unknown";
}

export interface ZipTail {
  /** Where the archive starts in the file: 0 for a ZIP file, more for one appended to other data. */
  archiveStart: number;
  entryCount: number;
  /** Names from the central directory, when it lies within the tail read. */
  entries: string[];
}

/**
 * The ZIP archive a file ends with, from the file's last bytes (`tail`, ending at `size`): its
 * end-of-central-directory record must close the file exactly (after its comment). The
 * archive's own offsets are relative to where it starts, which tells where that is.
 */
export function zipAtEnd(tail: Buffer, size: number): ZipTail | undefined {
  const base = size - tail.length;
  for (let i = tail.length - 22; i >= 0 && i >= tail.length - 22 - 0xffff; i--) {
    if (tail[i] !== 0x50 || tail[i + 1] !== 0x4b || tail[i + 2] !== 0x05 || tail[i + 3] !== 0x06) continue;
    const commentLen = tail.readUInt16LE(i + 20);
    if (i + 22 + commentLen !== tail.length) continue;
    const entryCount = tail.readUInt16LE(i + 10);
    const cdSize = tail.readUInt32LE(i + 12);
    const cdOffset = tail.readUInt32LE(i + 16);
    const eocd = base + i;
    const archiveStart = eocd - cdSize - cdOffset;
    // ZIP64 archives keep their sizes elsewhere; an impossible layout is not an archive.
    if (cdSize === 0xffffffff || cdOffset === 0xffffffff || archiveStart < 0) return undefined;
    return { archiveStart, entryCount, entries: centralNames(tail, i - cdSize, entryCount) };
  }
  return undefined;
}

function centralNames(tail: Buffer, at: number, count: number): string[] {
  const names: string[] = [];
  let p = at;
  if (p < 0) return names;
  for (let n = 0; n < count && p + 46 <= tail.length; n++) {
    if (tail.readUInt32LE(p) !== 0x02014b50) break;
    const nameLen = tail.readUInt16LE(p + 28);
    const extraLen = tail.readUInt16LE(p + 30);
    const commentLen = tail.readUInt16LE(p + 32);
    if (p + 46 + nameLen > tail.length) break;
    names.push(tail.toString("utf8", p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

export interface HeadTail {
  head: Buffer;
  /** The last TAIL_BYTES (fewer for a short file); undefined when the tail was not wanted. */
  tail?: Buffer;
  /** Bytes in the file; with no tail wanted, only a lower bound. */
  size: number;
}

/**
 * Reads a file's first HEAD_BYTES and, when `wantTail(head)` says so, its last TAIL_BYTES,
 * keeping no more than that in memory. Without a tail the stream is dropped after the head.
 */
export async function readHeadTail(stream: Readable, wantTail: (head: Buffer) => boolean): Promise<HeadTail> {
  const headParts: Buffer[] = [];
  let headLen = 0;
  let head: Buffer | undefined;
  let tailWanted = false;
  // The tail is a ring of recent chunks, trimmed once it holds more than needed.
  let ring: Buffer[] = [];
  let ringLen = 0;
  let size = 0;
  try {
    for await (const c of stream) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
      size += chunk.length;
      if (!head) {
        headParts.push(chunk);
        headLen += chunk.length;
        if (headLen < HEAD_BYTES) continue;
        const all = Buffer.concat(headParts);
        head = all.subarray(0, HEAD_BYTES);
        tailWanted = wantTail(head);
        if (!tailWanted) break;
        ring = [all];
        ringLen = all.length;
      } else {
        ring.push(chunk);
        ringLen += chunk.length;
      }
      while (ring.length > 1 && ringLen - ring[0].length >= TAIL_BYTES) ringLen -= ring.shift()!.length;
    }
  } finally {
    stream.destroy();
  }
  if (!head) {
    // A file shorter than the head: it is its own tail.
    const all = Buffer.concat(headParts);
    return { head: all, tail: wantTail(all) ? all : undefined, size };
  }
  if (!tailWanted) return { head, size };
  const joined = Buffer.concat(ring);
  return { head, tail: joined.subarray(Math.max(0, joined.length - TAIL_BYTES)), size };
}

/**
 * The same as readHeadTail for a file on disk (read in place): the head, and the tail read at
 * its offset, without reading what lies between.
 */
export async function readHeadTailAt(path: string, wantTail: (head: Buffer) => boolean): Promise<HeadTail> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await fh.read(head, 0, head.length, 0);
    if (!wantTail(head)) return { head, size };
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return { head, tail, size };
  } finally {
    await fh.close();
  }
}

/** The first `n` bytes of a file on disk (fewer when it is shorter), read synchronously. */
export function readHead(path: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  const fd = openSync(path, "r");
  try {
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}
