// MBFile records: the NSKeyedArchiver blob in every Manifest.db Files row (times, size, mode,
// protection class, per-file EncryptionKey). A backup has up to millions of them, and
// bplist-parser costs ~75 µs per blob (≈4 s for 50k files), so small binary plists are read
// here by a compact decoder (~a few µs) producing the same value shapes as bplist-parser
// ({UID: n}, Buffer, Date, bigint for >53-bit ints). The MBFile object is then resolved
// directly; XML archives go through the shared `unarchive`.
import { VigilError } from "../core/errors.ts";
import { parsePlist, unarchive, type PlistValue } from "./plist.ts";

const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);

// Parser state lives in module variables rather than closures: tsx/esbuild wraps every
// closure with a naming helper, which cost more than the parse itself on tiny blobs. The
// parse is synchronous, so the state is never shared between two calls.
let B: Buffer = Buffer.alloc(0);
let T = 0;
let REF = 1;
let OFFS: number[] = [];
let CACHE: (PlistValue | undefined)[] = [];
let BUSY: Uint8Array = new Uint8Array(0);

/** Decodes a binary plist ("bplist00"). Throws a plain Error on malformed input. */
export function decodeBplist(buf: Buffer): PlistValue {
  if (buf.length < 40 || buf[0] !== 0x62 || buf[6] !== 0x30 || buf[7] !== 0x30 || buf.toString("latin1", 0, 6) !== "bplist") throw new Error("not a binary plist");
  const t = buf.length - 32;
  const offSize = buf[t + 6];
  const refSize = buf[t + 7];
  const numObjects = readUIntN(buf, t + 8, 8);
  const topObject = readUIntN(buf, t + 16, 8);
  const tableOff = readUIntN(buf, t + 24, 8);
  if (offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8) throw new Error("bad trailer");
  if (tableOff + numObjects * offSize > t || topObject >= numObjects) throw new Error("offset table out of range");
  const offsets = new Array<number>(numObjects);
  for (let i = 0; i < numObjects; i++) offsets[i] = readUIntN(buf, tableOff + i * offSize, offSize);
  B = buf;
  T = t;
  REF = refSize;
  OFFS = offsets;
  CACHE = new Array(numObjects);
  BUSY = new Uint8Array(numObjects);
  try {
    return obj(topObject);
  } finally {
    B = EMPTY;
    OFFS = [];
    CACHE = [];
  }
}
const EMPTY = Buffer.alloc(0);
const LS = [0, 0];

/** Returns [length, start of payload] for a variable-length object. */
function lengthAt(marker: number, pos: number, out: number[]): void {
  const low = marker & 0x0f;
  if (low !== 0x0f) {
    out[0] = low;
    out[1] = pos + 1;
    return;
  }
  const m = B[pos + 1];
  if ((m & 0xf0) !== 0x10) throw new Error("bad length marker");
  const n = 1 << (m & 0x0f);
  out[0] = readUIntN(B, pos + 2, n);
  out[1] = pos + 2 + n;
}

function obj(ref: number): PlistValue {
  if (ref >= OFFS.length) throw new Error("object ref out of range");
  const hit = CACHE[ref];
  if (hit !== undefined) return hit;
  if (BUSY[ref]) throw new Error("cyclic binary plist");
  BUSY[ref] = 1;
  const buf = B;
  const pos = OFFS[ref];
  if (pos >= T) throw new Error("object offset out of range");
  const marker = buf[pos];
  const kind = marker >> 4;
  const ls = LS;
  let v: PlistValue;
  switch (kind) {
    case 0x0:
      v = marker === 0x08 ? false : marker === 0x09 ? true : null;
      break;
    case 0x1:
      v = readInt(buf, pos + 1, 1 << (marker & 0x0f));
      break;
    case 0x2:
      v = (marker & 0x0f) === 2 ? buf.readFloatBE(pos + 1) : buf.readDoubleBE(pos + 1);
      break;
    case 0x3:
      v = new Date(MAC_EPOCH_MS + buf.readDoubleBE(pos + 1) * 1000);
      break;
    case 0x4: {
      lengthAt(marker, pos, ls);
      if (ls[1] + ls[0] > T) throw new Error("data out of range");
      v = buf.subarray(ls[1], ls[1] + ls[0]);
      break;
    }
    case 0x5: {
      lengthAt(marker, pos, ls);
      if (ls[1] + ls[0] > T) throw new Error("string out of range");
      v = ls[0] <= 24 ? shortLatin1(buf, ls[1], ls[1] + ls[0]) : buf.toString("latin1", ls[1], ls[1] + ls[0]);
      break;
    }
    case 0x6: {
      lengthAt(marker, pos, ls);
      if (ls[1] + 2 * ls[0] > T) throw new Error("string out of range");
      const u = Buffer.from(buf.subarray(ls[1], ls[1] + 2 * ls[0]));
      u.swap16();
      v = u.toString("utf16le");
      break;
    }
    case 0x8:
      v = { UID: readUIntN(buf, pos + 1, (marker & 0x0f) + 1) };
      break;
    case 0xa:
    case 0xc: {
      lengthAt(marker, pos, ls);
      const len = ls[0];
      const start = ls[1];
      const arr: PlistValue[] = new Array(len);
      for (let i = 0; i < len; i++) arr[i] = obj(readUIntN(buf, start + i * REF, REF));
      v = arr;
      break;
    }
    case 0xd: {
      lengthAt(marker, pos, ls);
      const len = ls[0];
      const start = ls[1];
      const d: Record<string, PlistValue> = {};
      for (let i = 0; i < len; i++) {
        const k = obj(readUIntN(buf, start + i * REF, REF));
        d[String(k)] = obj(readUIntN(buf, start + (len + i) * REF, REF));
      }
      v = d;
      break;
    }
    default:
      throw new Error(`unknown object type 0x${marker.toString(16)}`);
  }
  BUSY[ref] = 0;
  CACHE[ref] = v;
  return v;
}

// A native slice costs more than a JS loop for the short keys MBFile blobs are made of.
function shortLatin1(buf: Buffer, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

function readUIntN(buf: Buffer, pos: number, n: number): number {
  if (pos + n > buf.length) throw new Error("read past end");
  if (n === 1) return buf[pos];
  if (n === 2) return buf.readUInt16BE(pos);
  if (n === 4) return buf.readUInt32BE(pos);
  if (n === 8) {
    const hi = buf.readUInt32BE(pos);
    if (hi > 0x1fffff) throw new Error("offset too large");
    return hi * 0x100000000 + buf.readUInt32BE(pos + 4);
  }
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + buf[pos + i];
  return v;
}

function readInt(buf: Buffer, pos: number, n: number): number | bigint {
  if (pos + n > buf.length) throw new Error("read past end");
  if (n === 1) return buf[pos];
  if (n === 2) return buf.readUInt16BE(pos);
  if (n === 4) return buf.readUInt32BE(pos);
  if (n === 8) {
    const hi = buf.readInt32BE(pos);
    // Within ±2^53 the value is exact as a number; beyond, keep it exact as a bigint.
    if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + buf.readUInt32BE(pos + 4);
    return buf.readBigInt64BE(pos);
  }
  if (n === 16) return buf.readBigInt64BE(pos + 8);
  throw new Error("bad integer size");
}

export interface MBFile {
  relativePath?: string;
  /** Unix seconds (older backups stored dates; converted to seconds here). */
  birth?: number;
  lastModified?: number;
  lastStatusChange?: number;
  size?: number;
  mode?: number;
  userId?: number;
  groupId?: number;
  inode?: number;
  flags?: number;
  protectionClass?: number;
  /** `uint32le class ‖ wrapped key`, 44 bytes, encrypted backups only. */
  encryptionKey?: Buffer;
  /** Symlink target. */
  target?: string;
  digest?: Buffer;
}

const num = (v: unknown): number | undefined => {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime() / 1000;
  return undefined;
};

/** Resolves `{UID: n}` (and NSData wrappers) against $objects, without the generic unarchiver. */
function resolve(v: unknown, objects: PlistValue[], depth = 0): unknown {
  if (depth > 4) return undefined;
  if (v !== null && typeof v === "object" && !Buffer.isBuffer(v) && !(v instanceof Date) && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.UID === "number") {
      const target = objects[o.UID];
      return target === "$null" ? undefined : resolve(target, objects, depth + 1);
    }
    if ("NS.data" in o) return resolve(o["NS.data"], objects, depth + 1);
    if ("NS.bytes" in o) return resolve(o["NS.bytes"], objects, depth + 1);
    if ("NS.string" in o) return resolve(o["NS.string"], objects, depth + 1);
  }
  return v;
}

// Direct reader for the usual MBFile blob layout: walks only the objects it needs and compares
// key bytes instead of building strings and objects. Returns undefined on any surprise, and the
// caller then takes the generic path.
const KEY_NAMES = ["RelativePath", "LastModified", "LastStatusChange", "Birth", "Size", "Mode", "UserID", "GroupID", "InodeNumber", "Flags", "ProtectionClass", "EncryptionKey", "Target", "Digest"] as const;
const KEY_BYTES = KEY_NAMES.map((k) => Buffer.from(k, "latin1"));
const TOP_KEYS = { objects: Buffer.from("$objects", "latin1"), top: Buffer.from("$top", "latin1"), root: Buffer.from("root", "latin1"), data: Buffer.from("NS.data", "latin1") };

// State of the current fastMBFile call (module variables, not closures: see decodeBplist).
let FB: Buffer = EMPTY;
let FT = 0;
let FOFF = 1;
let FREF = 1;
let FNUM = 0;
let FTABLE = 0;
let FOBJ_N = 0;
let FOBJ_START = 0;
const FH = [0, 0];

function fOff(ref: number): number {
  if (ref >= FNUM) return -1;
  const o = readUIntN(FB, FTABLE + ref * FOFF, FOFF);
  return o < FT ? o : -1;
}
function fRef(pos: number): number {
  return readUIntN(FB, pos, FREF);
}
/** Sets FH to [count, start] of the object at pos when it has `kind`. */
function fHead(pos: number, kind: number): boolean {
  if (pos < 0 || FB[pos] >> 4 !== kind) return false;
  const low = FB[pos] & 0x0f;
  if (low !== 0x0f) {
    FH[0] = low;
    FH[1] = pos + 1;
    return true;
  }
  const m = FB[pos + 1];
  if ((m & 0xf0) !== 0x10) return false;
  const n = 1 << (m & 0x0f);
  if (n > 4) return false;
  FH[0] = readUIntN(FB, pos + 2, n);
  FH[1] = pos + 2 + n;
  return true;
}
function fKeyIndex(pos: number, names: Buffer[]): number {
  if (!fHead(pos, 0x5)) return -1;
  const len = FH[0];
  const start = FH[1];
  for (let k = 0; k < names.length; k++) {
    const want = names[k];
    if (want.length !== len || FB[start] !== want[0]) continue;
    let j = 1;
    while (j < len && FB[start + j] === want[j]) j++;
    if (j === len) return k;
  }
  return -1;
}
function fDictGet(pos: number, want: Buffer): number {
  if (!fHead(pos, 0xd)) return -1;
  const n = FH[0];
  const start = FH[1];
  const one = [want];
  for (let i = 0; i < n; i++) if (fKeyIndex(fOff(fRef(start + i * FREF)), one) === 0) return fOff(fRef(start + (n + i) * FREF));
  return -1;
}
function fUid(pos: number): number {
  if (pos < 0 || FB[pos] >> 4 !== 0x8) return -1;
  return readUIntN(FB, pos + 1, (FB[pos] & 0x0f) + 1);
}
function fObject(uid: number): number {
  return uid >= 0 && uid < FOBJ_N ? fOff(fRef(FOBJ_START + uid * FREF)) : -1;
}

function fastMBFile(buf: Buffer): MBFile | undefined {
  const t = buf.length - 32;
  if (t < 8) return undefined;
  const offSize = buf[t + 6];
  const refSize = buf[t + 7];
  if (offSize < 1 || offSize > 4 || refSize < 1 || refSize > 4) return undefined;
  if (buf.readUInt32BE(t + 8) !== 0 || buf.readUInt32BE(t + 16) !== 0 || buf.readUInt32BE(t + 24) !== 0) return undefined;
  FB = buf;
  FT = t;
  FOFF = offSize;
  FREF = refSize;
  FNUM = buf.readUInt32BE(t + 12);
  FTABLE = buf.readUInt32BE(t + 28);
  const topObject = buf.readUInt32BE(t + 20);
  try {
    if (FTABLE + FNUM * offSize > t || topObject >= FNUM) return undefined;
    const topPos = fOff(topObject);
    const objectsPos = fDictGet(topPos, TOP_KEYS.objects);
    const rootUid = fUid(fDictGet(fDictGet(topPos, TOP_KEYS.top), TOP_KEYS.root));
    if (!fHead(objectsPos, 0xa)) return undefined;
    FOBJ_N = FH[0];
    FOBJ_START = FH[1];
    if (rootUid < 0 || rootUid >= FOBJ_N) return undefined;
    const rootPos = fObject(rootUid);
    if (!fHead(rootPos, 0xd)) return undefined;
    const n = FH[0];
    const start = FH[1];
    const out: MBFile = {};
    for (let i = 0; i < n; i++) {
      const which = fKeyIndex(fOff(fRef(start + i * refSize)), KEY_BYTES);
      if (which < 0) continue;
      let vpos = fOff(fRef(start + (n + i) * refSize));
      if (vpos < 0) return undefined;
      if (buf[vpos] >> 4 === 0x8) vpos = fObject(fUid(vpos));
      if (vpos < 0) return undefined;
      const m = buf[vpos];
      const kind = m >> 4;
      if (which === 0 || which === 12) {
        if (kind !== 0x5 && kind !== 0x6) return undefined;
        const v = decodeString(buf, vpos, t);
        if (v === undefined) return undefined;
        if (which === 0) out.relativePath = v;
        else out.target = v;
      } else if (which === 11 || which === 13) {
        let dpos = vpos;
        if (kind === 0xd) {
          dpos = fDictGet(vpos, TOP_KEYS.data);
          if (dpos >= 0 && buf[dpos] >> 4 === 0x8) dpos = fObject(fUid(dpos));
        }
        if (!fHead(dpos, 0x4) || FH[1] + FH[0] > t) return undefined;
        const data = buf.subarray(FH[1], FH[1] + FH[0]);
        if (which === 11) out.encryptionKey = data;
        else out.digest = data;
      } else {
        let v: number;
        if (kind === 0x1) {
          const x = readInt(buf, vpos + 1, 1 << (m & 0x0f));
          v = typeof x === "bigint" ? Number(x) : x;
        } else if (kind === 0x2) v = (m & 0x0f) === 2 ? buf.readFloatBE(vpos + 1) : buf.readDoubleBE(vpos + 1);
        else if (kind === 0x3) v = buf.readDoubleBE(vpos + 1) + MAC_EPOCH_MS / 1000;
        else return undefined;
        switch (which) {
          case 1: out.lastModified = v; break;
          case 2: out.lastStatusChange = v; break;
          case 3: out.birth = v; break;
          case 4: out.size = v; break;
          case 5: out.mode = v; break;
          case 6: out.userId = v; break;
          case 7: out.groupId = v; break;
          case 8: out.inode = v; break;
          case 9: out.flags = v; break;
          case 10: out.protectionClass = v; break;
        }
      }
    }
    return out;
  } finally {
    FB = EMPTY;
  }
}

function decodeString(buf: Buffer, pos: number, t: number): string | undefined {
  const m = buf[pos];
  let len = m & 0x0f;
  let start = pos + 1;
  if (len === 0x0f) {
    const lm = buf[pos + 1];
    if ((lm & 0xf0) !== 0x10) return undefined;
    const n = 1 << (lm & 0x0f);
    len = readUIntN(buf, pos + 2, n);
    start = pos + 2 + n;
  }
  if (m >> 4 === 0x5) return start + len <= t ? buf.toString("latin1", start, start + len) : undefined;
  if (start + 2 * len > t) return undefined;
  const u = Buffer.from(buf.subarray(start, start + 2 * len));
  u.swap16();
  return u.toString("utf16le");
}

/** Decodes one Files.file blob. Throws a VigilError naming `file` when it is not an MBFile archive. */
export function decodeMBFile(blob: Buffer, file?: string): MBFile {
  let o: Record<string, unknown>;
  try {
    const isBinary = blob.length >= 40 && blob[0] === 0x62 && blob.toString("latin1", 0, 8) === "bplist00";
    if (isBinary) {
      let quick: MBFile | undefined;
      try {
        quick = fastMBFile(blob);
      } catch {
        quick = undefined;
      }
      if (quick) return quick;
    }
    if (isBinary) {
      // Fast path: Apple's and Python's archivers both put the MBFile dict behind $top.root.
      const a = decodeBplist(blob) as Record<string, PlistValue>;
      const objects = a?.["$objects"];
      const top = a?.["$top"] as Record<string, PlistValue> | undefined;
      const rootRef = top?.["root"] as { UID?: number } | undefined;
      if (a?.["$archiver"] !== "NSKeyedArchiver" || !Array.isArray(objects) || typeof rootRef?.UID !== "number") {
        throw new Error("not an NSKeyedArchiver archive with a root object");
      }
      const root = objects[rootRef.UID];
      if (!root || typeof root !== "object" || Array.isArray(root) || Buffer.isBuffer(root) || root instanceof Date) throw new Error("root is not an object");
      const raw = root as Record<string, unknown>;
      o = {};
      for (const k in raw) if (k !== "$class") o[k] = resolve(raw[k], objects);
    } else {
      const root = unarchive(parsePlist(blob, file), file);
      if (!root || typeof root !== "object") throw new Error("no root object");
      o = root as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`malformed file metadata (MBFile): ${(e as Error).message}`, { file, code: "plist", cause: e });
  }
  const key = o["EncryptionKey"];
  const digest = o["Digest"];
  return {
    relativePath: typeof o["RelativePath"] === "string" ? o["RelativePath"] : undefined,
    birth: num(o["Birth"]),
    lastModified: num(o["LastModified"]),
    lastStatusChange: num(o["LastStatusChange"]),
    size: num(o["Size"]),
    mode: num(o["Mode"]),
    userId: num(o["UserID"]),
    groupId: num(o["GroupID"]),
    inode: num(o["InodeNumber"]),
    flags: num(o["Flags"]),
    protectionClass: num(o["ProtectionClass"]),
    encryptionKey: Buffer.isBuffer(key) ? key : undefined,
    target: typeof o["Target"] === "string" ? o["Target"] : undefined,
    digest: Buffer.isBuffer(digest) ? digest : undefined,
  };
}
