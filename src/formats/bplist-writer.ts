// A small binary plist writer (bplist-creator cannot write UIDs, which every NSKeyedArchiver
// blob needs), used to build backups for vigil demo, the benchmark and the tests. Supports dict, array, string (ASCII, or UTF-16 when needed), int
// (incl. negative and bigint), real, date, data, bool, null and UID. No de-duplication.

export class Uid {
  constructor(readonly UID: number) {}
}
/** A float that must be written as a real even when it is integral. */
export class Real {
  constructor(readonly value: number) {}
}

export type BValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | Buffer
  | Uid
  | Real
  | BValue[]
  | { [key: string]: BValue | undefined };

const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);

export function uid(n: number): Uid {
  return new Uid(n);
}

// Written without per-call closures and with one growing output buffer: the bench builds
// backups with hundreds of thousands of MBFile blobs.
class Out {
  buf = Buffer.allocUnsafe(1024);
  pos = 0;
  need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.need(1);
    this.buf[this.pos++] = b;
  }
  uint(n: number, size: number): void {
    this.need(size);
    this.buf.writeUIntBE(n, this.pos, size);
    this.pos += size;
  }
  bytes(b: Buffer): void {
    this.need(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
}

interface Flat {
  values: BValue[];
  refs: (number[] | undefined)[];
}

function flatten(v: BValue, f: Flat): number {
  const idx = f.values.length;
  f.values.push(v);
  f.refs.push(undefined);
  if (Array.isArray(v)) {
    const r: number[] = [];
    for (const x of v) r.push(flatten(x, f));
    f.refs[idx] = r;
  } else if (isDict(v)) {
    const keys: number[] = [];
    const vals: number[] = [];
    for (const k in v) {
      const x = v[k];
      if (x === undefined) continue;
      keys.push(flatten(k, f));
      vals.push(flatten(x, f));
    }
    f.refs[idx] = keys.concat(vals);
  }
  return idx;
}

export function writeBplist(root: BValue): Buffer {
  const flat: Flat = { values: [], refs: [] };
  flatten(root, flat);
  const count = flat.values.length;
  const refSize = count < 256 ? 1 : count < 65536 ? 2 : 4;
  const out = new Out();
  out.bytes(BPLIST_MAGIC);
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    offsets[i] = out.pos;
    encodeInto(out, flat.values[i], flat.refs[i], refSize);
  }
  const tableOff = out.pos;
  const offSize = tableOff < 256 ? 1 : tableOff < 65536 ? 2 : 4;
  for (const o of offsets) out.uint(o, offSize);
  out.need(32);
  const t = out.buf.subarray(out.pos, out.pos + 32).fill(0);
  t[6] = offSize;
  t[7] = refSize;
  t.writeUInt32BE(count, 12);
  t.writeUInt32BE(0, 20);
  t.writeUInt32BE(tableOff, 28);
  out.pos += 32;
  return Buffer.from(out.buf.subarray(0, out.pos));
}
const BPLIST_MAGIC = Buffer.from("bplist00", "latin1");

function isDict(v: BValue): v is { [key: string]: BValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && !(v instanceof Uid) && !(v instanceof Real);
}

function lengthHeader(out: Out, kind: number, len: number): void {
  if (len < 15) return out.byte((kind << 4) | len);
  out.byte((kind << 4) | 0x0f);
  encodeInt(out, len);
}

function encodeInt(out: Out, n: number | bigint): void {
  if (typeof n === "number" && n >= 0 && n < 0x80000000) {
    if (n < 256) {
      out.byte(0x10);
      out.byte(n);
    } else if (n < 65536) {
      out.byte(0x11);
      out.uint(n, 2);
    } else {
      out.byte(0x12);
      out.uint(n, 4);
    }
    return;
  }
  out.byte(0x13);
  out.need(8);
  out.buf.writeBigInt64BE(BigInt(n), out.pos);
  out.pos += 8;
}

function double(out: Out, marker: number, v: number): void {
  out.byte(marker);
  out.need(8);
  out.buf.writeDoubleBE(v, out.pos);
  out.pos += 8;
}

const ASCII = /^[\x00-\x7f]*$/;

function encodeInto(out: Out, v: BValue, refs: number[] | undefined, refSize: number): void {
  if (v === null) return out.byte(0x00);
  if (v === false) return out.byte(0x08);
  if (v === true) return out.byte(0x09);
  if (typeof v === "bigint") return encodeInt(out, v);
  if (typeof v === "number") return Number.isInteger(v) ? encodeInt(out, v) : double(out, 0x23, v);
  if (v instanceof Real) return double(out, 0x23, v.value);
  if (v instanceof Date) return double(out, 0x33, (v.getTime() - MAC_EPOCH_MS) / 1000);
  if (Buffer.isBuffer(v)) {
    lengthHeader(out, 0x4, v.length);
    return out.bytes(v);
  }
  if (typeof v === "string") {
    if (ASCII.test(v)) {
      lengthHeader(out, 0x5, v.length);
      out.need(v.length);
      out.pos += out.buf.write(v, out.pos, "latin1");
      return;
    }
    const u = Buffer.from(v, "utf16le");
    u.swap16();
    lengthHeader(out, 0x6, u.length / 2);
    return out.bytes(u);
  }
  if (v instanceof Uid) {
    const n = v.UID;
    const size = n < 256 ? 1 : n < 65536 ? 2 : 4;
    out.byte(0x80 | (size - 1));
    return out.uint(n, size);
  }
  const r = refs!;
  lengthHeader(out, Array.isArray(v) ? 0xa : 0xd, Array.isArray(v) ? r.length : r.length / 2);
  for (const x of r) out.uint(x, refSize);
}

/** MBFile as NSKeyedArchiver writes it into Manifest.db's Files.file column. */
export function mbfileArchive(f: {
  relativePath: string;
  mode: number;
  size: number;
  birth: number;
  lastModified: number;
  lastStatusChange: number;
  inode?: number;
  userId?: number;
  groupId?: number;
  protectionClass?: number;
  flags?: number;
  encryptionKey?: Buffer;
  target?: string;
}): Buffer {
  const objects: BValue[] = ["$null"];
  const root: Record<string, BValue> = {};
  objects.push(root); // 1
  objects.push(f.relativePath); // 2
  root["RelativePath"] = uid(2);
  root["LastModified"] = f.lastModified;
  root["LastStatusChange"] = f.lastStatusChange;
  root["Birth"] = f.birth;
  root["Size"] = f.size;
  root["Mode"] = f.mode;
  root["UserID"] = f.userId ?? 501;
  root["GroupID"] = f.groupId ?? 501;
  root["InodeNumber"] = f.inode ?? 0;
  root["Flags"] = f.flags ?? 0;
  root["ProtectionClass"] = f.protectionClass ?? 0;
  if (f.target !== undefined) {
    root["Target"] = uid(objects.length);
    objects.push(f.target);
  }
  if (f.encryptionKey) {
    const keyIdx = objects.length;
    objects.push({ "NS.data": f.encryptionKey, $class: uid(keyIdx + 1) });
    objects.push({ $classname: "NSMutableData", $classes: ["NSMutableData", "NSData", "NSObject"] });
    root["EncryptionKey"] = uid(keyIdx);
  }
  root["$class"] = uid(objects.length);
  objects.push({ $classname: "MBFile", $classes: ["MBFile", "NSObject"] });
  return writeBplist({ $version: 100000, $archiver: "NSKeyedArchiver", $top: { root: uid(1) }, $objects: objects });
}
