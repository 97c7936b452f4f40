/**
 * The tar reader: one sequential pass over a tar or tar.gz (gzip sniffed by its magic).
 *
 * - `walkTar(source, onEntry, opts)`: `onEntry(entry, body)` per safe entry; return `false` to
 *   stop early; `opts.skipBody(entry)` true skips an entry's data without a stream (fast
 *   indexing). Resolves with the raw input's sha256/size when it read all of it.
 * - `extractTar(source, want, dir, opts)`: one pass extracting the entries `want` selects.
 *
 * `source` is a file path or a function giving a fresh Readable of the tar bytes (the Android
 * backup opener feeds its decrypted, inflated stream this way). The byte path and its errors
 * are in tar-input.ts, what each member header means in tar-member.ts.
 */
import { promises as fsp } from "node:fs";
import { PassThrough, Readable } from "node:stream";
import type { Extract } from "tar-stream";
import { VigilError } from "../../core/errors.ts";
import type { InputFile } from "../../core/model.ts";
import type { ArchiveEntry } from "./entry.ts";
import { extractedFile, limitError, limitsOf, refusal, unsafeError, writeNew, type ArchiveOptions, type Refusal } from "./safety.ts";
import { openTarInput, tarError, type TarSource } from "./tar-input.ts";
import { readMember } from "./tar-member.ts";
import { SparseRestore, type SparseLayout } from "./tar-sparse.ts";

export type { TarSource };

/** One member as tar-stream hands it out: its header, and its body as a stream. */
type TarMember = Extract extends AsyncIterable<infer M> ? M : never;

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

/**
 * A member's body for the caller. tar-stream's entry streams are streamx streams and destroying
 * one kills the whole extraction, so the caller gets a Node stream fed from it, and whatever it
 * leaves unread is discarded by drain().
 */
function memberBody(entry: TarMember) {
  // tar-stream gives a directory no data, whatever size its header says (the next block is read
  // as a header), and its stream ends only when that size is 0: a damaged header's size would
  // leave the stream open for ever. Its body is empty, and nothing waits for the stream.
  if (entry.header.type === "directory") {
    return {
      open: () => new PassThrough().end(),
      drain: () => Promise.resolve(),
      skip: () => Promise.resolve(),
    };
  }
  let out: PassThrough | undefined;
  let pump: Promise<void> = Promise.resolve();
  return {
    open(): PassThrough {
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
    },
    async drain(): Promise<void> {
      if (!out) {
        for await (const _ of entry) void _;
        return;
      }
      const o = out;
      if (!o.readableEnded && !o.destroyed) o.resume();
      await pump;
    },
    /** Skips a body nothing has read, without a stream: its "end" is still to come. */
    skip(): Promise<void> {
      return new Promise<void>((res, rej) => {
        entry.once("end", res);
        entry.once("error", rej);
        entry.resume();
      });
    },
  };
}

/** A sparse member's file, restored from its stored data; a mismatch fails naming the entry. */
function sparseBody(stored: Readable, layout: SparseLayout, display: string, path: string, onZeros: (n: number) => void): Readable {
  const out = new SparseRestore(layout, onZeros);
  const fail = (e: Error) => out.destroy(new VigilError(`sparse entry ${JSON.stringify(path)} cannot be restored (${e.message})`, { file: display, code: "archive", cause: e }));
  stored.on("error", fail);
  out.on("error", () => {}); // the reader sees errors through its own listeners
  return stored.pipe(out);
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
  const input = await openTarInput(source, display, lim, opts.compressedBytes);
  let count = 0;
  let stopped = false;
  // Sparse holes are restored from nothing: held to the ratio limit against the archive's bytes
  // read so far, as a compressed stream is (a few KB of headers could otherwise write the
  // per-entry limit in zeros for every member).
  let holes = 0;
  const onZeros = (path: string) => (n: number) => {
    holes += n;
    const read = opts.compressedBytes?.() ?? input.bytesRead();
    if (holes > lim.ratioFloor && holes / Math.max(1, read) > lim.maxRatio) {
      throw limitError(display, path, `sparse holes of ${holes} bytes for ${read} bytes of archive exceed the ratio limit ${lim.maxRatio}:1 (sparse bomb?)`);
    }
  };
  const refuse = (r: Refusal, always = false) => {
    if (!always && policy === "error") throw unsafeError(display, r);
    refused.push(r);
    opts.onRefused?.(r);
  };
  try {
    for await (const entry of input.extract) {
      const body = memberBody(entry);
      if (++count > lim.maxEntries) throw limitError(display, undefined, `more than ${lim.maxEntries} entries`);
      const m = readMember(entry.header);
      if (!("entry" in m)) {
        if ("refused" in m) refuse(m.refused, m.always);
        await body.drain();
        continue;
      }
      const e = m.unrestorable ? { ...m.entry, unrestorable: m.unrestorable } : m.entry;
      // Listed, so that reading it fails instead of finding it absent; and refused, so that the
      // check says so even when no module reads it.
      if (m.unrestorable) refuse(refusal(e.path, "unrestorable", { detail: m.unrestorable }), true);
      // tar-stream hands out exactly header.size bytes (for a sparse member, the real size is checked).
      if (e.type === "file" && !e.hardlinkTo && e.size > lim.maxEntrySize) {
        throw limitError(display, e.path, `size ${e.size} exceeds the per-entry limit ${lim.maxEntrySize}`);
      }
      let r: boolean | void;
      if (m.unrestorable || opts.skipBody?.(e)) {
        r = await onEntry(e, Readable.from([]));
        await body.skip();
      } else {
        const stored = body.open();
        const sparse = m.sparse;
        r = await onEntry(e, sparse ? sparseBody(stored, sparse, display, e.path, onZeros(e.path)) : stored);
        await body.drain();
      }
      if (r === false) {
        stopped = true;
        break;
      }
    }
  } catch (e) {
    // Stopping early or failing tears the chain down.
    input.destroy();
    throw tarError(e, display);
  } finally {
    if (stopped) input.destroy();
  }
  const read: InputFile | undefined = typeof source === "string" && !stopped ? { path: source, ...input.digest() } : undefined;
  return { input: read, completed: !stopped, refused };
}

/**
 * Extracts the entries `want` selects into dir (each under a name of its own, see
 * extractedFile). Returns the extracted files by archive path. Hard links are resolved to their target when it was
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
      wanted = e.type === "file" && !e.unrestorable && want(e);
    }
    return wanted;
  };
  const walk = await walkTar(
    source,
    async (e, body) => {
      opts.onEntry?.(e);
      if (isWanted(e)) {
        const dest = extractedFile(dir);
        if (e.hardlinkTo) {
          const src = files.get(e.hardlinkTo);
          // A later member of the same name is not the one the views list.
          if (src && !files.has(e.path)) {
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

