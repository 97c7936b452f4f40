// Reading evidence files of a backup while hashing them, so provenance (inputsRead) records the
// SHA-256 of exactly the bytes on disk (the ciphertext, for an encrypted backup).
import { createHash, createDecipheriv, type Decipher } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import { chmod, copyFile } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { InputFile } from "../../core/model.ts";
import { VigilError, describeError } from "../../core/errors.ts";
import { ZERO_IV } from "../../formats/keybag.ts";
import { hashedInput, hashFile } from "../hash.ts";

export class InputLog {
  private readonly seen = new Map<string, InputFile>();
  private readonly pending = new Set<Promise<void>>();
  /** Paths being hashed in the background. */
  private readonly hashing = new Set<string>();
  /**
   * `prefix`: where the backup folder sits relative to the path the user gave, so recorded
   * paths read against the acquisition path of the run ("<udid>/Manifest.db" when the user
   * gave MobileSync/Backup).
   */
  constructor(private readonly prefix = "") {}
  record(path: string, sha256: string, size: number): void {
    if (!this.seen.has(path)) this.seen.set(path, { path: this.shown(path), sha256, size });
  }
  private shown(path: string): string {
    return this.prefix ? `${this.prefix}/${path}` : path;
  }
  has(path: string): boolean {
    return this.seen.has(path);
  }
  /** Hashes a file in the background (a stream not read to its end, a database read in place), once. */
  hashLater(path: string, abs: string): void {
    if (this.seen.has(path) || this.hashing.has(path)) return;
    this.hashing.add(path);
    const p = hashedInput(abs, this.shown(path))
      .then((i) => {
        if (!this.seen.has(path)) this.seen.set(path, i);
      })
      .finally(() => {
        this.pending.delete(p);
        this.hashing.delete(path);
      });
    this.pending.add(p);
  }
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
  list(): InputFile[] {
    return [...this.seen.values()];
  }
}

/**
 * Read size for copying (decrypting) evidence files; hash.ts reads as much at a time. Node's
 * default (64 KB) made copying a big Manifest.db take twice as long (bench/NOTES.md), and that
 * copy is on the way to the first module.
 */
const CHUNK = 1 << 20;

/**
 * Reads a small evidence file whole and logs its hash. Only a regular file is read: a FIFO in a
 * backup folder would block the read for ever, and a folder fails with no name.
 */
export function readLogged(log: InputLog, display: string, abs: string): Buffer {
  let data: Buffer;
  try {
    if (!statSync(abs).isFile()) throw new VigilError("not a regular file", { file: abs, code: "unreadable" });
    data = readFileSync(abs);
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`cannot be read (${describeError(e)})`, { file: abs, code: "unreadable", cause: e });
  }
  log.record(display, createHash("sha256").update(data).digest("hex"), data.length);
  return data;
}

/** A pass-through that hashes what flows through it and logs the hash at the end. */
export function hashTap(log: InputLog, display: string): Transform {
  const h = createHash("sha256");
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      log.record(display, h.digest("hex"), size);
      cb();
    },
  });
}

/** AES-256-CBC (zero IV) decipher; PKCS#7 is checked by final(). */
export function payloadDecipher(key: Buffer, autoPadding = true): Decipher {
  const d = createDecipheriv("aes-256-cbc", key, ZERO_IV);
  d.setAutoPadding(autoPadding);
  return d;
}

/**
 * Copies src to dst (private to this user), decrypting it with `decipher`, and logs the hash of
 * the evidence bytes. A plain file is copied by the kernel on libuv's thread pool and the copy is
 * then hashed: the copy goes on while this thread is busy (loading indicators while the backup
 * opens), where a stream copy would wait for it. The hash is the evidence's: the copy holds the
 * same bytes.
 */
export async function copyLogged(log: InputLog, display: string, src: string, dst: string, decipher?: Decipher): Promise<void> {
  if (decipher) {
    await pipeline(createReadStream(src, { highWaterMark: CHUNK }), hashTap(log, display), decipher, createWriteStream(dst, { mode: 0o600 }));
    return;
  }
  await copyFile(src, dst);
  await chmod(dst, 0o600);
  const { sha256, size } = await hashFile(dst);
  log.record(display, sha256, size);
}

export function sizeOf(abs: string): number | undefined {
  try {
    return statSync(abs).size;
  } catch {
    return undefined;
  }
}
