/**
 * The zip reader: random access by entry over yauzl (lazyEntries, autoClose off, names decoded
 * here so a hostile name becomes a refusal instead of a yauzl error).
 *
 * `ZipArchive.open(path, opts)` reads the central directory once, judging every entry
 * (safety.ts) and refusing overlapping entries (the "overlapped zip bomb") and escaping
 * symlinks at open. Then `list()`, `get(name)`, `openStream(name)`, `readFile(name)`,
 * `extractTo(name, dir)`, `close()`. Symlinks are listed (type "symlink", linkTarget) but never
 * followed or created.
 */
import { closeSync, openSync, promises as fsp } from "node:fs";
import type { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { VigilError } from "../../core/errors.ts";
import { isoDate, type ArchiveEntry } from "./entry.ts";
import {
  ByteGuard,
  checkEntryPath,
  limitError,
  limitsOf,
  linkEscapes,
  safeJoin,
  unsafeError,
  writeNew,
  type ArchiveLimits,
  type ArchiveOptions,
  type Refusal,
  type UnsafePolicy,
} from "./safety.ts";
import { BlockReader } from "./zip-block-reader.ts";

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
      modified = isoDate(e.getLastModDate());
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
    raw.on("error", (e) => guard.destroy(this.streamError(name, e)));
    // A reader that stops early must release yauzl's hold on the file, or close() never closes it.
    guard.on("close", () => {
      if (!raw.destroyed) raw.destroy();
    });
    return raw.pipe(guard);
  }

  /** An error while an entry's bytes flow (corrupt data, a bad CRC, a file cut short), as one line naming the entry. */
  private streamError(name: string, e: Error): VigilError {
    return e instanceof VigilError ? e : new VigilError(`corrupt entry ${JSON.stringify(name)} (${e.message})`, { file: this.display, code: "archive", cause: e });
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

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Whether the file starts like a zip: a local header, or an empty archive's end-of-central-directory record. */
export async function isZipFile(path: string): Promise<boolean> {
  const fh = await fsp.open(path, "r");
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
  } finally {
    await fh.close();
  }
}
