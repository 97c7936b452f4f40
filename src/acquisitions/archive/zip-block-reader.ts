// yauzl's random access to a zip file, tuned for central directories of a million entries.
import { closeSync, read as fsRead, fstatSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import yauzl from "yauzl";

/**
 * yauzl reads the central directory with two small reads per entry; through the default fd
 * reader each is a thread-pool round trip, slow on big zips (bench/NOTES.md). This reader
 * serves those small reads from a 1 MiB block read synchronously, and file data as streams.
 */
export class BlockReader extends yauzl.RandomAccessReader {
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
