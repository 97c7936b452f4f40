import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, read as fsRead, fstatSync, lstatSync, openSync, promises as fsp, readlinkSync, readSync, realpathSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createGunzip } from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import { VigilError } from "../core/errors.js";
import { privateTempDir, removeTempDir } from "../core/tempdir.js";
import { openSqliteBuffer, openSqliteFile } from "../formats/sqlite.js";
import { specKeyFor } from "./memory.js";
import { applies, findByScan } from "./spec-match.js";
const GiB = 1024 ** 3;
const DEFAULT_LIMITS = {
  maxEntrySize: 64 * GiB,
  maxTotalSize: 2048 * GiB,
  maxRatio: 500,
  ratioFloor: 64 * 1024 * 1024,
  maxEntries: 2e7,
  maxReadFile: 2 * GiB - 1
};
function limitsOf(o) {
  return { ...DEFAULT_LIMITS, ...o?.limits ?? {} };
}
function limitError(archive, entry, what) {
  return new VigilError(entry ? `entry ${JSON.stringify(entry)}: ${what}` : what, { file: archive, code: "archive_limit" });
}
function unsafeError(archive, r) {
  return new VigilError(`refused unsafe archive entry ${JSON.stringify(r.entry)}: ${r.reason}`, { file: archive, code: "archive_unsafe" });
}
const NEEDS_CHECK = /\0|(?:^|\/)\.\.?(?:\/|$)|\/\/|^\/|^[A-Za-z]:|\/$|^$/;
function checkEntryPath(name, opts = {}) {
  if (!NEEDS_CHECK.test(name) && !(opts.backslashIsSeparator && name.includes("\\"))) return { path: name };
  if (name.includes("\0")) return { reason: "NUL byte in name" };
  let n = opts.backslashIsSeparator ? name.replace(/\\/g, "/") : name;
  if (/^[A-Za-z]:/.test(n)) return { reason: "drive letter in name" };
  if (n.startsWith("//") || n.startsWith("\\\\")) return { reason: "network (UNC) path" };
  if (n.startsWith("/")) return { reason: "absolute path" };
  const parts = [];
  for (const p of n.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") return { reason: "'..' component (path escapes the archive)" };
    parts.push(p);
  }
  n = parts.join("/");
  return { path: n };
}
function linkEscapes(entryPath, target) {
  if (target.includes("\0") || /^[A-Za-z]:/.test(target) || target.startsWith("\\\\")) return true;
  const stack = target.startsWith("/") ? [] : entryPath.split("/").slice(0, -1);
  for (const p of target.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (stack.length === 0) return true;
      stack.pop();
    } else stack.push(p);
  }
  return false;
}
function normaliseLink(target) {
  const r = checkEntryPath(target);
  return "path" in r ? r.path : void 0;
}
function iso(d) {
  if (!d) return void 0;
  const t = d.getTime();
  return Number.isFinite(t) ? d.toISOString() : void 0;
}
class ByteGuard extends Transform {
  constructor(max, onTooBig, ratio) {
    super();
    this.max = max;
    this.onTooBig = onTooBig;
    this.ratio = ratio;
  }
  max;
  onTooBig;
  ratio;
  n = 0;
  _transform(chunk, _enc, cb) {
    this.n += chunk.length;
    if (this.n > this.max) return cb(this.onTooBig());
    const r = this.ratio;
    if (r && this.n >= r.limits.ratioFloor && this.n / Math.max(1, r.compressed) > r.limits.maxRatio) return cb(r.onRatio());
    cb(null, chunk);
  }
}
async function sha256File(path) {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.update(chunk);
    size += chunk.length;
  }
  return { path, sha256: h.digest("hex"), size };
}
async function readAll(s) {
  const parts = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}
function safeJoin(dir, safePath) {
  const dest = resolve(dir, ...safePath.split("/"));
  if (!dest.startsWith(resolve(dir) + sep)) throw new VigilError(`refused to extract outside the temp folder: ${safePath}`, { code: "archive_unsafe" });
  return dest;
}
async function writeNew(dest, body) {
  await fsp.mkdir(join(dest, ".."), { recursive: true, mode: 448 });
  await pipeline(body, createWriteStream(dest, { flags: "wx", mode: 384 }));
}
const CP437 = "\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
function decodeZipName(raw, utf8, extra) {
  for (const f of extra) {
    if (f.id === 28789 && f.data.length >= 6 && f.data[0] === 1 && crc32(raw) >>> 0 === f.data.readUInt32LE(1)) {
      return f.data.subarray(5).toString("utf8");
    }
  }
  if (utf8) return raw.toString("utf8");
  let s = "";
  for (const b of raw) s += b < 128 ? String.fromCharCode(b) : CP437[b - 128];
  return s;
}
class BlockReader extends yauzl.RandomAccessReader {
  constructor(fd) {
    super();
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }
  fd;
  static BLOCK = 1 << 20;
  size;
  block = Buffer.alloc(0);
  blockStart = 0;
  closed = false;
  count = 0;
  inflight = 0;
  onIdle;
  /**
   * Positional reads on the shared fd. Not fs.createReadStream: destroying one of those closes
   * the fd even with autoClose off, and yauzl destroys streams that are read to the end.
   */
  _readStreamForRange(start, end) {
    let pos = start;
    const self = this;
    return new Readable({
      highWaterMark: 1 << 20,
      read(size) {
        const n = Math.min(Math.max(size, 1 << 16), end - pos, 1 << 20);
        if (n <= 0) {
          this.push(null);
          return;
        }
        const buf = Buffer.allocUnsafe(n);
        self.inflight++;
        fsRead(self.fd, buf, 0, n, pos, (err, got) => {
          self.inflight--;
          if (self.inflight === 0) self.onIdle?.();
          if (err) return this.destroy(err);
          if (got === 0) return this.push(null);
          pos += got;
          this.push(got < n ? buf.subarray(0, got) : buf);
        });
      }
    });
  }
  read(buffer, offset, length, position, callback) {
    let n = 0;
    try {
      if (length > BlockReader.BLOCK / 4) {
        n = readSync(this.fd, buffer, offset, length, position);
      } else {
        const end = position + length;
        if (position < this.blockStart || end > this.blockStart + this.block.length) {
          const b = Buffer.allocUnsafe(Math.min(BlockReader.BLOCK, Math.max(length, this.size - position)));
          const got = readSync(this.fd, b, 0, b.length, position);
          this.block = b.subarray(0, got);
          this.blockStart = position;
        }
        n = Math.max(0, Math.min(length, this.blockStart + this.block.length - position));
        this.block.copy(buffer, offset, position - this.blockStart, position - this.blockStart + n);
      }
    } catch (e) {
      process.nextTick(callback, e);
      return;
    }
    if (++this.count % 4096 === 0) setImmediate(callback, null, n);
    else process.nextTick(callback, null, n);
  }
  close(callback) {
    const doClose = () => {
      this.onIdle = void 0;
      if (!this.closed) {
        this.closed = true;
        try {
          closeSync(this.fd);
        } catch {
        }
      }
      setImmediate(callback, null);
    };
    if (this.inflight > 0) this.onIdle = doClose;
    else doClose();
  }
}
const S_IFMT = 61440;
const S_IFLNK = 40960;
const S_IFDIR = 16384;
const S_IFREG = 32768;
class ZipArchive {
  constructor(path, display, zip, limits, onUnsafe) {
    this.path = path;
    this.display = display;
    this.zip = zip;
    this.limits = limits;
    this.onUnsafe = onUnsafe;
  }
  path;
  display;
  zip;
  limits;
  onUnsafe;
  refused = [];
  items = /* @__PURE__ */ new Map();
  totalDeclared = 0;
  static async open(path, opts = {}) {
    const display = opts.display ?? path;
    let zip;
    try {
      const fd = openSync(path, "r");
      let reader;
      try {
        reader = new BlockReader(fd);
      } catch (e) {
        closeSync(fd);
        throw e;
      }
      zip = await new Promise(
        (res, rej) => yauzl.fromRandomAccessReader(reader, reader.size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => {
          if (err) {
            reader.close(() => {
            });
            rej(err);
          } else res(z);
        })
      );
    } catch (e) {
      throw new VigilError(`not a readable zip archive (${e.message})`, { file: display, code: "archive", cause: e });
    }
    const a = new ZipArchive(path, display, zip, limitsOf(opts), opts.onUnsafe ?? "error");
    try {
      await a.readDirectory();
      await a.checkOverlaps();
      await a.resolveSymlinks();
    } catch (e) {
      zip.close();
      throw e;
    }
    return a;
  }
  refuse(r, always = false) {
    if (!always && this.onUnsafe === "error") throw unsafeError(this.display, r);
    this.refused.push(r);
  }
  async readDirectory() {
    const zip = this.zip;
    const lim = this.limits;
    let count = 0;
    await new Promise((res, rej) => {
      const fail = (e) => {
        zip.removeAllListeners("entry");
        rej(e instanceof VigilError ? e : new VigilError(`corrupt zip archive (${e.message})`, { file: this.display, code: "archive", cause: e }));
      };
      zip.on("error", fail);
      zip.on("end", () => res());
      zip.on("entry", (e) => {
        try {
          if (++count > lim.maxEntries) throw limitError(this.display, void 0, `more than ${lim.maxEntries} entries`);
          this.addEntry(e);
          zip.readEntry();
        } catch (err) {
          fail(err);
        }
      });
      zip.readEntry();
    });
  }
  addEntry(e) {
    const raw = e.fileName;
    const name = decodeZipName(raw, (e.generalPurposeBitFlag & 2048) !== 0, e.extraFields);
    const checked = checkEntryPath(name, { backslashIsSeparator: true });
    if ("reason" in checked) return this.refuse({ entry: name, reason: checked.reason });
    if (!checked.path) return;
    const madeBy = e.versionMadeBy >> 8;
    const unixMode = madeBy === 3 || madeBy === 19 ? e.externalFileAttributes >>> 16 & 65535 : 0;
    const fmt = unixMode & S_IFMT;
    let type = "file";
    if (name.endsWith("/") || name.endsWith("\\") || fmt === S_IFDIR || madeBy === 0 && (e.externalFileAttributes & 16) !== 0) type = "directory";
    else if (fmt === S_IFLNK) type = "symlink";
    else if (fmt !== 0 && fmt !== S_IFREG) return this.refuse({ entry: name, reason: "device file, fifo or socket" }, true);
    if (e.isEncrypted()) return this.refuse({ entry: name, reason: "entry is encrypted with zip encryption (not supported)" }, true);
    if (type === "file" && e.uncompressedSize > this.limits.maxEntrySize) {
      throw limitError(this.display, name, `declared size ${e.uncompressedSize} exceeds the per-entry limit ${this.limits.maxEntrySize}`);
    }
    this.totalDeclared += e.uncompressedSize;
    if (this.totalDeclared > this.limits.maxTotalSize) {
      throw limitError(this.display, name, `total uncompressed size exceeds the limit ${this.limits.maxTotalSize} (zip bomb?)`);
    }
    if (this.items.has(checked.path)) return this.refuse({ entry: name, reason: "duplicate entry name (the first one is kept)" }, true);
    let modified;
    try {
      modified = iso(e.getLastModDate());
    } catch {
      modified = void 0;
    }
    this.items.set(checked.path, {
      path: checked.path,
      type,
      size: e.uncompressedSize,
      compressedSize: e.compressedSize,
      modified,
      mode: unixMode ? unixMode & 4095 : void 0,
      offset: e.relativeOffsetOfLocalHeader,
      method: e.compressionMethod,
      flags: e.generalPurposeBitFlag,
      crc: e.crc32
    });
  }
  /** Several central-directory entries sharing compressed data is how flat zip bombs multiply. */
  async checkOverlaps() {
    const spans = [...this.items.values()].filter((i) => i.type !== "directory" || (i.compressedSize ?? 0) > 0);
    spans.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1];
      if (prev.offset + 30 + (prev.compressedSize ?? 0) > spans[i].offset) {
        throw limitError(this.display, spans[i].path, `overlaps the data of ${JSON.stringify(prev.path)} (overlapping entries: zip bomb?)`);
      }
    }
  }
  async resolveSymlinks() {
    for (const it of this.items.values()) {
      if (it.type !== "symlink") continue;
      if ((it.size ?? 0) > 4096) {
        this.refuse({ entry: it.path, reason: "symlink target longer than 4096 bytes" });
        this.items.delete(it.path);
        continue;
      }
      const target = (await readAll(await this.rawStream(it))).toString("utf8");
      if (linkEscapes(it.path, target)) {
        this.refuse({ entry: it.path, reason: `symlink to ${JSON.stringify(target)} escapes the archive` });
        this.items.delete(it.path);
      } else it.linkTarget = target;
    }
  }
  /** Safe entries, in central-directory order. */
  list() {
    return this.items.values();
  }
  get size() {
    return this.items.size;
  }
  get(name) {
    return this.items.get(name);
  }
  rawStream(it) {
    const entry = Object.assign(new yauzl.Entry(), {
      compressionMethod: it.method,
      generalPurposeBitFlag: it.flags,
      compressedSize: it.compressedSize,
      uncompressedSize: it.size,
      relativeOffsetOfLocalHeader: it.offset,
      extraFields: [],
      crc32: it.crc
    });
    return new Promise(
      (res, rej) => this.zip.openReadStream(entry, (err, s) => err ? rej(new VigilError(`cannot read entry ${JSON.stringify(it.path)} (${err.message})`, { file: this.display, code: "archive", cause: err })) : res(s))
    );
  }
  /** The entry's bytes, with size and ratio enforced while they flow. */
  async openStream(name) {
    const it = this.items.get(name);
    if (!it) throw new VigilError(`no entry ${JSON.stringify(name)} in the archive`, { file: this.display, code: "archive" });
    if (it.type !== "file") throw new VigilError(`entry ${JSON.stringify(name)} is a ${it.type}, not a file`, { file: this.display, code: "archive" });
    const lim = this.limits;
    if (it.size >= lim.ratioFloor && it.size / Math.max(1, it.compressedSize ?? 1) > lim.maxRatio) {
      throw limitError(this.display, name, `compression ratio ${Math.round(it.size / Math.max(1, it.compressedSize ?? 1))}:1 exceeds the limit ${lim.maxRatio}:1 (zip bomb?)`);
    }
    const raw = await this.rawStream(it);
    const guard = new ByteGuard(Math.min(lim.maxEntrySize, it.size), () => limitError(this.display, name, `inflates past its declared size ${it.size}`));
    const display = this.display;
    raw.on("error", (e) => guard.destroy(e instanceof VigilError ? e : new VigilError(`corrupt entry ${JSON.stringify(name)} (${e.message})`, { file: display, code: "archive", cause: e })));
    guard.on("close", () => {
      if (!raw.destroyed) raw.destroy();
    });
    return raw.pipe(guard);
  }
  async readFile(name) {
    const it = this.items.get(name);
    if (it && it.size > this.limits.maxReadFile) throw limitError(this.display, name, `too large to load into memory (${it.size} bytes)`);
    return readAll(await this.openStream(name));
  }
  /** Extracts one entry below dir (at its own relative path); returns the file's path. */
  async extractTo(name, dir) {
    const dest = safeJoin(dir, name);
    await writeNew(dest, await this.openStream(name));
    return dest;
  }
  close() {
    this.zip.close();
  }
}
class CountTap extends Transform {
  n = 0;
  hash = createHash("sha256");
  _transform(chunk, _e, cb) {
    this.n += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
}
async function sniff(src, n) {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const it = src[Symbol.asyncIterator]();
  const chunks = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(chunks);
  (async () => {
    out.write(head);
    if (!done) {
      for (; ; ) {
        const r = await it.next();
        if (r.done) break;
        if (!out.write(r.value)) await new Promise((res) => out.once("drain", res));
      }
    }
    out.end();
  })().catch((e) => out.destroy(e));
  return { head, stream: out };
}
async function walkTar(source, onEntry, opts = {}) {
  const display = opts.display ?? (typeof source === "string" ? source : "<tar stream>");
  const lim = limitsOf(opts);
  const policy = opts.onUnsafe ?? "error";
  const refused = [];
  const raw = typeof source === "string" ? createReadStream(source, { highWaterMark: 1 << 20 }) : await source();
  const tap = new CountTap();
  const counted = raw.pipe(tap);
  raw.on("error", (e) => tap.destroy(e));
  const { head, stream } = await sniff(counted, 2);
  const gz = head.length >= 2 && head[0] === 31 && head[1] === 139;
  let decompressed = 0;
  const body = gz ? stream.pipe(createGunzip()) : stream;
  if (gz) stream.on("error", (e) => body.destroy(e));
  const guard = new Transform({
    transform(chunk, _e, cb) {
      decompressed += chunk.length;
      if (decompressed > lim.maxTotalSize) return cb(limitError(display, void 0, `decompresses past the total limit ${lim.maxTotalSize} (bomb?)`));
      const compressed = gz ? tap.n : opts.compressedBytes?.();
      if (compressed !== void 0 && decompressed >= lim.ratioFloor && decompressed / Math.max(1, compressed) > lim.maxRatio) {
        return cb(limitError(display, void 0, `compression ratio exceeds ${lim.maxRatio}:1 (${gz ? "gzip" : "compression"} bomb?)`));
      }
      cb(null, chunk);
    }
  });
  body.on("error", (e) => guard.destroy(e));
  const extract = tar.extract();
  body.pipe(guard).pipe(extract);
  guard.on("error", (e) => extract.destroy(e));
  const wrapErr = (e) => {
    if (e instanceof VigilError) return e;
    const msg = e?.message ?? String(e);
    const truncated = /unexpected end|premature|incorrect header check|unexpected eof|invalid tar header|unexpected end of file/i.test(msg);
    return new VigilError(truncated ? `truncated or corrupt tar archive (${msg})` : `cannot read tar archive (${msg})`, { file: display, code: "archive", cause: e });
  };
  let count = 0;
  let stopped = false;
  const quiet = () => {
    for (const st of [raw, tap, stream, body, guard, extract]) {
      st.on("error", () => {
      });
      st.destroy();
    }
  };
  const refuse = (r, always = false) => {
    if (!always && policy === "error") throw unsafeError(display, r);
    refused.push(r);
    opts.onRefused?.(r);
  };
  try {
    for await (const entry of extract) {
      const h = entry.header;
      let out;
      const drain = async () => {
        if (!out) {
          for await (const _ of entry) void _;
          return;
        }
        const o = out;
        if (!o.readableEnded && !o.destroyed) o.resume();
        await pump;
      };
      let pump = Promise.resolve();
      const bodyFor = () => {
        const o = new PassThrough({ highWaterMark: 1 << 20 });
        o.on("error", () => {
        });
        out = o;
        pump = (async () => {
          for await (const chunk of entry) {
            if (o.destroyed) continue;
            if (!o.write(chunk)) {
              await new Promise((res) => {
                const done = () => {
                  o.off("drain", done);
                  o.off("close", done);
                  res();
                };
                o.once("drain", done);
                o.once("close", done);
              });
            }
          }
          if (!o.destroyed) o.end();
        })();
        pump.catch((err) => o.destroy(err));
        return o;
      };
      if (++count > lim.maxEntries) throw limitError(display, void 0, `more than ${lim.maxEntries} entries`);
      const checked = checkEntryPath(h.name);
      if ("reason" in checked) {
        refuse({ entry: h.name, reason: checked.reason });
        await drain();
        continue;
      }
      if (!checked.path) {
        await drain();
        continue;
      }
      const t = h.type ?? "file";
      let e;
      const base = { path: checked.path, size: h.size ?? 0, modified: iso(h.mtime), mode: h.mode, uid: h.uid, gid: h.gid };
      if (t === "file" || t === "contiguous-file") e = { ...base, type: "file" };
      else if (t === "directory") e = { ...base, type: "directory", size: 0 };
      else if (t === "symlink") {
        const target = h.linkname ?? "";
        if (linkEscapes(checked.path, target)) refuse({ entry: h.name, reason: `symlink to ${JSON.stringify(target)} escapes the archive` });
        else e = { ...base, type: "symlink", size: 0, linkTarget: target };
      } else if (t === "link") {
        const target = normaliseLink(h.linkname ?? "");
        if (target === void 0 || !target) refuse({ entry: h.name, reason: `hard link to ${JSON.stringify(h.linkname)} escapes the archive` });
        else e = { ...base, type: "file", size: 0, hardlinkTo: target };
      } else {
        refuse({ entry: h.name, reason: `${t} entries are never extracted` }, true);
      }
      if (!e) {
        await drain();
        continue;
      }
      if (e.type === "file" && !e.hardlinkTo && e.size > lim.maxEntrySize) {
        throw limitError(display, e.path, `size ${e.size} exceeds the per-entry limit ${lim.maxEntrySize}`);
      }
      let r;
      if (opts.skipBody?.(e)) {
        r = await onEntry(e, Readable.from([]));
        await new Promise((res, rej) => {
          entry.once("end", res);
          entry.once("error", rej);
          entry.resume();
        });
      } else {
        r = await onEntry(e, bodyFor());
        await drain();
      }
      if (r === false) {
        stopped = true;
        break;
      }
    }
  } catch (e) {
    quiet();
    throw wrapErr(e);
  } finally {
    if (stopped) quiet();
  }
  const input = typeof source === "string" && !stopped ? { path: source, sha256: tap.hash.digest("hex"), size: tap.n } : void 0;
  return { input, completed: !stopped, refused };
}
async function extractTar(source, want, dir, opts = {}) {
  const files = opts.into ?? /* @__PURE__ */ new Map();
  let judged;
  let wanted = false;
  const isWanted = (e) => {
    if (judged !== e) {
      judged = e;
      wanted = e.type === "file" && want(e);
    }
    return wanted;
  };
  const walk = await walkTar(
    source,
    async (e, body) => {
      opts.onEntry?.(e);
      if (isWanted(e)) {
        const dest = safeJoin(dir, e.path);
        if (e.hardlinkTo) {
          const src = files.get(e.hardlinkTo);
          if (src) {
            await fsp.mkdir(join(dest, ".."), { recursive: true, mode: 448 });
            await fsp.copyFile(
              src,
              dest,
              1
              /* COPYFILE_EXCL */
            );
            files.set(e.path, dest);
          }
        } else if (!files.has(e.path)) {
          await writeNew(dest, body);
          files.set(e.path, dest);
        }
      }
      return opts.stopWhen?.() ? false : void 0;
    },
    { ...opts, skipBody: (e) => (opts.skipBody?.(e) ?? true) && (!isWanted(e) || !!e.hardlinkTo || files.has(e.path)) }
  );
  return { files, walk };
}
function toFileEntry(a, path) {
  const meta = {};
  if (a.mode !== void 0) meta.mode = a.mode;
  if (a.uid !== void 0) meta.uid = a.uid;
  if (a.gid !== void 0) meta.gid = a.gid;
  if (a.linkTarget !== void 0) meta.linkTarget = a.linkTarget;
  if (a.hardlinkTo !== void 0) meta.hardlinkTo = a.hardlinkTo;
  if (a.compressedSize !== void 0) meta.compressedSize = a.compressedSize;
  return {
    path,
    size: a.size,
    modified: a.modified,
    type: a.type === "file" ? void 0 : a.type,
    meta: Object.keys(meta).length ? meta : void 0
  };
}
function resolvePrefix(prefix, names) {
  if (!prefix) return "";
  if (prefix !== "auto") return prefix.replace(/^\/+|\/+$/g, "") + "/";
  let top;
  let nested = false;
  for (const n of names) {
    const i = n.indexOf("/");
    const first = i < 0 ? n : n.slice(0, i);
    if (top === void 0) top = first;
    else if (top !== first) return "";
    if (i >= 0) nested = true;
  }
  return top !== void 0 && nested ? top + "/" : "";
}
function common(opts, path) {
  const specKey = opts.specKey ?? specKeyFor(opts.kind);
  return {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root ?? path,
    encrypted: opts.encrypted ?? false,
    device: { platform: opts.platform, ...opts.device ?? {} },
    specKey
  };
}
const GLOB_CHARS = /[*?[\]{}()!+@]/;
async function findFast(view, spec) {
  if (!applies(spec, view) || view.specKey === "backup") return findByScan(view, spec);
  const globs = spec[view.specKey] ?? [];
  if (globs.some((g) => GLOB_CHARS.test(g))) return findByScan(view, spec);
  const out = [];
  for (const g of new Set(globs)) {
    const e = await view.entry(g);
    if (e && (e.type ?? "file") === "file") out.push(e);
  }
  return out;
}
async function isZipFile(path) {
  const fh = await fsp.open(path, "r");
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 80 && b[1] === 75 && (b[2] === 3 && b[3] === 4 || b[2] === 5 && b[3] === 6);
  } finally {
    await fh.close();
  }
}
async function openArchiveView(path, opts) {
  let zip;
  try {
    zip = await isZipFile(path);
  } catch (e) {
    throw new VigilError(`cannot open (${e.code ?? e.message})`, { file: opts.display ?? path, cause: e });
  }
  return zip ? openZipView(path, opts) : openTarView(path, opts);
}
async function openZipView(path, opts) {
  const display = opts.display ?? path;
  const zip = await ZipArchive.open(path, opts);
  const names = [...zip.list()].map((e) => e.path);
  const prefix = resolvePrefix(opts.prefix, names);
  const hashing = sha256File(path).then(
    (r) => r,
    () => void 0
  );
  let archiveHash;
  void hashing.then((h) => archiveHash = h ? { ...h, path: display } : void 0);
  let tmp;
  const extracted = /* @__PURE__ */ new Map();
  const inner = (e) => prefix + e.path;
  const view = {
    ...common(opts, path),
    find: (spec) => findFast(view, spec),
    async *entries() {
      for (const a of zip.list()) {
        if (prefix && !a.path.startsWith(prefix)) continue;
        yield toFileEntry(a, a.path.slice(prefix.length));
      }
    },
    async entry(p) {
      const a = zip.get(prefix + p);
      return a ? toFileEntry(a, p) : void 0;
    },
    readFile: (e) => zip.readFile(inner(e)),
    openStream: (e) => zip.openStream(inner(e)),
    async openSqlite(e) {
      const data = await zip.readFile(inner(e));
      const walName = inner(e) + "-wal";
      const wal = zip.get(walName)?.type === "file" ? await zip.readFile(walName) : void 0;
      return openSqliteBuffer(data, e.path, wal);
    },
    localPath(e) {
      const key = inner(e);
      let p = extracted.get(key);
      if (!p) {
        tmp ??= privateTempDir("zip");
        p = zip.extractTo(key, tmp);
        extracted.set(key, p);
        p.catch(() => extracted.delete(key));
      }
      return p;
    },
    inputsRead: () => archiveHash ? [archiveHash] : [],
    refused: () => zip.refused,
    async settled() {
      await hashing;
    },
    async close() {
      zip.close();
      if (tmp) removeTempDir(tmp);
      tmp = void 0;
    }
  };
  return view;
}
async function openTarView(source, opts) {
  const path = typeof source === "string" ? source : opts.inputPath ?? "<tar stream>";
  const display = opts.display ?? path;
  const wopts = { ...opts, display };
  const lim = limitsOf(opts);
  const index = /* @__PURE__ */ new Map();
  const tmp = privateTempDir("tar");
  const files = /* @__PURE__ */ new Map();
  const explicit = opts.prefix && opts.prefix !== "auto" ? resolvePrefix(opts.prefix, []) : "";
  const wanted = (a) => {
    const pf = opts.prefetch;
    if (!pf) return false;
    if (explicit) return a.path.startsWith(explicit) && pf(toFileEntry(a, a.path.slice(explicit.length)));
    if (pf(toFileEntry(a, a.path))) return true;
    const i = a.path.indexOf("/");
    return opts.prefix === "auto" && i > 0 && pf(toFileEntry(a, a.path.slice(i + 1)));
  };
  let first;
  try {
    first = await extractTar(source, wanted, tmp, { ...wopts, into: files, onEntry: (a) => index.set(a.path, a) });
  } catch (e) {
    removeTempDir(tmp);
    throw e;
  }
  const prefix = resolvePrefix(opts.prefix, index.keys());
  let archiveHash = first.walk.input ? { ...first.walk.input, path: display } : void 0;
  let hashing = Promise.resolve();
  if (!archiveHash && opts.inputPath) {
    hashing = sha256File(opts.inputPath).then(
      (h) => archiveHash = { ...h, path: display },
      () => void 0
    );
  }
  const refused = [...first.walk.refused];
  let pending = /* @__PURE__ */ new Set();
  let pass;
  const missing = /* @__PURE__ */ new Set();
  const runPass = async () => {
    await new Promise((r) => setImmediate(r));
    const batch = pending;
    pending = /* @__PURE__ */ new Set();
    await extractTar(source, (x) => batch.has(x.path), tmp, {
      ...wopts,
      onUnsafe: "skip",
      into: files,
      stopWhen: () => {
        for (const k of batch) if (!files.has(k)) return false;
        return true;
      }
    });
    for (const k of batch) if (!files.has(k)) missing.add(k);
  };
  const resolveLink = (p) => {
    let cur = p;
    for (let i = 0; i < 32; i++) {
      const a = index.get(cur);
      if (!a?.hardlinkTo) return cur;
      cur = a.hardlinkTo;
    }
    return cur;
  };
  const ensure = async (inner) => {
    const key = resolveLink(inner);
    const a = index.get(key);
    if (!a) throw new VigilError(`no entry ${JSON.stringify(inner)} in the archive`, { file: display, code: "archive" });
    if (a.type !== "file") throw new VigilError(`entry ${JSON.stringify(inner)} is a ${a.type}, not a file`, { file: display, code: "archive" });
    while (!files.has(key)) {
      if (missing.has(key)) throw new VigilError(`entry ${JSON.stringify(inner)} was not found on a second read (archive changed?)`, { file: display, code: "archive" });
      pending.add(key);
      pass ??= runPass().finally(() => pass = void 0);
      await pass;
    }
    return files.get(key);
  };
  const view = {
    ...common(opts, path),
    find: (spec) => findFast(view, spec),
    async *entries() {
      for (const a of index.values()) {
        if (prefix && !a.path.startsWith(prefix)) continue;
        yield toFileEntry(a, a.path.slice(prefix.length));
      }
    },
    async entry(p) {
      const a = index.get(prefix + p);
      return a ? toFileEntry(a, p) : void 0;
    },
    async readFile(e) {
      const f = await ensure(prefix + e.path);
      const st = await fsp.stat(f);
      if (st.size > lim.maxReadFile) throw limitError(display, e.path, `too large to load into memory (${st.size} bytes)`);
      return fsp.readFile(f);
    },
    async openStream(e) {
      return createReadStream(await ensure(prefix + e.path));
    },
    async openSqlite(e) {
      const f = await ensure(prefix + e.path);
      const walKey = prefix + e.path + "-wal";
      const wal = index.get(walKey)?.type === "file" ? await fsp.readFile(await ensure(walKey)) : void 0;
      return openSqliteBuffer(await fsp.readFile(f), e.path, wal);
    },
    localPath: (e) => ensure(prefix + e.path),
    inputsRead: () => archiveHash ? [archiveHash] : [],
    refused: () => refused,
    async settled() {
      await hashing;
    },
    async close() {
      removeTempDir(tmp);
    }
  };
  return view;
}
async function* walkFolder(dir, rel, display) {
  let d;
  try {
    d = await fsp.opendir(dir, { bufferSize: 256 });
  } catch (e) {
    throw new VigilError(`cannot list ${rel || "."} (${e.code ?? e.message})`, { file: display, cause: e });
  }
  const subdirs = [];
  for await (const ent of d) {
    const p = rel ? `${rel}/${ent.name}` : ent.name;
    const full = join(dir, ent.name);
    if (ent.isDirectory()) {
      subdirs.push(ent.name);
      yield { path: p, type: "directory" };
    } else if (ent.isSymbolicLink()) {
      let target;
      try {
        target = readlinkSync(full);
      } catch {
        target = void 0;
      }
      yield { path: p, type: "symlink", meta: target !== void 0 ? { linkTarget: target } : void 0 };
    } else if (ent.isFile()) {
      let st;
      try {
        st = lstatSync(full);
      } catch {
        continue;
      }
      yield { path: p, size: st.size, modified: st.mtime.toISOString(), changed: st.ctime.toISOString(), created: st.birthtimeMs ? st.birthtime.toISOString() : void 0, meta: { mode: st.mode & 4095 } };
    }
  }
  for (const s of subdirs) yield* walkFolder(join(dir, s), rel ? `${rel}/${s}` : s, display);
}
function openFolderView(path, opts) {
  const display = opts.display ?? path;
  let rootReal;
  try {
    rootReal = realpathSync(path);
    if (!statSync(rootReal).isDirectory()) throw new VigilError("not a folder", { file: display });
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`cannot open folder (${e.code ?? e.message})`, { file: display, cause: e });
  }
  const prefix = opts.prefix && opts.prefix !== "auto" ? opts.prefix.replace(/^\/+|\/+$/g, "") : "";
  const base = prefix ? join(rootReal, prefix) : rootReal;
  const read = /* @__PURE__ */ new Map();
  const hashes = [];
  const real = async (p) => {
    const checked = checkEntryPath(p);
    if ("reason" in checked) throw new VigilError(`refused path ${JSON.stringify(p)}: ${checked.reason}`, { file: display, code: "archive_unsafe" });
    const full = join(base, ...checked.path.split("/"));
    let r;
    try {
      r = await fsp.realpath(full);
    } catch (e) {
      throw new VigilError(`cannot read ${checked.path} (${e.code ?? e.message})`, { file: display, cause: e });
    }
    if (r !== full && !(r + sep).startsWith(rootReal + sep)) {
      throw new VigilError(`refused ${checked.path}: it resolves outside the acquisition folder`, { file: display, code: "archive_unsafe" });
    }
    const st = await fsp.lstat(full);
    if (!st.isFile() && !(st.isSymbolicLink() && (await fsp.stat(full)).isFile())) throw new VigilError(`${checked.path} is not a regular file`, { file: display });
    return r;
  };
  const record = (p, data, file) => {
    if (read.has(p)) return;
    if (data) {
      read.set(p, { path: join(display, p), size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
    } else if (file) {
      read.set(p, { path: join(display, p), size: 0, sha256: "" });
      hashes.push(
        sha256File(file).then(
          (h) => read.set(p, { ...h, path: join(display, p) }),
          () => read.delete(p)
        )
      );
    }
  };
  const view = {
    ...common(opts, path),
    find: (spec) => findFast(view, spec),
    entries: () => walkFolder(base, "", display),
    async entry(p) {
      const checked = checkEntryPath(p);
      if ("reason" in checked) return void 0;
      const full = join(base, ...checked.path.split("/"));
      try {
        const st = await fsp.lstat(full);
        if (st.isDirectory()) return { path: checked.path, type: "directory" };
        if (st.isSymbolicLink()) return { path: checked.path, type: "symlink", meta: { linkTarget: await fsp.readlink(full) } };
        if (!st.isFile()) return void 0;
        return { path: checked.path, size: st.size, modified: st.mtime.toISOString(), changed: st.ctime.toISOString(), meta: { mode: st.mode & 4095 } };
      } catch {
        return void 0;
      }
    },
    async readFile(e) {
      const f = await real(e.path);
      const data = await fsp.readFile(f);
      record(e.path, data);
      return data;
    },
    async openStream(e) {
      const f = await real(e.path);
      record(e.path, void 0, f);
      return createReadStream(f);
    },
    async openSqlite(e) {
      const f = await real(e.path);
      record(e.path, void 0, f);
      return openSqliteFile(f, e.path);
    },
    async localPath(e) {
      const f = await real(e.path);
      record(e.path, void 0, f);
      return f;
    },
    inputsRead: () => [...read.values()].filter((i) => i.sha256),
    refused: () => [],
    async settled() {
      await Promise.all(hashes);
    },
    async close() {
    }
  };
  return view;
}
export {
  DEFAULT_LIMITS,
  ZipArchive,
  checkEntryPath,
  extractTar,
  linkEscapes,
  openArchiveView,
  openFolderView,
  openTarView,
  openZipView,
  sha256File,
  walkFolder,
  walkTar
};
