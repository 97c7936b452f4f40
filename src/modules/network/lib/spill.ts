// The pass's spill files: the records of one kind, written to the private temp folder while the
// capture is read and streamed back to the kind's module. Each batch of up to SPILL_BATCH
// records is kept as the JSON a results file holds (core/record-lines.ts: one record a line),
// in brackets, after its length: read back, the batch is parsed for the checks and its lines go
// to the results file as they are, instead of being encoded a second time.
import { closeSync, openSync, promises as fsp, writeSync } from "node:fs";
import { firstKey, RECORD_SEPARATOR, recordLines } from "../../../core/record-lines.ts";
import { guardOutput } from "../../../core/output-file.ts";
import type { EncodedBatch } from "../../contract.ts";

/** Bytes of a batch's length, before its text. */
const HEAD = 4;

export async function* readSpill<T>(path: string, each?: (r: T) => void): AsyncGenerator<EncodedBatch<T>> {
  // Batches are cut from one reused buffer and each made a string once: a text stream made a
  // string of every chunk, then joined and split it, as much garbage again as the file.
  // Each batch is small (see Spill): records that die young cost the garbage collector
  // little; a big batch lives through several young-generation collections into the old one.
  // Reads of 1 MB: a read through the file handle costs a promise and a thread-pool round trip.
  const fh = await fsp.open(path, "r");
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) {
        if (have) throw new Error(`${path}: spill file cut short`);
        return;
      }
      have += bytesRead;
      let start = 0;
      while (have - start >= HEAD) {
        const len = buf.readUInt32LE(start);
        if (have - start - HEAD < len) {
          // The batch is not all here: make room for it when the buffer is too small.
          if (HEAD + len > buf.length) {
            const grown = Buffer.allocUnsafe(HEAD + len);
            buf.copy(grown, 0, start, have);
            buf = grown;
            have -= start;
            start = 0;
          }
          break;
        }
        const batch = JSON.parse(buf.toString("utf8", start + HEAD, start + HEAD + len)) as EncodedBatch<T>;
        // Without the brackets: the records' lines, as the results file takes them (a copy: the
        // buffer is read into again).
        (batch as { json: Buffer }).json = Buffer.from(buf.subarray(start + HEAD + 1, start + HEAD + len - 1));
        start += HEAD + len;
        if (each) for (const r of batch) each(r);
        yield batch;
      }
      buf.copy(buf, 0, start, have);
      have -= start;
    }
  } finally {
    await fh.close();
  }
}

/** Records per spill batch. */
export const SPILL_BATCH = 128;

/**
 * Records of one kind spilled to the private temp folder, encoded into one reused buffer, a
 * batch of up to SPILL_BATCH records at a time (a call per record made several times the
 * record's text in short-lived strings). A failed write (a full disk) is an OutputError naming
 * the file, which stops the check as a full disk does for its results. The sources hand over new
 * record objects, never changed once given.
 */
export class Spill {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 19);
  private used = 0;
  private pending: unknown[] = [];
  constructor(readonly path: string) {
    this.fd = guardOutput(path, () => openSync(path, "w", 0o600));
  }
  write(r: unknown): void {
    this.pending.push(r);
    if (this.pending.length >= SPILL_BATCH) this.encode();
  }
  private encode(): void {
    if (!this.pending.length) return;
    // The sources make records of plain JSON values (strings, numbers, arrays of strings), so
    // neither the replacer nor the writer's checks of every record are needed here.
    const recs = this.pending;
    const key = firstKey(recs[0]);
    const lines = (key !== undefined && recs.length > 1 ? recordLines(recs, JSON.stringify(recs), key) : undefined) ?? recs.map((r) => JSON.stringify(r)).join(RECORD_SEPARATOR);
    const s = `[${lines}]`;
    this.pending = [];
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if (this.used + HEAD + s.length * 3 > this.buf.length) {
      this.flush();
      if (HEAD + s.length * 3 > this.buf.length) {
        const bytes = Buffer.from(s);
        const head = Buffer.alloc(HEAD);
        head.writeUInt32LE(bytes.length);
        guardOutput(this.path, () => writeSync(this.fd, Buffer.concat([head, bytes])));
        return;
      }
    }
    const n = this.buf.write(s, this.used + HEAD);
    this.buf.writeUInt32LE(n, this.used);
    this.used += HEAD + n;
  }
  private flush(): void {
    if (this.used) guardOutput(this.path, () => writeSync(this.fd, this.buf, 0, this.used));
    this.used = 0;
  }
  close(): void {
    this.encode();
    this.flush();
    guardOutput(this.path, () => closeSync(this.fd));
  }
}
