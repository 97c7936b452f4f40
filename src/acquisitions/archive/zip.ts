/**
 * The zip reader: random access by entry over yauzl (lazyEntries, autoClose off, names decoded
 * here so a hostile name becomes a refusal instead of a yauzl error).
 *
 * `ZipArchive.open(path, opts)` reads the central directory once, judging every entry
 * (zip-member.ts) and refusing overlapping entries (the "overlapped zip bomb") and escaping
 * symlinks at open. Then `list()`, `get(name)`, `openStream(name)`, `readFile(name)`,
 * `extractTo(name, dir)`, `close()`. Symlinks are listed (type "symlink", linkTarget) but never
 * followed or created.
 */
import { closeSync, openSync, promises as fsp } from "node:fs";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { describeError, VigilError } from "../../core/errors.ts";
import type { ArchiveEntry } from "./entry.ts";
import {
  ByteGuard,
  extractedFile,
  limitError,
  limitsOf,
  linkEscapes,
  refusal,
  unsafeError,
  writeNew,
  type ArchiveLimits,
  type ArchiveOptions,
  type Refusal,
  type UnsafePolicy,
} from "./safety.ts";
import { BlockReader } from "./zip-block-reader.ts";
import { readZipMember, type ZipItem } from "./zip-member.ts";

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
    const m = readZipMember(e);
    if ("skip" in m) return;
    if ("refused" in m) return this.refuse(m.refused, m.always);
    const { item, name } = m;
    if (item.type === "file" && item.size > this.limits.maxEntrySize) {
      throw limitError(this.display, name, `declared size ${item.size} exceeds the per-entry limit ${this.limits.maxEntrySize}`);
    }
    this.totalDeclared += item.size;
    if (this.totalDeclared > this.limits.maxTotalSize) {
      throw limitError(this.display, name, `total uncompressed size exceeds the limit ${this.limits.maxTotalSize} (zip bomb?)`);
    }
    if (this.items.has(item.path)) return this.refuse(refusal(name, "duplicate"), true);
    this.items.set(item.path, item);
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
        this.refuse(refusal(it.path, "symlink_long"));
        this.items.delete(it.path);
        continue;
      }
      let target: string;
      try {
        target = (await readAll(await this.rawStream(it))).toString("utf8");
      } catch (e) {
        // A link whose stored target cannot be read is never followed, and is counted as refused.
        this.refuse(refusal(it.path, "symlink_unreadable", { detail: describeError(e) }), true);
        this.items.delete(it.path);
        continue;
      }
      if (linkEscapes(it.path, target)) {
        this.refuse(refusal(it.path, "symlink_escapes", { target: JSON.stringify(target) }));
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

  /** Extracts one entry below dir (under a name of its own, see extractedFile); returns the file's path. */
  async extractTo(name: string, dir: string): Promise<string> {
    const dest = extractedFile(dir);
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
