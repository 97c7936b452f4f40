/**
 * Safe reading of acquisitions packed as zip, tar or tar.gz, and of plain folders.
 *
 * Evidence archives come from phones that may be compromised, so every archive is treated as
 * hostile: entries are never extracted to where their name points, only into a private temp
 * folder, and only after their name has been checked.
 *
 * Exported API
 * - `ArchiveLimits`, `DEFAULT_LIMITS`: bounds against zip/tar bombs. `maxEntrySize` (bytes of one
 *   entry read or extracted), `maxTotalSize` (declared sum for a zip; decompressed bytes for a
 *   tar stream), `maxRatio` (uncompressed/compressed, checked once an entry or stream has
 *   produced `ratioFloor` bytes), `maxEntries`, `maxReadFile` (largest entry `readFile` loads
 *   into memory; stream the rest). Breaking a limit throws a VigilError naming the archive and
 *   the entry (code "archive_limit").
 * - `checkEntryPath(name, {backslashIsSeparator})`: the one place an entry name is judged.
 *   Refused: `..` components, absolute paths, drive letters / UNC names, NUL bytes.
 *   `linkEscapes(entryPath, target)`: whether a link, resolved inside the archive, leaves it
 *   (absolute targets are taken as relative to the archive root, the way a chroot would).
 * - Unsafe entries (the above, plus links escaping the root) are refused: never listed, read or
 *   extracted. With `onUnsafe: "error"` (default) opening or walking throws a VigilError naming
 *   the archive and the entry (code "archive_unsafe"); with "skip" they are collected in
 *   `refused`. Device files, fifos and sockets are always skipped (collected in `refused`).
 *   Symlinks are listed (type "symlink", meta.linkTarget) but never followed or created.
 * - `ZipArchive.open(path, opts)`: random access by entry (yauzl, lazyEntries, autoClose off,
 *   names decoded here so a hostile name becomes a refusal instead of a yauzl error).
 *   `list()`, `get(name)`, `openStream(name)`, `readFile(name)`, `extractTo(name, dir)`, `close()`.
 *   Overlapping entries (the "overlapped zip bomb") are refused at open.
 * - `walkTar(source, onEntry, opts)`: one sequential pass over a tar or tar.gz (gzip sniffed by
 *   its magic), `onEntry(entry, body)` per safe entry; return `false` to stop early;
 *   `opts.skipBody(entry)` true skips an entry's data without a stream (fast indexing). Resolves
 *   with the raw input's sha256/size when it read all of it.
 *   `extractTar(source, want, dir, opts)`: one pass extracting the entries `want` selects.
 *   `source` is a file path or a function giving a fresh Readable of the tar bytes (the Android
 *   backup opener feeds its decrypted, inflated stream this way).
 * - Base views (AcquisitionView implementations parameterised by kind/platform/specKey, so each
 *   opener only adds device info and its quirks). All three add `entry(path)` (one entry by
 *   path), `localPath(entry)` (a file on disk holding the entry: the original in a folder, a
 *   private extracted copy otherwise; for nested acquisitions), `refused()` and `settled()`
 *   (resolves once background hashing of inputs is done, so `inputsRead()` is complete).
 *   - `openArchiveView(path, opts)`: zip or tar(.gz), sniffed by content.
 *   - `openZipView(path, opts)`, `openTarView(source, opts)`: the same, explicitly. A tar view
 *     indexes the tar in one pass at open (extracting the entries `opts.prefetch` selects on the
 *     way) and later extracts what modules ask for in batched passes.
 *   - `openFolderView(path, opts)`: a plain directory, walked with streamed opendir, never
 *     following a symlink; reads refuse any path that resolves outside the root.
 *   `opts.prefix`: the sub-folder of the archive that is the acquisition's root ("auto": the
 *   single top-level folder, when every entry sits in one). Entry paths shown to modules are
 *   relative to it.
 *   `inputsRead()`: the archive itself (path, sha256, size); for a folder, each file read.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, read as fsRead, fstatSync, lstatSync, openSync, promises as fsp, readlinkSync, readSync, realpathSync, statSync, type Dirent } from "node:fs";
import { join, posix, resolve, sep } from "node:path";
import { PassThrough, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createGunzip } from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import type { DeviceInfo, InputFile, Platform } from "../core/model.ts";
import { VigilError } from "../core/errors.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";
import { openSqliteBuffer, openSqliteFile } from "../formats/sqlite.ts";
import { hashedInput } from "./hash.ts";
import { specKeyFor } from "./memory.ts";
import { applies, findByScan } from "./spec-match.ts";
import type { AcquisitionKind, AcquisitionView, ArtifactSpec, FileEntry, SqliteHandle } from "./view.ts";

// ---------------------------------------------------------------------------------------------
// Limits and names

export interface ArchiveLimits {
  maxEntrySize: number;
  maxTotalSize: number;
  maxRatio: number;
  ratioFloor: number;
  maxEntries: number;
  maxReadFile: number;
}

const GiB = 1024 ** 3;
/**
 * Generous enough for a full-filesystem dump (hundreds of GB, files of many GB), tight enough
 * that a bomb is stopped long before the disk fills: DEFLATE cannot exceed ~1032:1, so a
 * 500:1 ratio over 64 MiB only happens with crafted or pathological data.
 */
export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntrySize: 64 * GiB,
  maxTotalSize: 2048 * GiB,
  maxRatio: 500,
  ratioFloor: 64 * 1024 * 1024,
  maxEntries: 20_000_000,
  maxReadFile: 2 * GiB - 1,
};

export type UnsafePolicy = "error" | "skip";

export interface ArchiveOptions {
  limits?: Partial<ArchiveLimits>;
  onUnsafe?: UnsafePolicy;
  /** Name shown in errors instead of the path (e.g. "bundle.zip:backup.ab"). */
  display?: string;
}

export interface Refusal {
  entry: string;
  reason: string;
}

export interface ArchiveEntry {
  /** Normalised, safe path inside the archive (no leading "./", no trailing "/"). */
  path: string;
  type: "file" | "directory" | "symlink";
  size: number;
  compressedSize?: number;
  /** UTC ISO-8601. */
  modified?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkTarget?: string;
  /** A tar hard link: the archive path whose data this entry shares. */
  hardlinkTo?: string;
}

function limitsOf(o?: ArchiveOptions): ArchiveLimits {
  return { ...DEFAULT_LIMITS, ...(o?.limits ?? {}) };
}

function limitError(archive: string, entry: string | undefined, what: string): VigilError {
  return new VigilError(entry ? `entry ${JSON.stringify(entry)}: ${what}` : what, { file: archive, code: "archive_limit" });
}

function unsafeError(archive: string, r: Refusal): VigilError {
  return new VigilError(`refused unsafe archive entry ${JSON.stringify(r.entry)}: ${r.reason}`, { file: archive, code: "archive_unsafe" });
}

/** Judges one entry name. Returns the normalised path, or the reason it is refused. */
/** Anything that needs the slow path: NUL, "." or ".." parts, "//", a leading "/" or drive, a trailing "/". */
const NEEDS_CHECK = /\0|(?:^|\/)\.\.?(?:\/|$)|\/\/|^\/|^[A-Za-z]:|\/$|^$/;

export function checkEntryPath(name: string, opts: { backslashIsSeparator?: boolean } = {}): { path: string } | { reason: string } {
  // Nearly every name is already clean; those skip the split and join.
  if (!NEEDS_CHECK.test(name) && !(opts.backslashIsSeparator && name.includes("\\"))) return { path: name };
  if (name.includes("\0")) return { reason: "NUL byte in name" };
  let n = opts.backslashIsSeparator ? name.replace(/\\/g, "/") : name;
  if (/^[A-Za-z]:/.test(n)) return { reason: "drive letter in name" };
  if (n.startsWith("//") || n.startsWith("\\\\")) return { reason: "network (UNC) path" };
  if (n.startsWith("/")) return { reason: "absolute path" };
  const parts: string[] = [];
  for (const p of n.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") return { reason: "'..' component (path escapes the archive)" };
    parts.push(p);
  }
  n = parts.join("/");
  return { path: n };
}

/** Whether a link at entryPath pointing at target leaves the archive root. */
export function linkEscapes(entryPath: string, target: string): boolean {
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

/** Resolves a hard-link target inside the archive (tar stores them relative to the root). */
function normaliseLink(target: string): string | undefined {
  const r = checkEntryPath(target);
  return "path" in r ? r.path : undefined;
}

function iso(d: Date | undefined): string | undefined {
  if (!d) return undefined;
  const t = d.getTime();
  return Number.isFinite(t) ? d.toISOString() : undefined;
}

/** Fails a stream once it has carried more bytes than allowed, or a suspicious ratio. */
class ByteGuard extends Transform {
  n = 0;
  constructor(
    private readonly max: number,
    private readonly onTooBig: () => Error,
    private readonly ratio?: { compressed: number; limits: ArchiveLimits; onRatio: () => Error },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.n += chunk.length;
    if (this.n > this.max) return cb(this.onTooBig());
    const r = this.ratio;
    if (r && this.n >= r.limits.ratioFloor && this.n / Math.max(1, r.compressed) > r.limits.maxRatio) return cb(r.onRatio());
    cb(null, chunk);
  }
}

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** dest = dir/<safe parts>, checked again to sit inside dir (defence in depth). */
function safeJoin(dir: string, safePath: string): string {
  const dest = resolve(dir, ...safePath.split("/"));
  if (!dest.startsWith(resolve(dir) + sep)) throw new VigilError(`refused to extract outside the temp folder: ${safePath}`, { code: "archive_unsafe" });
  return dest;
}

async function writeNew(dest: string, body: Readable): Promise<void> {
  await fsp.mkdir(join(dest, ".."), { recursive: true, mode: 0o700 });
  // "wx": never overwrite, never write through an existing file or link.
  await pipeline(body, createWriteStream(dest, { flags: "wx", mode: 0o600 }));
}

// ---------------------------------------------------------------------------------------------
// Zip

const CP437 =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function decodeZipName(raw: Buffer, utf8: boolean, extra: { id: number; data: Buffer }[]): string {
  // Info-ZIP Unicode Path field: trusted only when its CRC matches the raw name, as the spec says.
  for (const f of extra) {
    if (f.id === 0x7075 && f.data.length >= 6 && f.data[0] === 1 && crc32(raw) >>> 0 === f.data.readUInt32LE(1)) {
      return f.data.subarray(5).toString("utf8");
    }
  }
  if (utf8) return raw.toString("utf8");
  let s = "";
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437[b - 0x80];
  return s;
}

/**
 * yauzl reads the central directory with two small reads per entry; through the default fd
 * reader each is a thread-pool round trip (a 65k-entry zip took 17 s to list). This reader
 * serves those small reads from a 1 MiB block read synchronously, and file data as streams.
 */
class BlockReader extends yauzl.RandomAccessReader {
  static readonly BLOCK = 1 << 20;
  readonly size: number;
  private block = Buffer.alloc(0);
  private blockStart = 0;
  private closed = false;
  private count = 0;
  constructor(private readonly fd: number) {
    super();
    this.size = fstatSync(fd).size;
  }
  private inflight = 0;
  private onIdle?: () => void;
  /**
   * Positional reads on the shared fd. Not fs.createReadStream: destroying one of those closes
   * the fd even with autoClose off, and yauzl destroys streams that are read to the end.
   */
  override _readStreamForRange(start: number, end: number): Readable {
    let pos = start;
    const self = this;
    return new Readable({
      highWaterMark: 1 << 20,
      read(size: number) {
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
      },
    });
  }
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
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
      process.nextTick(callback, e as Error);
      return;
    }
    // Yield to the event loop now and then so a million-entry listing does not starve it.
    if (++this.count % 4096 === 0) setImmediate(callback, null, n);
    else process.nextTick(callback, null, n);
  }
  override close(callback: (err: Error | null) => void): void {
    // A read still in flight must not land on a closed (or reused) descriptor.
    const doClose = () => {
      this.onIdle = undefined;
      if (!this.closed) {
        this.closed = true;
        try {
          closeSync(this.fd);
        } catch {
          /* already closed */
        }
      }
      setImmediate(callback, null);
    };
    if (this.inflight > 0) this.onIdle = doClose;
    else doClose();
  }
}

interface ZipItem extends ArchiveEntry {
  offset: number;
  method: number;
  flags: number;
  crc: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export class ZipArchive {
  readonly refused: Refusal[] = [];
  private readonly items = new Map<string, ZipItem>();
  private totalDeclared = 0;

  private constructor(
    readonly path: string,
    readonly display: string,
    private readonly zip: yauzl.ZipFile,
    readonly limits: ArchiveLimits,
    private readonly onUnsafe: UnsafePolicy,
  ) {}

  static async open(path: string, opts: ArchiveOptions = {}): Promise<ZipArchive> {
    const display = opts.display ?? path;
    let zip: yauzl.ZipFile;
    try {
      const fd = openSync(path, "r");
      let reader: BlockReader;
      try {
        reader = new BlockReader(fd);
      } catch (e) {
        closeSync(fd);
        throw e;
      }
      zip = await new Promise<yauzl.ZipFile>((res, rej) =>
        yauzl.fromRandomAccessReader(reader, reader.size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => {
          if (err) {
            reader.close(() => {});
            rej(err);
          } else res(z!);
        }),
      );
    } catch (e) {
      throw new VigilError(`not a readable zip archive (${(e as Error).message})`, { file: display, code: "archive", cause: e });
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

  private refuse(r: Refusal, always = false): void {
    if (!always && this.onUnsafe === "error") throw unsafeError(this.display, r);
    this.refused.push(r);
  }

  private async readDirectory(): Promise<void> {
    const zip = this.zip;
    const lim = this.limits;
    let count = 0;
    await new Promise<void>((res, rej) => {
      const fail = (e: unknown) => {
        zip.removeAllListeners("entry");
        rej(e instanceof VigilError ? e : new VigilError(`corrupt zip archive (${(e as Error).message})`, { file: this.display, code: "archive", cause: e }));
      };
      zip.on("error", fail);
      zip.on("end", () => res());
      zip.on("entry", (e: yauzl.Entry) => {
        try {
          if (++count > lim.maxEntries) throw limitError(this.display, undefined, `more than ${lim.maxEntries} entries`);
          this.addEntry(e);
          zip.readEntry();
        } catch (err) {
          fail(err);
        }
      });
      zip.readEntry();
    });
  }

  private addEntry(e: yauzl.Entry): void {
    const raw = e.fileName as unknown as Buffer;
    const name = decodeZipName(raw, (e.generalPurposeBitFlag & 0x800) !== 0, e.extraFields);
    const checked = checkEntryPath(name, { backslashIsSeparator: true });
    if ("reason" in checked) return this.refuse({ entry: name, reason: checked.reason });
    if (!checked.path) return;
    const madeBy = e.versionMadeBy >> 8;
    const unixMode = madeBy === 3 || madeBy === 19 ? (e.externalFileAttributes >>> 16) & 0xffff : 0;
    const fmt = unixMode & S_IFMT;
    let type: ArchiveEntry["type"] = "file";
    if (name.endsWith("/") || name.endsWith("\\") || fmt === S_IFDIR || (madeBy === 0 && (e.externalFileAttributes & 0x10) !== 0)) type = "directory";
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
    let modified: string | undefined;
    try {
      modified = iso(e.getLastModDate());
    } catch {
      modified = undefined;
    }
    this.items.set(checked.path, {
      path: checked.path,
      type,
      size: e.uncompressedSize,
      compressedSize: e.compressedSize,
      modified,
      mode: unixMode ? unixMode & 0o7777 : undefined,
      offset: e.relativeOffsetOfLocalHeader,
      method: e.compressionMethod,
      flags: e.generalPurposeBitFlag,
      crc: e.crc32,
    });
  }

  /** Several central-directory entries sharing compressed data is how flat zip bombs multiply. */
  private async checkOverlaps(): Promise<void> {
    const spans = [...this.items.values()].filter((i) => i.type !== "directory" || (i.compressedSize ?? 0) > 0);
    spans.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1];
      if (prev.offset + 30 + (prev.compressedSize ?? 0) > spans[i].offset) {
        throw limitError(this.display, spans[i].path, `overlaps the data of ${JSON.stringify(prev.path)} (overlapping entries: zip bomb?)`);
      }
    }
  }

  private async resolveSymlinks(): Promise<void> {
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
  list(): IterableIterator<ArchiveEntry> {
    return this.items.values();
  }

  get size(): number {
    return this.items.size;
  }

  get(name: string): ArchiveEntry | undefined {
    return this.items.get(name);
  }

  private rawStream(it: ZipItem): Promise<Readable> {
    const entry = Object.assign(new yauzl.Entry(), {
      compressionMethod: it.method,
      generalPurposeBitFlag: it.flags,
      compressedSize: it.compressedSize,
      uncompressedSize: it.size,
      relativeOffsetOfLocalHeader: it.offset,
      extraFields: [],
      crc32: it.crc,
    });
    return new Promise<Readable>((res, rej) =>
      this.zip.openReadStream(entry, (err, s) => (err ? rej(new VigilError(`cannot read entry ${JSON.stringify(it.path)} (${err.message})`, { file: this.display, code: "archive", cause: err })) : res(s!))),
    );
  }

  /** The entry's bytes, with size and ratio enforced while they flow. */
  async openStream(name: string): Promise<Readable> {
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
    // A reader that stops early must release yauzl's hold on the file, or close() never closes it.
    guard.on("close", () => {
      if (!raw.destroyed) raw.destroy();
    });
    return raw.pipe(guard);
  }

  async readFile(name: string): Promise<Buffer> {
    const it = this.items.get(name);
    if (it && it.size > this.limits.maxReadFile) throw limitError(this.display, name, `too large to load into memory (${it.size} bytes)`);
    return readAll(await this.openStream(name));
  }

  /** Extracts one entry below dir (at its own relative path); returns the file's path. */
  async extractTo(name: string, dir: string): Promise<string> {
    const dest = safeJoin(dir, name);
    await writeNew(dest, await this.openStream(name));
    return dest;
  }

  close(): void {
    this.zip.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Tar

export type TarSource = string | (() => Readable | Promise<Readable>);

export interface TarWalkOptions extends ArchiveOptions {
  /** Receives refusals when onUnsafe is "skip". */
  onRefused?: (r: Refusal) => void;
  /**
   * For a source function that inflates data itself (an Android backup): how many compressed
   * bytes it has read so far, so the ratio limit applies to it too.
   */
  compressedBytes?: () => number;
  /**
   * Entries whose body the caller will not read: onEntry gets an empty body and the data is
   * skipped without a stream per entry (a million-entry dump indexes several times faster).
   */
  skipBody?: (e: ArchiveEntry) => boolean;
}

export interface TarWalkResult {
  /** Whole input read: the raw file's hash (only when source is a path). */
  input?: InputFile;
  completed: boolean;
  refused: Refusal[];
}

class CountTap extends Transform {
  n = 0;
  readonly hash = createHash("sha256");
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.n += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

/** Peeks at the first bytes without losing them, to tell gzip from a plain tar. */
async function sniff(src: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const it = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value as Buffer);
    len += (r.value as Buffer).length;
  }
  const head = Buffer.concat(chunks);
  (async () => {
    out.write(head);
    if (!done) {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        if (!out.write(r.value)) await new Promise((res) => out.once("drain", res));
      }
    }
    out.end();
  })().catch((e) => out.destroy(e));
  return { head, stream: out };
}

/**
 * One sequential pass over a tar or tar.gz. onEntry sees each safe entry and may consume its
 * body; an unconsumed body is skipped. Return false from onEntry to stop reading.
 */
export async function walkTar(
  source: TarSource,
  onEntry: (e: ArchiveEntry, body: Readable) => Promise<boolean | void> | boolean | void,
  opts: TarWalkOptions = {},
): Promise<TarWalkResult> {
  const display = opts.display ?? (typeof source === "string" ? source : "<tar stream>");
  const lim = limitsOf(opts);
  const policy = opts.onUnsafe ?? "error";
  const refused: Refusal[] = [];
  const raw: Readable = typeof source === "string" ? createReadStream(source, { highWaterMark: 1 << 20 }) : await source();
  const tap = new CountTap();
  const counted = raw.pipe(tap);
  raw.on("error", (e) => tap.destroy(e));
  const { head, stream } = await sniff(counted, 2);
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  let decompressed = 0;
  const body: Readable = gz ? stream.pipe(createGunzip()) : stream;
  if (gz) stream.on("error", (e) => body.destroy(e));
  const guard = new Transform({
    transform(chunk: Buffer, _e, cb) {
      decompressed += chunk.length;
      if (decompressed > lim.maxTotalSize) return cb(limitError(display, undefined, `decompresses past the total limit ${lim.maxTotalSize} (bomb?)`));
      const compressed = gz ? tap.n : opts.compressedBytes?.();
      if (compressed !== undefined && decompressed >= lim.ratioFloor && decompressed / Math.max(1, compressed) > lim.maxRatio) {
        return cb(limitError(display, undefined, `compression ratio exceeds ${lim.maxRatio}:1 (${gz ? "gzip" : "compression"} bomb?)`));
      }
      cb(null, chunk);
    },
  });
  body.on("error", (e) => guard.destroy(e));
  const extract = tar.extract();
  body.pipe(guard).pipe(extract);
  guard.on("error", (e) => extract.destroy(e));

  const wrapErr = (e: unknown): Error => {
    if (e instanceof VigilError) return e;
    const msg = (e as Error)?.message ?? String(e);
    const truncated = /unexpected end|premature|incorrect header check|unexpected eof|invalid tar header|unexpected end of file/i.test(msg);
    return new VigilError(truncated ? `truncated or corrupt tar archive (${msg})` : `cannot read tar archive (${msg})`, { file: display, code: "archive", cause: e });
  };

  let count = 0;
  let stopped = false;
  // Stopping early or failing tears the chain down; later errors from it have nobody to tell.
  const quiet = () => {
    for (const st of [raw, tap, stream, body, guard, extract]) {
      st.on("error", () => {});
      st.destroy();
    }
  };
  const refuse = (r: Refusal, always = false) => {
    if (!always && policy === "error") throw unsafeError(display, r);
    refused.push(r);
    opts.onRefused?.(r);
  };
  try {
    for await (const entry of extract) {
      const h = entry.header;
      // tar-stream's entry streams are streamx streams and destroying one kills the whole
      // extraction, so the callback gets a Node stream fed from it, and whatever it leaves
      // unread is discarded here.
      let out: PassThrough | undefined;
      const drain = async (): Promise<void> => {
        if (!out) {
          for await (const _ of entry) void _;
          return;
        }
        const o = out;
        if (!o.readableEnded && !o.destroyed) o.resume();
        await pump;
      };
      let pump: Promise<void> = Promise.resolve();
      const bodyFor = (): PassThrough => {
        const o = new PassThrough({ highWaterMark: 1 << 20 });
        // A reader sees errors through its own listeners; an unread body must not crash us.
        o.on("error", () => {});
        out = o;
        pump = (async () => {
          for await (const chunk of entry) {
            if (o.destroyed) continue;
            if (!o.write(chunk)) {
              await new Promise<void>((res) => {
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
      if (++count > lim.maxEntries) throw limitError(display, undefined, `more than ${lim.maxEntries} entries`);
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
      let e: ArchiveEntry | undefined;
      const base = { path: checked.path, size: h.size ?? 0, modified: iso(h.mtime), mode: h.mode, uid: h.uid, gid: h.gid };
      if (t === "file" || t === "contiguous-file") e = { ...base, type: "file" };
      else if (t === "directory") e = { ...base, type: "directory", size: 0 };
      else if (t === "symlink") {
        const target = h.linkname ?? "";
        if (linkEscapes(checked.path, target)) refuse({ entry: h.name, reason: `symlink to ${JSON.stringify(target)} escapes the archive` });
        else e = { ...base, type: "symlink", size: 0, linkTarget: target };
      } else if (t === "link") {
        const target = normaliseLink(h.linkname ?? "");
        if (target === undefined || !target) refuse({ entry: h.name, reason: `hard link to ${JSON.stringify(h.linkname)} escapes the archive` });
        else e = { ...base, type: "file", size: 0, hardlinkTo: target };
      } else {
        refuse({ entry: h.name, reason: `${t} entries are never extracted` }, true);
      }
      if (!e) {
        await drain();
        continue;
      }
      // tar-stream hands out exactly header.size bytes, so the declared size is the real one.
      if (e.type === "file" && !e.hardlinkTo && e.size > lim.maxEntrySize) {
        throw limitError(display, e.path, `size ${e.size} exceeds the per-entry limit ${lim.maxEntrySize}`);
      }
      let r: boolean | void;
      if (opts.skipBody?.(e)) {
        r = await onEntry(e, Readable.from([]));
        // Nothing has read this entry yet, so its "end" is still to come.
        await new Promise<void>((res, rej) => {
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
  const input = typeof source === "string" && !stopped ? { path: source, sha256: tap.hash.digest("hex"), size: tap.n } : undefined;
  return { input, completed: !stopped, refused };
}

/**
 * Extracts the entries `want` selects into dir (at their own relative paths). Returns the
 * extracted files by archive path. Hard links are resolved to their target when it was
 * extracted too.
 */
export async function extractTar(
  source: TarSource,
  want: (e: ArchiveEntry) => boolean,
  dir: string,
  opts: TarWalkOptions & { onEntry?: (e: ArchiveEntry) => void; stopWhen?: () => boolean; into?: Map<string, string> } = {},
): Promise<{ files: Map<string, string>; walk: TarWalkResult }> {
  const files = opts.into ?? new Map<string, string>();
  // want() is asked once per entry: skipBody sees the entry first, onEntry right after.
  let judged: ArchiveEntry | undefined;
  let wanted = false;
  const isWanted = (e: ArchiveEntry): boolean => {
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
            await fsp.mkdir(join(dest, ".."), { recursive: true, mode: 0o700 });
            await fsp.copyFile(src, dest, 1 /* COPYFILE_EXCL */);
            files.set(e.path, dest);
          }
        } else if (!files.has(e.path)) {
          await writeNew(dest, body);
          files.set(e.path, dest);
        }
      }
      return opts.stopWhen?.() ? false : undefined;
    },
    { ...opts, skipBody: (e) => (opts.skipBody?.(e) ?? true) && (!isWanted(e) || !!e.hardlinkTo || files.has(e.path)) },
  );
  return { files, walk };
}

// ---------------------------------------------------------------------------------------------
// Base views

export interface BaseViewOptions extends ArchiveOptions {
  kind: AcquisitionKind;
  platform: Platform;
  specKey?: AcquisitionView["specKey"];
  /** Shown as view.root; defaults to the path. */
  root?: string;
  device?: Partial<DeviceInfo>;
  encrypted?: boolean;
  /** The sub-folder that is the acquisition's root, or "auto" for a single top-level folder. */
  prefix?: string;
  /** Tar only: entries to extract during the indexing pass at open. */
  prefetch?: (e: FileEntry) => boolean;
  /** Tar fed by a function: the raw file to hash for provenance (e.g. the .ab file). */
  inputPath?: string;
  /** Tar fed by a function that inflates: see TarWalkOptions.compressedBytes. */
  compressedBytes?: () => number;
}

export interface BaseView extends AcquisitionView {
  /** One entry by its path inside the view, or undefined. */
  entry(path: string): Promise<FileEntry | undefined>;
  /** A file on disk with the entry's bytes (private copy for archives). */
  localPath(entry: FileEntry): Promise<string>;
  refused(): Refusal[];
  /** Resolves when background hashing is done, so inputsRead() is complete. */
  settled(): Promise<void>;
}

function toFileEntry(a: ArchiveEntry, path: string): FileEntry {
  const meta: Record<string, unknown> = {};
  if (a.mode !== undefined) meta.mode = a.mode;
  if (a.uid !== undefined) meta.uid = a.uid;
  if (a.gid !== undefined) meta.gid = a.gid;
  if (a.linkTarget !== undefined) meta.linkTarget = a.linkTarget;
  if (a.hardlinkTo !== undefined) meta.hardlinkTo = a.hardlinkTo;
  if (a.compressedSize !== undefined) meta.compressedSize = a.compressedSize;
  return {
    path,
    size: a.size,
    modified: a.modified,
    type: a.type === "file" ? undefined : a.type,
    meta: Object.keys(meta).length ? meta : undefined,
  };
}

/** "auto": the one top-level folder every entry sits in, else "". */
function resolvePrefix(prefix: string | undefined, names: Iterable<string>): string {
  if (!prefix) return "";
  if (prefix !== "auto") return prefix.replace(/^\/+|\/+$/g, "") + "/";
  let top: string | undefined;
  let nested = false;
  for (const n of names) {
    const i = n.indexOf("/");
    const first = i < 0 ? n : n.slice(0, i);
    if (top === undefined) top = first;
    else if (top !== first) return "";
    if (i >= 0) nested = true;
  }
  return top !== undefined && nested ? top + "/" : "";
}

function common(opts: BaseViewOptions, path: string) {
  const specKey = opts.specKey ?? specKeyFor(opts.kind);
  return {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root ?? path,
    encrypted: opts.encrypted ?? false,
    device: { platform: opts.platform, ...(opts.device ?? {}) } as DeviceInfo,
    specKey,
  };
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

/**
 * Specs naming plain paths (most Android ones: "getprop.txt") are looked up directly instead of
 * scanning every entry for every module.
 */
async function findFast(view: BaseView, spec: ArtifactSpec): Promise<FileEntry[]> {
  if (!applies(spec, view) || view.specKey === "backup") return findByScan(view, spec);
  const globs = (spec[view.specKey] as string[] | undefined) ?? [];
  if (globs.some((g) => GLOB_CHARS.test(g))) return findByScan(view, spec);
  const out: FileEntry[] = [];
  for (const g of new Set(globs)) {
    const e = await view.entry(g);
    if (e && (e.type ?? "file") === "file") out.push(e);
  }
  return out;
}

async function isZipFile(path: string): Promise<boolean> {
  const fh = await fsp.open(path, "r");
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    // Local header, or an empty archive's end-of-central-directory record.
    return bytesRead === 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
  } finally {
    await fh.close();
  }
}

/** A zip or tar(.gz) as an acquisition view, by content. */
export async function openArchiveView(path: string, opts: BaseViewOptions): Promise<BaseView> {
  let zip: boolean;
  try {
    zip = await isZipFile(path);
  } catch (e) {
    throw new VigilError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: opts.display ?? path, cause: e });
  }
  return zip ? openZipView(path, opts) : openTarView(path, opts);
}

export async function openZipView(path: string, opts: BaseViewOptions): Promise<BaseView> {
  const display = opts.display ?? path;
  const zip = await ZipArchive.open(path, opts);
  const names = [...zip.list()].map((e) => e.path);
  const prefix = resolvePrefix(opts.prefix, names);
  let archiveHash: InputFile | undefined;
  const hashing = hashedInput(path, display).then((h) => (archiveHash = h));
  let tmp: string | undefined;
  const extracted = new Map<string, Promise<string>>();
  const inner = (e: FileEntry) => prefix + e.path;
  const view: BaseView = {
    ...common(opts, path),
    find: (spec: ArtifactSpec) => findFast(view, spec),
    async *entries() {
      for (const a of zip.list()) {
        if (prefix && !a.path.startsWith(prefix)) continue;
        yield toFileEntry(a, a.path.slice(prefix.length));
      }
    },
    async entry(p) {
      const a = zip.get(prefix + p);
      return a ? toFileEntry(a, p) : undefined;
    },
    readFile: (e) => zip.readFile(inner(e)),
    openStream: (e) => zip.openStream(inner(e)),
    async openSqlite(e): Promise<SqliteHandle> {
      const data = await zip.readFile(inner(e));
      const walName = inner(e) + "-wal";
      const wal = zip.get(walName)?.type === "file" ? await zip.readFile(walName) : undefined;
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
    inputsRead: () => (archiveHash ? [archiveHash] : []),
    refused: () => zip.refused,
    async settled() {
      await hashing;
    },
    async close() {
      zip.close();
      if (tmp) removeTempDir(tmp);
      tmp = undefined;
    },
  };
  return view;
}

export async function openTarView(source: TarSource, opts: BaseViewOptions): Promise<BaseView> {
  const path = typeof source === "string" ? source : (opts.inputPath ?? "<tar stream>");
  const display = opts.display ?? path;
  const wopts: TarWalkOptions = { ...opts, display };
  const lim = limitsOf(opts);
  const index = new Map<string, ArchiveEntry>();
  const tmp = privateTempDir("tar");
  const files = new Map<string, string>();
  const explicit = opts.prefix && opts.prefix !== "auto" ? resolvePrefix(opts.prefix, []) : "";
  // The "auto" prefix is only known after the pass, so prefetch is asked about both readings.
  const wanted = (a: ArchiveEntry): boolean => {
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
  let archiveHash: InputFile | undefined = first.walk.input ? { ...first.walk.input, path: display } : undefined;
  let hashing: Promise<unknown> = Promise.resolve();
  if (!archiveHash && opts.inputPath) {
    hashing = hashedInput(opts.inputPath, display).then((h) => (archiveHash = h));
  }
  const refused = [...first.walk.refused];

  // Entries asked for after open are extracted together in one further pass.
  let pending = new Set<string>();
  let pass: Promise<void> | undefined;
  const missing = new Set<string>();
  const runPass = async () => {
    await new Promise((r) => setImmediate(r));
    const batch = pending;
    pending = new Set();
    await extractTar(source, (x) => batch.has(x.path), tmp, {
      ...wopts,
      onUnsafe: "skip",
      into: files,
      stopWhen: () => {
        for (const k of batch) if (!files.has(k)) return false;
        return true;
      },
    });
    for (const k of batch) if (!files.has(k)) missing.add(k);
  };
  const resolveLink = (p: string): string => {
    let cur = p;
    for (let i = 0; i < 32; i++) {
      const a = index.get(cur);
      if (!a?.hardlinkTo) return cur;
      cur = a.hardlinkTo;
    }
    return cur;
  };
  const ensure = async (inner: string): Promise<string> => {
    const key = resolveLink(inner);
    const a = index.get(key);
    if (!a) throw new VigilError(`no entry ${JSON.stringify(inner)} in the archive`, { file: display, code: "archive" });
    if (a.type !== "file") throw new VigilError(`entry ${JSON.stringify(inner)} is a ${a.type}, not a file`, { file: display, code: "archive" });
    while (!files.has(key)) {
      if (missing.has(key)) throw new VigilError(`entry ${JSON.stringify(inner)} was not found on a second read (archive changed?)`, { file: display, code: "archive" });
      pending.add(key);
      pass ??= runPass().finally(() => (pass = undefined));
      await pass;
    }
    return files.get(key)!;
  };

  const view: BaseView = {
    ...common(opts, path),
    find: (spec: ArtifactSpec) => findFast(view, spec),
    async *entries() {
      for (const a of index.values()) {
        if (prefix && !a.path.startsWith(prefix)) continue;
        yield toFileEntry(a, a.path.slice(prefix.length));
      }
    },
    async entry(p) {
      const a = index.get(prefix + p);
      return a ? toFileEntry(a, p) : undefined;
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
      const wal = index.get(walKey)?.type === "file" ? await fsp.readFile(await ensure(walKey)) : undefined;
      return openSqliteBuffer(await fsp.readFile(f), e.path, wal);
    },
    localPath: (e) => ensure(prefix + e.path),
    inputsRead: () => (archiveHash ? [archiveHash] : []),
    refused: () => refused,
    async settled() {
      await hashing;
    },
    async close() {
      removeTempDir(tmp);
    },
  };
  return view;
}

/**
 * Streams a folder's entries one listing at a time, never following a symlink. Stats are
 * synchronous: on a million-file dump an awaited lstat per file (a thread-pool round trip each)
 * dominated the walk.
 */
export async function* walkFolder(dir: string, rel: string, display: string): AsyncGenerator<FileEntry> {
  let d;
  try {
    d = await fsp.opendir(dir, { bufferSize: 256 });
  } catch (e) {
    throw new VigilError(`cannot list ${rel || "."} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
  }
  const subdirs: string[] = [];
  for await (const ent of d as AsyncIterable<Dirent>) {
    const p = rel ? `${rel}/${ent.name}` : ent.name;
    const full = join(dir, ent.name);
    if (ent.isDirectory()) {
      subdirs.push(ent.name);
      yield { path: p, type: "directory" };
    } else if (ent.isSymbolicLink()) {
      let target: string | undefined;
      try {
        target = readlinkSync(full);
      } catch {
        target = undefined;
      }
      yield { path: p, type: "symlink", meta: target !== undefined ? { linkTarget: target } : undefined };
    } else if (ent.isFile()) {
      let st;
      try {
        st = lstatSync(full);
      } catch {
        continue;
      }
      yield { path: p, size: st.size, modified: st.mtime.toISOString(), changed: st.ctime.toISOString(), created: st.birthtimeMs ? st.birthtime.toISOString() : undefined, meta: { mode: st.mode & 0o7777 } };
    }
  }
  for (const s of subdirs) yield* walkFolder(join(dir, s), rel ? `${rel}/${s}` : s, display);
}

/** A plain folder as an acquisition view; symlinks are listed, never followed. */
export function openFolderView(path: string, opts: BaseViewOptions): BaseView {
  const display = opts.display ?? path;
  let rootReal: string;
  try {
    rootReal = realpathSync(path);
    if (!statSync(rootReal).isDirectory()) throw new VigilError("not a folder", { file: display });
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`cannot open folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
  }
  const prefix = opts.prefix && opts.prefix !== "auto" ? opts.prefix.replace(/^\/+|\/+$/g, "") : "";
  const base = prefix ? join(rootReal, prefix) : rootReal;
  const read = new Map<string, InputFile>();
  const hashes: Promise<unknown>[] = [];

  /** The real file for a view path, refusing anything that resolves outside the root. */
  const real = async (p: string): Promise<string> => {
    const checked = checkEntryPath(p);
    if ("reason" in checked) throw new VigilError(`refused path ${JSON.stringify(p)}: ${checked.reason}`, { file: display, code: "archive_unsafe" });
    const full = join(base, ...checked.path.split("/"));
    let r: string;
    try {
      r = await fsp.realpath(full);
    } catch (e) {
      throw new VigilError(`cannot read ${checked.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: display, cause: e });
    }
    if (r !== full && !(r + sep).startsWith(rootReal + sep)) {
      throw new VigilError(`refused ${checked.path}: it resolves outside the acquisition folder`, { file: display, code: "archive_unsafe" });
    }
    const st = await fsp.lstat(full);
    if (!st.isFile() && !(st.isSymbolicLink() && (await fsp.stat(full)).isFile())) throw new VigilError(`${checked.path} is not a regular file`, { file: display });
    return r;
  };
  const record = (p: string, data?: Buffer, file?: string) => {
    if (read.has(p)) return;
    if (data) {
      read.set(p, { path: join(display, p), size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
    } else if (file) {
      read.set(p, { path: join(display, p), size: 0, sha256: "" });
      hashes.push(hashedInput(file, join(display, p)).then((h) => read.set(p, h)));
    }
  };

  const view: BaseView = {
    ...common(opts, path),
    find: (spec: ArtifactSpec) => findFast(view, spec),
    entries: () => walkFolder(base, "", display),
    async entry(p) {
      const checked = checkEntryPath(p);
      if ("reason" in checked) return undefined;
      const full = join(base, ...checked.path.split("/"));
      try {
        const st = await fsp.lstat(full);
        if (st.isDirectory()) return { path: checked.path, type: "directory" };
        if (st.isSymbolicLink()) return { path: checked.path, type: "symlink", meta: { linkTarget: await fsp.readlink(full) } };
        if (!st.isFile()) return undefined;
        return { path: checked.path, size: st.size, modified: st.mtime.toISOString(), changed: st.ctime.toISOString(), meta: { mode: st.mode & 0o7777 } };
      } catch {
        return undefined;
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
      record(e.path, undefined, f);
      return createReadStream(f);
    },
    async openSqlite(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return openSqliteFile(f, e.path);
    },
    async localPath(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return f;
    },
    async inPlacePath(e) {
      const f = await real(e.path);
      record(e.path, undefined, f);
      return f;
    },
    // Entries still being hashed have neither a hash nor an error yet.
    inputsRead: () => [...read.values()].filter((i) => i.sha256 || i.error),
    refused: () => [],
    async settled() {
      await Promise.all(hashes);
    },
    async close() {},
  };
  return view;
}
