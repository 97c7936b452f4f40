// TCP reassembly of one direction of a connection, for the traffic reader (traffic.ts): bytes
// in sequence order up to a cap, a few early segments kept until the gap before them fills,
// retransmissions dropped, and bytes to skip (an HTTP body) never buffered.

const EMPTY = Buffer.alloc(0);

/** One direction of a TCP connection, reassembled in order up to `cap` bytes. */
export class Stream {
  next = 0;
  started = false;
  done = false;
  full = false;
  /** Bytes still to drop as they arrive (an HTTP body). */
  skip = 0;
  buf: Buffer = EMPTY;
  len = 0;
  private pending: { seq: number; data: Buffer }[] | null = null;

  constructor(private readonly cap: number) {}

  start(seq: number): void {
    if (!this.started) {
      this.next = seq >>> 0;
      this.started = true;
    }
  }

  /** Adds a segment; true when new bytes joined the in-order data. */
  push(seq: number, d: Buffer, a: number, b: number, stats: { gaps: number }): boolean {
    this.start(seq);
    const rel = ((seq >>> 0) - this.next) | 0;
    if (rel > 0) {
      // A gap: keep the segment until the bytes before it arrive (a few, within the cap).
      if (rel < this.cap && (this.pending?.length ?? 0) < 16) (this.pending ??= []).push({ seq: seq >>> 0, data: Buffer.from(d.subarray(a, b)) });
      else stats.gaps++;
      return false;
    }
    if (-rel >= b - a) return false; // a retransmission of bytes already in
    this.append(d, a - rel, b);
    while (this.pending?.length) {
      const i = this.pending.findIndex((o) => ((o.seq - this.next) | 0) <= 0);
      if (i < 0) break;
      const o = this.pending.splice(i, 1)[0]!;
      const skip = (this.next - o.seq) | 0;
      if (skip < o.data.length) this.append(o.data, skip, o.data.length);
    }
    return true;
  }

  private append(d: Buffer, a: number, b: number): void {
    this.next = (this.next + (b - a)) >>> 0;
    if (this.skip > 0) {
      const k = Math.min(this.skip, b - a);
      this.skip -= k;
      a += k;
      if (a >= b) return;
    }
    const cap = this.cap;
    const n = Math.min(b - a, cap - this.len);
    if (n < b - a) this.full = true;
    if (n <= 0) return;
    if (this.len + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(cap, Math.max(2048, this.buf.length * 2, this.len + n)));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    d.copy(this.buf, this.len, a, a + n);
    this.len += n;
  }

  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  consume(n: number): void {
    if (n >= this.len) this.len = 0;
    else {
      this.buf.copy(this.buf, 0, n, this.len);
      this.len -= n;
    }
  }

  finish(): void {
    this.done = true;
    this.buf = EMPTY;
    this.len = 0;
    this.pending = null;
  }
}
