// The byte path of one tar pass: the raw file (or a stream a caller produces, such as an Android
// backup decrypted and inflated on the fly) is counted and hashed as it is read, gunzipped when
// it starts with gzip's magic, held to the bomb limits (total size, compression ratio) and fed to
// tar-stream's extractor. A failure anywhere in that chain becomes one line naming the archive.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PassThrough, Transform, type Readable, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { VigilError } from "../../core/errors.ts";
import { limitError, type ArchiveLimits } from "./safety.ts";
import { keepPaxSparseMap } from "./tar-sparse.ts";

/** A tar file's path, or a function giving a fresh Readable of the tar bytes for each pass. */
export type TarSource = string | (() => Readable | Promise<Readable>);

export interface TarInput {
  /** tar-stream's extractor: the members, each a header and a body stream. */
  extract: tar.Extract;
  /** Size and SHA-256 of the raw bytes read so far (all of them once the pass has ended). */
  digest(): { sha256: string; size: number };
  /** Raw bytes read so far. */
  bytesRead(): number;
  /** Tears the whole chain down; later errors from it have nobody to tell. */
  destroy(): void;
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
 * Opens the chain for one pass. `compressedBytes`: for a source function that inflates data
 * itself, how many compressed bytes it has read so far, so the ratio limit applies to it too.
 */
export async function openTarInput(source: TarSource, display: string, lim: ArchiveLimits, compressedBytes?: () => number): Promise<TarInput> {
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
      const compressed = gz ? tap.n : compressedBytes?.();
      if (compressed !== undefined && decompressed >= lim.ratioFloor && decompressed / Math.max(1, compressed) > lim.maxRatio) {
        return cb(limitError(display, undefined, `compression ratio exceeds ${lim.maxRatio}:1 (${gz ? "gzip" : "compression"} bomb?)`));
      }
      cb(null, chunk);
    },
  });
  body.on("error", (e) => guard.destroy(e));
  const extract = keepPaxSparseMap(tar.extract());
  body.pipe(guard).pipe(extract);
  guard.on("error", (e) => extract.destroy(e));
  return {
    extract,
    digest: () => ({ sha256: tap.hash.digest("hex"), size: tap.n }),
    bytesRead: () => tap.n,
    destroy() {
      for (const st of [raw, tap, stream, body, guard, extract]) {
        st.on("error", () => {});
        st.destroy();
      }
    },
  };
}

/** An error from a tar pass as one line naming the archive; limit and safety errors pass as they are. */
export function tarError(e: unknown, display: string): VigilError {
  if (e instanceof VigilError) return e;
  const msg = (e as Error)?.message ?? String(e);
  const truncated = /unexpected end|premature|incorrect header check|unexpected eof|invalid tar header|unexpected end of file/i.test(msg);
  return new VigilError(truncated ? `truncated or corrupt tar archive (${msg})` : `cannot read tar archive (${msg})`, { file: display, code: "archive", cause: e });
}
