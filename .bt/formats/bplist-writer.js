class Uid {
  constructor(UID) {
    this.UID = UID;
  }
  UID;
}
class Real {
  constructor(value) {
    this.value = value;
  }
  value;
}
const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);
function uid(n) {
  return new Uid(n);
}
class Out {
  buf = Buffer.allocUnsafe(1024);
  pos = 0;
  need(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b) {
    this.need(1);
    this.buf[this.pos++] = b;
  }
  uint(n, size) {
    this.need(size);
    this.buf.writeUIntBE(n, this.pos, size);
    this.pos += size;
  }
  bytes(b) {
    this.need(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
}
function flatten(v, f) {
  const idx = f.values.length;
  f.values.push(v);
  f.refs.push(void 0);
  if (Array.isArray(v)) {
    const r = [];
    for (const x of v) r.push(flatten(x, f));
    f.refs[idx] = r;
  } else if (isDict(v)) {
    const keys = [];
    const vals = [];
    for (const k in v) {
      const x = v[k];
      if (x === void 0) continue;
      keys.push(flatten(k, f));
      vals.push(flatten(x, f));
    }
    f.refs[idx] = keys.concat(vals);
  }
  return idx;
}
function writeBplist(root) {
  const flat = { values: [], refs: [] };
  flatten(root, flat);
  const count = flat.values.length;
  const refSize = count < 256 ? 1 : count < 65536 ? 2 : 4;
  const out = new Out();
  out.bytes(BPLIST_MAGIC);
  const offsets = new Array(count);
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
function isDict(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && !(v instanceof Uid) && !(v instanceof Real);
}
function lengthHeader(out, kind, len) {
  if (len < 15) return out.byte(kind << 4 | len);
  out.byte(kind << 4 | 15);
  encodeInt(out, len);
}
function encodeInt(out, n) {
  if (typeof n === "number" && n >= 0 && n < 2147483648) {
    if (n < 256) {
      out.byte(16);
      out.byte(n);
    } else if (n < 65536) {
      out.byte(17);
      out.uint(n, 2);
    } else {
      out.byte(18);
      out.uint(n, 4);
    }
    return;
  }
  out.byte(19);
  out.need(8);
  out.buf.writeBigInt64BE(BigInt(n), out.pos);
  out.pos += 8;
}
function double(out, marker, v) {
  out.byte(marker);
  out.need(8);
  out.buf.writeDoubleBE(v, out.pos);
  out.pos += 8;
}
const ASCII = /^[\x00-\x7f]*$/;
function encodeInto(out, v, refs, refSize) {
  if (v === null) return out.byte(0);
  if (v === false) return out.byte(8);
  if (v === true) return out.byte(9);
  if (typeof v === "bigint") return encodeInt(out, v);
  if (typeof v === "number") return Number.isInteger(v) ? encodeInt(out, v) : double(out, 35, v);
  if (v instanceof Real) return double(out, 35, v.value);
  if (v instanceof Date) return double(out, 51, (v.getTime() - MAC_EPOCH_MS) / 1e3);
  if (Buffer.isBuffer(v)) {
    lengthHeader(out, 4, v.length);
    return out.bytes(v);
  }
  if (typeof v === "string") {
    if (ASCII.test(v)) {
      lengthHeader(out, 5, v.length);
      out.need(v.length);
      out.pos += out.buf.write(v, out.pos, "latin1");
      return;
    }
    const u = Buffer.from(v, "utf16le");
    u.swap16();
    lengthHeader(out, 6, u.length / 2);
    return out.bytes(u);
  }
  if (v instanceof Uid) {
    const n = v.UID;
    const size = n < 256 ? 1 : n < 65536 ? 2 : 4;
    out.byte(128 | size - 1);
    return out.uint(n, size);
  }
  const r = refs;
  lengthHeader(out, Array.isArray(v) ? 10 : 13, Array.isArray(v) ? r.length : r.length / 2);
  for (const x of r) out.uint(x, refSize);
}
function mbfileArchive(f) {
  const objects = ["$null"];
  const root = {};
  objects.push(root);
  objects.push(f.relativePath);
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
  if (f.target !== void 0) {
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
  return writeBplist({ $version: 1e5, $archiver: "NSKeyedArchiver", $top: { root: uid(1) }, $objects: objects });
}
export {
  Real,
  Uid,
  mbfileArchive,
  uid,
  writeBplist
};
