// pcap and pcapng framing, streamed: the file's chunks go in, packets come out through a
// callback (no object or promise per packet). gzip-compressed captures are inflated on the fly.
// Damage is reported and skipped: a record or block whose length cannot be right is stepped
// over by looking for the next plausible header, and the rest of the file is still read.
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { VigilError } from "../../core/errors.ts";

/** One packet as the capture holds it. `data[start..end)` is the captured part. */
export type PacketFn = (linkType: number, data: Buffer, start: number, end: number, origLen: number, tsMs: number) => void;

export interface CaptureStats {
  format: "pcap" | "pcapng";
  gzip: boolean;
  packets: number;
  /** Packets whose captured length is shorter than their length on the wire (snaplen). */
  cut: number;
  /** Bytes of the (inflated) capture file. */
  bytes: number;
  /** Damage found and stepped over, one line each (the first few; `damaged` counts them all). */
  problems: string[];
  damaged: number;
  linkTypes: number[];
}

const PCAPNG_SHB = 0x0a0d0d0a;
/** Bytes of a chunk laid after the tail of the one before: enough for the packet between them. */
const BRIDGE = 1 << 16;
const MAX_RECORD = 256 * 1024 * 1024;
const MAX_PROBLEMS = 20;
/** Bytes kept while looking for the next readable pcap record after a damaged one: more than a record's largest length. */
const RESYNC_WINDOW = 4 << 20;

/** Whether the first bytes are a capture this reader knows (pcap, pcapng, or gzip of either, checked later). */
export function captureMagic(head: Buffer): "pcap" | "pcapng" | "gzip" | null {
  if (head.length < 4) return null;
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (le === PCAPNG_SHB) return "pcapng";
  for (const m of [0xa1b2c3d4, 0xa1b23c4d]) if (le === m || be === m) return "pcap";
  return null;
}

/** Reads a whole capture from a stream, calling `onPacket` for each packet in file order. */
export async function readCapture(stream: Readable | AsyncIterable<Buffer>, onPacket: PacketFn, file = "capture"): Promise<CaptureStats> {
  const stats: CaptureStats = { format: "pcap", gzip: false, packets: 0, cut: 0, bytes: 0, problems: [], damaged: 0, linkTypes: [] };
  let parser: Parser | undefined;
  // Packets are read from each chunk where it lies. The unread tail of a chunk (a packet that
  // goes on in the next one) is kept in one reused buffer, and the start of the next chunk is
  // laid after it to read that packet; the rest of that chunk is read in place again. A fresh
  // buffer per chunk only fed the garbage collector, and copying every chunk cost a memory copy
  // of the whole capture. Packets handed to onPacket point into the chunk or that buffer and are
  // overwritten later.
  let work = Buffer.allocUnsafe(1 << 21);
  let have = 0;
  const keep = (b: Buffer, from: number, to: number) => {
    if (have + (to - from) > work.length) {
      const grown = Buffer.allocUnsafe(Math.max(work.length * 2, have + (to - from)));
      work.copy(grown, 0, 0, have);
      work = grown;
    }
    b.copy(work, have, from, to);
    have += to - from;
  };
  try {
    for await (const raw of inflated(stream, stats)) {
      stats.bytes += raw.length;
      let from = 0;
      if (!parser || have > 0) {
        const tail = have;
        const bridge = parser ? Math.min(raw.length, BRIDGE) : raw.length;
        keep(raw, 0, bridge);
        if (!parser) {
          if (have < 24) continue;
          parser = makeParser(work.subarray(0, have), stats, onPacket, file);
        }
        let used = parser.feed(work.subarray(0, have), false);
        if (used < tail || bridge === raw.length) {
          // The packet goes on past the bridge: the rest of the chunk joins the buffer, and is
          // read from there (as is a chunk laid there whole).
          if (bridge < raw.length) {
            keep(raw, bridge, raw.length);
            used += parser.feed(work.subarray(used, have), false);
          }
          work.copy(work, 0, used, have);
          have -= used;
          continue;
        }
        from = used - tail;
        have = 0;
      }
      const used = parser.feed(from === 0 ? raw : raw.subarray(from), false);
      keep(raw, from + used, raw.length);
    }
  } catch (e) {
    // zlib's errors (codes Z_*) are the gzip data's damage; anything else goes on up.
    if (!stats.gzip || !(e as NodeJS.ErrnoException).code?.startsWith("Z_")) throw e;
    if (!parser) throw new CaptureError(`gzip data is damaged before the capture's header (${(e as Error).message})`, { file });
    // A gzip file cut short or damaged: what was inflated so far is kept.
    problem(stats, `gzip data ends early or is damaged (${(e as Error).message}); the packets before it were read`);
  }
  if (!parser) {
    if (have > 0) throw new CaptureError(`not a pcap or pcapng capture (only ${have} bytes)`, { file });
    throw new CaptureError("empty file", { file });
  }
  if (have > 0) parser.feed(Buffer.from(work.subarray(0, have)), true);
  return stats;
}

/**
 * The stream's chunks, inflated when the data starts with the gzip magic. A chunk may be a buffer
 * the source reuses: it is used (copied) before the next one is asked for.
 */
async function* inflated(stream: Readable | AsyncIterable<Buffer>, stats: CaptureStats): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    return;
  }
  stats.gzip = true;
  const gunzip = createGunzip();
  // The inflater keeps what it is given for a while: copies, not a reused buffer.
  const source = Readable.from(
    (async function* () {
      yield Buffer.from(head);
      for (let r = await it.next(); !r.done; r = await it.next()) yield Buffer.from(r.value);
    })(),
    { objectMode: false },
  );
  source.on("error", (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  try {
    for await (const c of gunzip) yield c as Buffer;
  } finally {
    source.destroy();
    if (stream instanceof Readable) stream.destroy();
    else await it.return?.();
  }
}

/** Why a capture cannot be read at all (damage inside one is stepped over and counted instead). */
export class CaptureError extends VigilError {}

function problem(stats: CaptureStats, msg: string): void {
  stats.damaged++;
  if (stats.problems.length < MAX_PROBLEMS) stats.problems.push(msg);
}

interface Parser {
  /** Consumes whole records from `buf`; returns how many bytes it used. `last`: no more data follows. */
  feed(buf: Buffer, last: boolean): number;
}

function makeParser(head: Buffer, stats: CaptureStats, onPacket: PacketFn, file: string): Parser {
  const kind = captureMagic(head);
  if (kind === "pcap") return new PcapParser(head, stats, onPacket);
  if (kind === "pcapng") {
    stats.format = "pcapng";
    return new PcapngParser(stats, onPacket);
  }
  throw new CaptureError(`not a pcap or pcapng capture (first bytes ${head.subarray(0, 4).toString("hex")})`, { file });
}

// ---------------------------------------------------------------------------------------------
// pcap: a 24-byte file header, then 16-byte record headers each followed by the packet.

class PcapParser implements Parser {
  private readonly le: boolean;
  private readonly nanos: boolean;
  private readonly snaplen: number;
  private readonly linkType: number;
  private started = false;
  private offset = 0;
  private lastTs = 0;
  /** Where the search after a damaged header goes on, from that header, when the last chunk ran out. */
  private resumeAt = 0;

  constructor(head: Buffer, private readonly stats: CaptureStats, private readonly onPacket: PacketFn) {
    const le = head.readUInt32LE(0);
    // The magic read little-endian equals the constant: the file is little-endian.
    this.le = le === 0xa1b2c3d4 || le === 0xa1b23c4d;
    const magic = this.le ? le : head.readUInt32BE(0);
    this.nanos = magic === 0xa1b23c4d;
    this.snaplen = this.u32(head, 16);
    // The upper bits may carry FCS length flags.
    this.linkType = this.u32(head, 20) & 0x0fffffff;
    stats.linkTypes.push(this.linkType);
  }

  private u32(b: Buffer, at: number): number {
    return this.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  /** A record header that could be real: lengths within bounds, time not wildly off the last one. */
  private plausible(buf: Buffer, at: number): boolean {
    return this.plausibleFields(this.u32(buf, at), this.u32(buf, at + 4), this.u32(buf, at + 8), this.u32(buf, at + 12));
  }

  private plausibleFields(sec: number, frac: number, incl: number, orig: number): boolean {
    if (incl > orig || incl > Math.max(this.snaplen, 262144) || orig > 262144 * 4) return false;
    if (frac >= (this.nanos ? 1e9 : 1e6)) return false;
    return this.lastTs === 0 || Math.abs(sec * 1000 - this.lastTs) < 30 * 86400_000;
  }

  feed(buf: Buffer, last: boolean): number {
    let p = 0;
    if (!this.started) {
      p = 24;
      this.offset = 24;
      this.started = true;
    }
    const n = buf.length;
    const le = this.le;
    const div = this.nanos ? 1e6 : 1e3;
    while (p + 16 <= n) {
      const sec = le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
      const frac = le ? buf.readUInt32LE(p + 4) : buf.readUInt32BE(p + 4);
      const incl = le ? buf.readUInt32LE(p + 8) : buf.readUInt32BE(p + 8);
      const orig = le ? buf.readUInt32LE(p + 12) : buf.readUInt32BE(p + 12);
      if (!this.plausibleFields(sec, frac, incl, orig)) {
        const at = this.offset;
        const next = this.resync(buf, p + Math.max(1, this.resumeAt), last);
        this.resumeAt = 0;
        if (next < 0) {
          // Not enough data to find the next header yet: keep the rest for the next chunk, and
          // go on searching from where this search stopped.
          if (!last && n - p < RESYNC_WINDOW) {
            this.resumeAt = -next - 1 - p;
            return p;
          }
          problem(this.stats, `record header at byte ${at} is damaged (captured length ${incl}, length ${orig}); nothing after it could be read`);
          this.offset += n - p;
          return n;
        }
        problem(this.stats, `record header at byte ${at} is damaged (captured length ${incl}, length ${orig}); ${next - p} bytes skipped to the next readable packet`);
        this.offset += next - p;
        p = next;
        continue;
      }
      if (p + 16 + incl > n) {
        if (last) {
          problem(this.stats, `the last packet (byte ${this.offset}) is cut short: ${n - p - 16} of ${incl} bytes are in the file`);
          this.offset += n - p;
          return n;
        }
        return p;
      }
      const ts = sec * 1000 + frac / div;
      this.lastTs = ts;
      this.stats.packets++;
      if (incl < orig) this.stats.cut++;
      this.onPacket(this.linkType, buf, p + 16, p + 16 + incl, orig, ts);
      p += 16 + incl;
      this.offset += 16 + incl;
    }
    if (last && p < n) {
      problem(this.stats, `the file ends inside a record header (byte ${this.offset})`);
      this.offset += n - p;
      return n;
    }
    return p;
  }

  /**
   * The next offset from `from` where two plausible records follow each other; else -(q + 1),
   * q being where the search stopped: the end of `buf`, or a plausible record whose follower is
   * not in `buf` yet (decided when more data comes, so chunk sizes do not change the outcome).
   */
  private resync(buf: Buffer, from: number, last: boolean): number {
    let q = from;
    for (; q + 16 <= buf.length; q++) {
      if (!this.plausible(buf, q)) continue;
      const next = q + 16 + this.u32(buf, q + 8);
      if (next === buf.length && last) return q;
      if (next + 16 <= buf.length) {
        if (this.plausible(buf, next)) return q;
      } else if (!last) break;
    }
    return -(q + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// pcapng: blocks of (type, total length, body, total length again). Sections may change byte
// order; interfaces carry the link type and timestamp resolution.

interface Iface {
  linkType: number;
  /** Multiplier from timestamp units to milliseconds. */
  toMs: number;
}

const KNOWN_BLOCKS = new Set([0x0a0d0d0a, 1, 2, 3, 4, 5, 6, 7, 9, 10, 0x0bad, 0x40000bad, 0x80000001]);

class PcapngParser implements Parser {
  private le = true;
  private ifaces: Iface[] = [];
  private offset = 0;
  /** Where the search after a damaged block goes on, from that block, when the last chunk ran out. */
  private resumeAt = 0;

  constructor(private readonly stats: CaptureStats, private readonly onPacket: PacketFn) {}

  private u32(b: Buffer, at: number): number {
    return this.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }
  private u16(b: Buffer, at: number): number {
    return this.le ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  /** A block starts at `at` whose length fits and is repeated at its end. */
  private blockAt(buf: Buffer, at: number): number {
    if (at + 12 > buf.length) return -1;
    const type = this.u32(buf, at);
    if (type === PCAPNG_SHB) return 1; // byte order may change; accepted as a start
    if (!KNOWN_BLOCKS.has(type)) return 0;
    const len = this.u32(buf, at + 4);
    if (len < 12 || len % 4 !== 0 || len > MAX_RECORD) return 0;
    if (at + len > buf.length) return -1;
    return this.u32(buf, at + len - 4) === len ? 1 : 0;
  }

  feed(buf: Buffer, last: boolean): number {
    let p = 0;
    const n = buf.length;
    while (p + 12 <= n) {
      const type = this.le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
      if (type === PCAPNG_SHB) {
        const bom = buf.readUInt32LE(p + 8);
        if (bom === 0x1a2b3c4d) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          p = this.skipDamaged(buf, p, last, "section header has an unknown byte-order mark");
          if (p < 0) return -p - 1;
          continue;
        }
        this.ifaces = [];
      }
      const len = this.le ? buf.readUInt32LE(p + 4) : buf.readUInt32BE(p + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD) {
        p = this.skipDamaged(buf, p, last, `block of type ${type} has an impossible length ${len}`);
        if (p < 0) return -p - 1;
        continue;
      }
      if (p + len > n) {
        if (last) {
          problem(this.stats, `the last block (byte ${this.offset}) is cut short: ${n - p} of ${len} bytes are in the file`);
          this.offset += n - p;
          return n;
        }
        return p;
      }
      if (this.u32(buf, p + len - 4) !== len) {
        p = this.skipDamaged(buf, p, last, `block of type ${type} ends with a different length than it starts with`);
        if (p < 0) return -p - 1;
        continue;
      }
      this.block(type, buf, p, len);
      p += len;
      this.offset += len;
    }
    if (last && p < n) {
      problem(this.stats, `the file ends inside a block header (byte ${this.offset})`);
      this.offset += n - p;
      return n;
    }
    return p;
  }

  /**
   * Steps over a damaged block to the next offset (4-byte aligned) where a whole block can be
   * read. Returns the new position, or -(used + 1) to ask for more data first.
   */
  private skipDamaged(buf: Buffer, p: number, last: boolean, why: string): number {
    let q = p + Math.max(4, this.resumeAt);
    this.resumeAt = 0;
    for (; q + 12 <= buf.length; q += 4) {
      const ok = this.blockAt(buf, q);
      if (ok === 1) {
        problem(this.stats, `${why} (byte ${this.offset}); ${q - p} bytes skipped to the next readable block`);
        this.offset += q - p;
        return q;
      }
      if (ok === -1 && !last) break;
    }
    if (!last && buf.length - p < MAX_RECORD) {
      // Searched up to q: the next chunk's search goes on from there.
      this.resumeAt = q - p;
      return -(p + 1);
    }
    problem(this.stats, `${why} (byte ${this.offset}); nothing after it could be read`);
    this.offset += buf.length - p;
    return -(buf.length + 1);
  }

  private block(type: number, buf: Buffer, p: number, len: number): void {
    // A packet block shorter than its fixed fields: they would be read from the bytes after it
    // (past the end of the buffer, for the last block of a chunk).
    if (len < (type === 3 ? 16 : type === 6 || type === 2 ? 32 : 0)) {
      problem(this.stats, `packet block at byte ${this.offset} is ${len} bytes long, too short for its fields`);
      return;
    }
    switch (type) {
      case 1: {
        // Interface description: link type, snaplen, options (if_tsresol = 9).
        const linkType = this.u16(buf, p + 8);
        let toMs = 1e-3;
        for (let o = p + 16; o + 4 <= p + len - 4; ) {
          const code = this.u16(buf, o);
          const olen = this.u16(buf, o + 2);
          if (code === 0) break;
          if (code === 9 && olen >= 1) {
            const r = buf[o + 4]!;
            toMs = r & 0x80 ? 1000 / 2 ** (r & 0x7f) : 1000 / 10 ** r;
          }
          o += 4 + ((olen + 3) & ~3);
        }
        this.ifaces.push({ linkType, toMs });
        if (!this.stats.linkTypes.includes(linkType)) this.stats.linkTypes.push(linkType);
        return;
      }
      case 6:
      case 2: {
        // Enhanced packet (6) or obsolete packet (2) block.
        const ifId = type === 6 ? this.u32(buf, p + 8) : this.u16(buf, p + 8);
        const iface = this.ifaces[ifId];
        const hi = this.u32(buf, p + 12);
        const lo = this.u32(buf, p + 16);
        const incl = this.u32(buf, p + 20);
        const orig = this.u32(buf, p + 24);
        if (!iface) {
          problem(this.stats, `packet at byte ${this.offset} names interface ${ifId}, which is not described`);
          return;
        }
        if (28 + incl > len - 4) {
          problem(this.stats, `packet at byte ${this.offset} claims ${incl} bytes, more than its block holds`);
          return;
        }
        const ts = (hi * 4294967296 + lo) * iface.toMs;
        this.stats.packets++;
        if (incl < orig) this.stats.cut++;
        this.onPacket(iface.linkType, buf, p + 28, p + 28 + incl, orig, ts);
        return;
      }
      case 3: {
        // Simple packet block: no timestamp, interface 0.
        const iface = this.ifaces[0];
        if (!iface) return;
        const orig = this.u32(buf, p + 8);
        const incl = Math.min(orig, len - 16);
        this.stats.packets++;
        if (incl < orig) this.stats.cut++;
        this.onPacket(iface.linkType, buf, p + 12, p + 12 + incl, orig, NaN);
        return;
      }
      default:
      // Name resolution, statistics, decryption secrets and custom blocks carry no packets.
    }
  }
}
