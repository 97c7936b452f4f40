import { VigilError } from "../core/errors.js";
import { parsePlist, unarchive } from "./plist.js";
const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);
let B = Buffer.alloc(0);
let T = 0;
let REF = 1;
let OFFS = [];
let CACHE = [];
let BUSY = new Uint8Array(0);
function decodeBplist(buf) {
  if (buf.length < 40 || buf[0] !== 98 || buf[6] !== 48 || buf[7] !== 48 || buf.toString("latin1", 0, 6) !== "bplist") throw new Error("not a binary plist");
  const t = buf.length - 32;
  const offSize = buf[t + 6];
  const refSize = buf[t + 7];
  const numObjects = readUIntN(buf, t + 8, 8);
  const topObject = readUIntN(buf, t + 16, 8);
  const tableOff = readUIntN(buf, t + 24, 8);
  if (offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8) throw new Error("bad trailer");
  if (tableOff + numObjects * offSize > t || topObject >= numObjects) throw new Error("offset table out of range");
  const offsets = new Array(numObjects);
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
function lengthAt(marker, pos, out) {
  const low = marker & 15;
  if (low !== 15) {
    out[0] = low;
    out[1] = pos + 1;
    return;
  }
  const m = B[pos + 1];
  if ((m & 240) !== 16) throw new Error("bad length marker");
  const n = 1 << (m & 15);
  out[0] = readUIntN(B, pos + 2, n);
  out[1] = pos + 2 + n;
}
function obj(ref) {
  if (ref >= OFFS.length) throw new Error("object ref out of range");
  const hit = CACHE[ref];
  if (hit !== void 0) return hit;
  if (BUSY[ref]) throw new Error("cyclic binary plist");
  BUSY[ref] = 1;
  const buf = B;
  const pos = OFFS[ref];
  if (pos >= T) throw new Error("object offset out of range");
  const marker = buf[pos];
  const kind = marker >> 4;
  const ls = LS;
  let v;
  switch (kind) {
    case 0:
      v = marker === 8 ? false : marker === 9 ? true : null;
      break;
    case 1:
      v = readInt(buf, pos + 1, 1 << (marker & 15));
      break;
    case 2:
      v = (marker & 15) === 2 ? buf.readFloatBE(pos + 1) : buf.readDoubleBE(pos + 1);
      break;
    case 3:
      v = new Date(MAC_EPOCH_MS + buf.readDoubleBE(pos + 1) * 1e3);
      break;
    case 4: {
      lengthAt(marker, pos, ls);
      if (ls[1] + ls[0] > T) throw new Error("data out of range");
      v = buf.subarray(ls[1], ls[1] + ls[0]);
      break;
    }
    case 5: {
      lengthAt(marker, pos, ls);
      if (ls[1] + ls[0] > T) throw new Error("string out of range");
      v = ls[0] <= 24 ? shortLatin1(buf, ls[1], ls[1] + ls[0]) : buf.toString("latin1", ls[1], ls[1] + ls[0]);
      break;
    }
    case 6: {
      lengthAt(marker, pos, ls);
      if (ls[1] + 2 * ls[0] > T) throw new Error("string out of range");
      const u = Buffer.from(buf.subarray(ls[1], ls[1] + 2 * ls[0]));
      u.swap16();
      v = u.toString("utf16le");
      break;
    }
    case 8:
      v = { UID: readUIntN(buf, pos + 1, (marker & 15) + 1) };
      break;
    case 10:
    case 12: {
      lengthAt(marker, pos, ls);
      const len = ls[0];
      const start = ls[1];
      const arr = new Array(len);
      for (let i = 0; i < len; i++) arr[i] = obj(readUIntN(buf, start + i * REF, REF));
      v = arr;
      break;
    }
    case 13: {
      lengthAt(marker, pos, ls);
      const len = ls[0];
      const start = ls[1];
      const d = {};
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
function shortLatin1(buf, start, end) {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}
function readUIntN(buf, pos, n) {
  if (pos + n > buf.length) throw new Error("read past end");
  if (n === 1) return buf[pos];
  if (n === 2) return buf.readUInt16BE(pos);
  if (n === 4) return buf.readUInt32BE(pos);
  if (n === 8) {
    const hi = buf.readUInt32BE(pos);
    if (hi > 2097151) throw new Error("offset too large");
    return hi * 4294967296 + buf.readUInt32BE(pos + 4);
  }
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + buf[pos + i];
  return v;
}
function readInt(buf, pos, n) {
  if (pos + n > buf.length) throw new Error("read past end");
  if (n === 1) return buf[pos];
  if (n === 2) return buf.readUInt16BE(pos);
  if (n === 4) return buf.readUInt32BE(pos);
  if (n === 8) {
    const hi = buf.readInt32BE(pos);
    if (hi >= -2097152 && hi < 2097152) return hi * 4294967296 + buf.readUInt32BE(pos + 4);
    return buf.readBigInt64BE(pos);
  }
  if (n === 16) return buf.readBigInt64BE(pos + 8);
  throw new Error("bad integer size");
}
const num = (v) => {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime() / 1e3;
  return void 0;
};
function resolve(v, objects, depth = 0) {
  if (depth > 4) return void 0;
  if (v !== null && typeof v === "object" && !Buffer.isBuffer(v) && !(v instanceof Date) && !Array.isArray(v)) {
    const o = v;
    if (typeof o.UID === "number") {
      const target = objects[o.UID];
      return target === "$null" ? void 0 : resolve(target, objects, depth + 1);
    }
    if ("NS.data" in o) return resolve(o["NS.data"], objects, depth + 1);
    if ("NS.bytes" in o) return resolve(o["NS.bytes"], objects, depth + 1);
    if ("NS.string" in o) return resolve(o["NS.string"], objects, depth + 1);
  }
  return v;
}
const KEY_NAMES = ["RelativePath", "LastModified", "LastStatusChange", "Birth", "Size", "Mode", "UserID", "GroupID", "InodeNumber", "Flags", "ProtectionClass", "EncryptionKey", "Target", "Digest"];
const KEY_BYTES = KEY_NAMES.map((k) => Buffer.from(k, "latin1"));
const TOP_KEYS = { objects: Buffer.from("$objects", "latin1"), top: Buffer.from("$top", "latin1"), root: Buffer.from("root", "latin1"), data: Buffer.from("NS.data", "latin1") };
let FB = EMPTY;
let FT = 0;
let FOFF = 1;
let FREF = 1;
let FNUM = 0;
let FTABLE = 0;
let FOBJ_N = 0;
let FOBJ_START = 0;
const FH = [0, 0];
function fOff(ref) {
  if (ref >= FNUM) return -1;
  const o = readUIntN(FB, FTABLE + ref * FOFF, FOFF);
  return o < FT ? o : -1;
}
function fRef(pos) {
  return readUIntN(FB, pos, FREF);
}
function fHead(pos, kind) {
  if (pos < 0 || FB[pos] >> 4 !== kind) return false;
  const low = FB[pos] & 15;
  if (low !== 15) {
    FH[0] = low;
    FH[1] = pos + 1;
    return true;
  }
  const m = FB[pos + 1];
  if ((m & 240) !== 16) return false;
  const n = 1 << (m & 15);
  if (n > 4) return false;
  FH[0] = readUIntN(FB, pos + 2, n);
  FH[1] = pos + 2 + n;
  return true;
}
function fKeyIndex(pos, names) {
  if (!fHead(pos, 5)) return -1;
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
function fDictGet(pos, want) {
  if (!fHead(pos, 13)) return -1;
  const n = FH[0];
  const start = FH[1];
  const one = [want];
  for (let i = 0; i < n; i++) if (fKeyIndex(fOff(fRef(start + i * FREF)), one) === 0) return fOff(fRef(start + (n + i) * FREF));
  return -1;
}
function fUid(pos) {
  if (pos < 0 || FB[pos] >> 4 !== 8) return -1;
  return readUIntN(FB, pos + 1, (FB[pos] & 15) + 1);
}
function fObject(uid) {
  return uid >= 0 && uid < FOBJ_N ? fOff(fRef(FOBJ_START + uid * FREF)) : -1;
}
function fastMBFile(buf) {
  const t = buf.length - 32;
  if (t < 8) return void 0;
  const offSize = buf[t + 6];
  const refSize = buf[t + 7];
  if (offSize < 1 || offSize > 4 || refSize < 1 || refSize > 4) return void 0;
  if (buf.readUInt32BE(t + 8) !== 0 || buf.readUInt32BE(t + 16) !== 0 || buf.readUInt32BE(t + 24) !== 0) return void 0;
  FB = buf;
  FT = t;
  FOFF = offSize;
  FREF = refSize;
  FNUM = buf.readUInt32BE(t + 12);
  FTABLE = buf.readUInt32BE(t + 28);
  const topObject = buf.readUInt32BE(t + 20);
  try {
    if (FTABLE + FNUM * offSize > t || topObject >= FNUM) return void 0;
    const topPos = fOff(topObject);
    const objectsPos = fDictGet(topPos, TOP_KEYS.objects);
    const rootUid = fUid(fDictGet(fDictGet(topPos, TOP_KEYS.top), TOP_KEYS.root));
    if (!fHead(objectsPos, 10)) return void 0;
    FOBJ_N = FH[0];
    FOBJ_START = FH[1];
    if (rootUid < 0 || rootUid >= FOBJ_N) return void 0;
    const rootPos = fObject(rootUid);
    if (!fHead(rootPos, 13)) return void 0;
    const n = FH[0];
    const start = FH[1];
    const out = {};
    for (let i = 0; i < n; i++) {
      const which = fKeyIndex(fOff(fRef(start + i * refSize)), KEY_BYTES);
      if (which < 0) continue;
      let vpos = fOff(fRef(start + (n + i) * refSize));
      if (vpos < 0) return void 0;
      if (buf[vpos] >> 4 === 8) vpos = fObject(fUid(vpos));
      if (vpos < 0) return void 0;
      const m = buf[vpos];
      const kind = m >> 4;
      if (which === 0 || which === 12) {
        if (kind !== 5 && kind !== 6) return void 0;
        const v = decodeString(buf, vpos, t);
        if (v === void 0) return void 0;
        if (which === 0) out.relativePath = v;
        else out.target = v;
      } else if (which === 11 || which === 13) {
        let dpos = vpos;
        if (kind === 13) {
          dpos = fDictGet(vpos, TOP_KEYS.data);
          if (dpos >= 0 && buf[dpos] >> 4 === 8) dpos = fObject(fUid(dpos));
        }
        if (!fHead(dpos, 4) || FH[1] + FH[0] > t) return void 0;
        const data = buf.subarray(FH[1], FH[1] + FH[0]);
        if (which === 11) out.encryptionKey = data;
        else out.digest = data;
      } else {
        let v;
        if (kind === 1) {
          const x = readInt(buf, vpos + 1, 1 << (m & 15));
          v = typeof x === "bigint" ? Number(x) : x;
        } else if (kind === 2) v = (m & 15) === 2 ? buf.readFloatBE(vpos + 1) : buf.readDoubleBE(vpos + 1);
        else if (kind === 3) v = buf.readDoubleBE(vpos + 1) + MAC_EPOCH_MS / 1e3;
        else return void 0;
        switch (which) {
          case 1:
            out.lastModified = v;
            break;
          case 2:
            out.lastStatusChange = v;
            break;
          case 3:
            out.birth = v;
            break;
          case 4:
            out.size = v;
            break;
          case 5:
            out.mode = v;
            break;
          case 6:
            out.userId = v;
            break;
          case 7:
            out.groupId = v;
            break;
          case 8:
            out.inode = v;
            break;
          case 9:
            out.flags = v;
            break;
          case 10:
            out.protectionClass = v;
            break;
        }
      }
    }
    return out;
  } finally {
    FB = EMPTY;
  }
}
function decodeString(buf, pos, t) {
  const m = buf[pos];
  let len = m & 15;
  let start = pos + 1;
  if (len === 15) {
    const lm = buf[pos + 1];
    if ((lm & 240) !== 16) return void 0;
    const n = 1 << (lm & 15);
    len = readUIntN(buf, pos + 2, n);
    start = pos + 2 + n;
  }
  if (m >> 4 === 5) return start + len <= t ? buf.toString("latin1", start, start + len) : void 0;
  if (start + 2 * len > t) return void 0;
  const u = Buffer.from(buf.subarray(start, start + 2 * len));
  u.swap16();
  return u.toString("utf16le");
}
function decodeMBFile(blob, file) {
  let o;
  try {
    const isBinary = blob.length >= 40 && blob[0] === 98 && blob.toString("latin1", 0, 8) === "bplist00";
    if (isBinary) {
      let quick;
      try {
        quick = fastMBFile(blob);
      } catch {
        quick = void 0;
      }
      if (quick) return quick;
    }
    if (isBinary) {
      const a = decodeBplist(blob);
      const objects = a?.["$objects"];
      const top = a?.["$top"];
      const rootRef = top?.["root"];
      if (a?.["$archiver"] !== "NSKeyedArchiver" || !Array.isArray(objects) || typeof rootRef?.UID !== "number") {
        throw new Error("not an NSKeyedArchiver archive with a root object");
      }
      const root = objects[rootRef.UID];
      if (!root || typeof root !== "object" || Array.isArray(root) || Buffer.isBuffer(root) || root instanceof Date) throw new Error("root is not an object");
      const raw = root;
      o = {};
      for (const k in raw) if (k !== "$class") o[k] = resolve(raw[k], objects);
    } else {
      const root = unarchive(parsePlist(blob, file), file);
      if (!root || typeof root !== "object") throw new Error("no root object");
      o = root;
    }
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`malformed file metadata (MBFile): ${e.message}`, { file, code: "plist", cause: e });
  }
  const key = o["EncryptionKey"];
  const digest = o["Digest"];
  return {
    relativePath: typeof o["RelativePath"] === "string" ? o["RelativePath"] : void 0,
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
    encryptionKey: Buffer.isBuffer(key) ? key : void 0,
    target: typeof o["Target"] === "string" ? o["Target"] : void 0,
    digest: Buffer.isBuffer(digest) ? digest : void 0
  };
}
export {
  decodeBplist,
  decodeMBFile
};
