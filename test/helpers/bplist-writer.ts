// A small binary plist writer for test fixtures (bplist-creator cannot write UIDs, which every
// NSKeyedArchiver blob needs). Supports dict, array, string (ASCII, or UTF-16 when needed), int
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

export function writeBplist(root: BValue): Buffer {
  const objects: Buffer[] = [];
  // Flatten first so every container knows its children's object numbers.
  const flat: { v: BValue; refs?: number[] }[] = [];
  const add = (v: BValue): number => {
    const idx = flat.length;
    flat.push({ v });
    if (Array.isArray(v)) {
      flat[idx].refs = v.map(add);
    } else if (isDict(v)) {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined) as [string, BValue][];
      const keys = entries.map(([k]) => add(k));
      const vals = entries.map(([, x]) => add(x));
      flat[idx].refs = [...keys, ...vals];
    }
    return idx;
  };
  add(root);
  const refSize = flat.length < 256 ? 1 : flat.length < 65536 ? 2 : 4;
  for (const { v, refs } of flat) objects.push(encode(v, refs, refSize));

  const header = Buffer.from("bplist00", "latin1");
  const offsets: number[] = [];
  let pos = header.length;
  for (const o of objects) {
    offsets.push(pos);
    pos += o.length;
  }
  const tableOff = pos;
  const offSize = tableOff < 256 ? 1 : tableOff < 65536 ? 2 : 4;
  const table = Buffer.alloc(offsets.length * offSize);
  offsets.forEach((o, i) => table.writeUIntBE(o, i * offSize, offSize));
  const trailer = Buffer.alloc(32);
  trailer[6] = offSize;
  trailer[7] = refSize;
  trailer.writeBigUInt64BE(BigInt(flat.length), 8);
  trailer.writeBigUInt64BE(0n, 16);
  trailer.writeBigUInt64BE(BigInt(tableOff), 24);
  return Buffer.concat([header, ...objects, table, trailer]);
}

function isDict(v: BValue): v is { [key: string]: BValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && !(v instanceof Uid) && !(v instanceof Real);
}

function lengthHeader(kind: number, len: number): Buffer {
  if (len < 15) return Buffer.from([(kind << 4) | len]);
  return Buffer.concat([Buffer.from([(kind << 4) | 0x0f]), encodeInt(BigInt(len))]);
}

function encodeInt(n: bigint): Buffer {
  if (n >= 0n && n < 256n) return Buffer.from([0x10, Number(n)]);
  if (n >= 0n && n < 65536n) {
    const b = Buffer.alloc(3);
    b[0] = 0x11;
    b.writeUInt16BE(Number(n), 1);
    return b;
  }
  if (n >= 0n && n < 0x80000000n) {
    const b = Buffer.alloc(5);
    b[0] = 0x12;
    b.writeUInt32BE(Number(n), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x13;
  b.writeBigInt64BE(n, 1);
  return b;
}

function encode(v: BValue, refs: number[] | undefined, refSize: number): Buffer {
  const refBuf = (rs: number[]) => {
    const b = Buffer.alloc(rs.length * refSize);
    rs.forEach((r, i) => b.writeUIntBE(r, i * refSize, refSize));
    return b;
  };
  if (v === null) return Buffer.from([0x00]);
  if (v === false) return Buffer.from([0x08]);
  if (v === true) return Buffer.from([0x09]);
  if (typeof v === "bigint") return encodeInt(v);
  if (typeof v === "number") {
    if (Number.isInteger(v)) return encodeInt(BigInt(v));
    const b = Buffer.alloc(9);
    b[0] = 0x23;
    b.writeDoubleBE(v, 1);
    return b;
  }
  if (v instanceof Real) {
    const b = Buffer.alloc(9);
    b[0] = 0x23;
    b.writeDoubleBE(v.value, 1);
    return b;
  }
  if (v instanceof Date) {
    const b = Buffer.alloc(9);
    b[0] = 0x33;
    b.writeDoubleBE((v.getTime() - MAC_EPOCH_MS) / 1000, 1);
    return b;
  }
  if (Buffer.isBuffer(v)) return Buffer.concat([lengthHeader(0x4, v.length), v]);
  if (typeof v === "string") {
    if (/^[\x00-\x7f]*$/.test(v)) return Buffer.concat([lengthHeader(0x5, v.length), Buffer.from(v, "latin1")]);
    const u = Buffer.from(v, "utf16le");
    u.swap16();
    return Buffer.concat([lengthHeader(0x6, u.length / 2), u]);
  }
  if (v instanceof Uid) {
    const n = v.UID;
    const size = n < 256 ? 1 : n < 65536 ? 2 : 4;
    const b = Buffer.alloc(1 + size);
    b[0] = 0x80 | (size - 1);
    b.writeUIntBE(n, 1, size);
    return b;
  }
  if (Array.isArray(v)) return Buffer.concat([lengthHeader(0xa, v.length), refBuf(refs!)]);
  const n = refs!.length / 2;
  return Buffer.concat([lengthHeader(0xd, n), refBuf(refs!)]);
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
