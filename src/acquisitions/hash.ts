// Hashing evidence files for provenance (info.json's inputs): what a run read, by SHA-256 and size.
import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import type { InputFile } from "../core/model.ts";
import { describeError } from "../core/errors.ts";

/** Read size for hashing, as for copying evidence (see CHUNK in ios-backup/evidence.ts). */
const HASH_CHUNK = 1 << 20;

/**
 * SHA-256 and size of a file (rejects when it cannot be read), read into two reused buffers: a stream would allocate a buffer per
 * read, and a file hashed while modules run (a database read in place) then left dozens of
 * 1 MB buffers for the garbage collector. The next read is under way while a buffer is hashed
 * (bench/NOTES.md).
 */
export async function hashFile(abs: string): Promise<{ sha256: string; size: number }> {
  const h = createHash("sha256");
  const bufs = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
  let size = 0;
  const fh = await open(abs, "r");
  try {
    let reading = fh.read(bufs[0], 0, HASH_CHUNK, 0);
    try {
      for (let i = 0; ; i ^= 1) {
        const n = (await reading).bytesRead;
        if (n === 0) break;
        size += n;
        reading = fh.read(bufs[i ^ 1], 0, HASH_CHUNK, size);
        h.update(bufs[i].subarray(0, n));
      }
    } finally {
      // A read still under way when an earlier one failed must end before the file is closed.
      await reading.catch(() => undefined);
    }
  } finally {
    await fh.close();
  }
  return { sha256: h.digest("hex"), size };
}

/**
 * The input record of an evidence file hashed after (or while) a module read it, recorded as
 * `display`. It never rejects: a file that vanished or became unreadable during the check is
 * still listed, with no hash and the reason, so info.json never silently leaves out a file the
 * results came from.
 */
export async function hashedInput(abs: string, display: string): Promise<InputFile> {
  try {
    return { path: display, ...(await hashFile(abs)) };
  } catch (e) {
    return unhashed(display, e);
  }
}

/** An input that was read but could not be hashed: no SHA-256 (""), and why. */
function unhashed(display: string, e: unknown): InputFile {
  return { path: display, sha256: "", size: 0, error: `read, but could not be hashed afterwards: ${describeError(e)}` };
}

/**
 * A file read once from start to end into two reused buffers, both for a reader of a big file
 * and for its provenance hash (hashFile would read it a second time). Iterating gives the
 * chunks, each valid until the next is asked for. `hashed()` gives the input record once every
 * byte went through the hash, reading whatever the reader left (it stopped early, or never
 * started); it is for when the reader is done, and the chunks stop there. It never rejects: a
 * file that cannot be read is listed with the reason, as by hashedInput.
 */
export class HashedRead implements AsyncIterable<Buffer> {
  private readonly h = createHash("sha256");
  // Two buffers: the next chunk is read into one while the reader works on the other, so a
  // file read from disk (not from the page cache) costs its reading time once, not added to
  // the reader's (bench/NOTES.md).
  private readonly bufs = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
  private cur = 0;
  /** The read of the chunk at `size` into bufs[cur], started before it was asked for. */
  private ahead: Promise<number> | undefined;
  private fh: FileHandle | undefined;
  private size = 0;
  /** The end of the file was reached, or a read failed. */
  private ended = false;
  private failure: unknown;
  /** The read under way: reads are made one after the other. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly abs: string,
    private readonly display: string,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (let c = await this.next(); c; c = await this.next()) yield c;
  }

  /** The next chunk of the file (hashed), or undefined at its end. */
  private next(): Promise<Buffer | undefined> {
    const r = this.last.then(() => this.read());
    this.last = r.catch(() => undefined);
    return r;
  }

  private readInto(i: number, at: number): Promise<number> {
    const p = this.fh!.read(this.bufs[i]!, 0, HASH_CHUNK, at).then((r) => r.bytesRead);
    // A failure is seen when the read is awaited; until then it must not go unhandled.
    p.catch(() => undefined);
    return p;
  }

  private async read(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    try {
      this.fh ??= await open(this.abs, "r");
      const bytesRead = await (this.ahead ?? this.readInto(this.cur, this.size));
      this.ahead = undefined;
      if (bytesRead > 0) {
        this.size += bytesRead;
        const chunk = this.bufs[this.cur]!.subarray(0, bytesRead);
        this.h.update(chunk);
        this.cur ^= 1;
        // Not after close() (called while this read waited): the next read opens the file again.
        if (this.fh) this.ahead = this.readInto(this.cur, this.size);
        return chunk;
      }
    } catch (e) {
      this.ahead = undefined;
      this.failure = e;
    }
    this.ended = true;
    await this.close();
    if (this.failure !== undefined) throw this.failure;
    return undefined;
  }

  /** Lets go of the open file (a later read opens it again where it stopped). */
  async close(): Promise<void> {
    // A read ahead still under way ends before the file is closed; a later read starts again
    // at the chunk it would have given.
    const ahead = this.ahead;
    this.ahead = undefined;
    await ahead?.catch(() => undefined);
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private result: Promise<InputFile> | undefined;

  hashed(): Promise<InputFile> {
    return (this.result ??= (async () => {
      try {
        while (await this.next());
      } catch {
        // Reported below.
      }
      if (this.failure !== undefined) return unhashed(this.display, this.failure);
      return { path: this.display, sha256: this.h.digest("hex"), size: this.size };
    })());
  }
}
