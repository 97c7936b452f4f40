// The pass's spill files: the records of one kind, written to the private temp folder while the
// capture is read and streamed back to the kind's module. Each line is a JSON array of up to
// SPILL_BATCH records.
import { closeSync, openSync, promises as fsp, writeSync } from "node:fs";
import { guardOutput } from "../../../core/output-file.ts";

export async function* readSpill<T>(path: string, each?: (r: T) => void): AsyncGenerator<T[]> {
  // Lines are cut from one reused buffer and each made a string once: a text stream made a
  // string of every chunk, then joined and split it, as much garbage again as the file.
  // Each line is one small batch (see Spill): records that die young cost the garbage collector
  // little; a big batch lives through several young-generation collections into the old one.
  // Reads of 1 MB: a read through the file handle costs a promise and a thread-pool round trip.
  const fh = await fsp.open(path, "r");
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  try {
    for (;;) {
      if (have === buf.length) {
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, have);
        buf = grown;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) return;
      have += bytesRead;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < have; nl = buf.indexOf(10, start)) {
        const line = start;
        start = nl + 1;
        if (nl === line) continue;
        const batch = JSON.parse(buf.toString("utf8", line, nl)) as T[];
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

/** Records per spill line. */
export const SPILL_BATCH = 128;

/**
 * Records of one kind spilled to the private temp folder, encoded into one reused buffer: each
 * line is the JSON array of up to SPILL_BATCH records, one JSON.stringify call for the lot
 * (a call per record made several times the record's text in short-lived strings). A failed
 * write (a full disk) is an OutputError naming the file, which stops the check as a full disk
 * does for its results. The sources hand over new record objects, never changed once given.
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
    const s = JSON.stringify(this.pending);
    this.pending = [];
    // A UTF-8 encoding takes at most 3 bytes per UTF-16 unit.
    if (this.used + s.length * 3 + 1 > this.buf.length) {
      this.flush();
      if (s.length * 3 + 1 > this.buf.length) {
        guardOutput(this.path, () => writeSync(this.fd, s + "\n"));
        return;
      }
    }
    this.used += this.buf.write(s, this.used);
    this.buf[this.used++] = 10;
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
