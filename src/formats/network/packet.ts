// From a captured frame to an IP packet's transport segment: link layers (Ethernet with VLAN
// tags and PPPoE, raw IP, Linux cooked SLL/SLL2, BSD loopback/null, 802.11 data frames, with
// radiotap or PPI headers), IPv4 and IPv6 (extension headers, fragments reassembled), TCP and
// UDP. Checksums are not verified: captures taken on the sending host carry offloaded, "wrong"
// checksums on every packet, and the bytes are what was sent either way.

/** One transport segment, filled in place for each packet (not kept by the caller). */
export interface Segment {
  ts: number;
  /** 4 or 6. */
  ipv: number;
  /**
   * IPv4 addresses as signed 32-bit numbers (small integers to the engine: no heap number per
   * packet; ipText reads them signed or not); IPv6 as 32 hex digits.
   */
  src: number | string;
  dst: number | string;
  proto: number;
  sport: number;
  dport: number;
  /** TCP flags (FIN 1, SYN 2, RST 4, PSH 8, ACK 16); 0 for other protocols. */
  flags: number;
  seq: number;
  /** Captured payload: data[start..end). */
  data: Buffer;
  start: number;
  end: number;
  /** Payload length on the wire (from the IP header): larger than end - start when cut by snaplen. */
  wireLen: number;
  /** Bytes of the IP packet on the wire. */
  ipLen: number;
}

export interface LinkStats {
  /** Frames with no IP packet in them (ARP, 802.11 management, LLDP...). */
  notIp: number;
  /** 802.11 data frames whose payload is encrypted (WPA): nothing inside can be read. */
  encrypted80211: number;
  /** Link types this decoder does not read, with their frame counts. */
  unknownLinks: Map<number, number>;
  /** Fragments reassembled into whole datagrams, and fragments left incomplete. */
  reassembled: number;
  fragmentsDropped: number;
  /** Packets too short for the headers they announce. */
  malformed: number;
}

const FRAG_TIMEOUT_MS = 30_000;
/** At most this many datagrams wait for fragments at once; the oldest is dropped past it. */
const MAX_PENDING_DATAGRAMS = 1024;
const MAX_DATAGRAM = 65_535 + 40;

interface PendingDatagram {
  first: number;
  parts: { off: number; data: Buffer }[];
  total: number; // -1 until the last fragment is seen
  have: number;
  /** The header fields to re-emit the datagram with. */
  proto: number;
}

export class PacketDecoder {
  readonly stats: LinkStats = { notIp: 0, encrypted80211: 0, unknownLinks: new Map(), reassembled: 0, fragmentsDropped: 0, malformed: 0 };
  private readonly seg: Segment = { ts: 0, ipv: 4, src: 0, dst: 0, proto: 0, sport: 0, dport: 0, flags: 0, seq: 0, data: Buffer.alloc(0), start: 0, end: 0, wireLen: 0, ipLen: 0 };
  private readonly pending = new Map<string, PendingDatagram>();

  /**
   * `onSegment` gets every TCP/UDP segment and, with proto set and no ports, every other IP
   * packet (ICMP, ESP, GRE...).
   */
  constructor(private readonly onSegment: (s: Segment) => void) {}

  frame(linkType: number, d: Buffer, start: number, end: number, ts: number): void {
    let p = start;
    let etype = -1;
    switch (linkType) {
      case 1: // Ethernet
        if (end - p < 14) return this.bad();
        etype = (d[p + 12]! << 8) | d[p + 13]!;
        p += 14;
        while ((etype === 0x8100 || etype === 0x88a8 || etype === 0x9100) && end - p >= 4) {
          etype = (d[p + 2]! << 8) | d[p + 3]!;
          p += 4;
        }
        if (etype === 0x8864 && end - p >= 8) {
          // PPPoE session: 6-byte header, then the PPP protocol.
          const ppp = (d[p + 6]! << 8) | d[p + 7]!;
          etype = ppp === 0x21 ? 0x0800 : ppp === 0x57 ? 0x86dd : -1;
          p += 8;
        }
        break;
      case 0: // BSD loopback, address family in the capturing host's byte order
      case 108: {
        if (end - p < 4) return this.bad();
        const fam = linkType === 108 ? d.readUInt32BE(p) : d[p] === 0 ? d.readUInt32BE(p) : d.readUInt32LE(p);
        etype = fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 || fam === 10 ? 0x86dd : -1;
        p += 4;
        break;
      }
      case 101: // raw IP
      case 12:
      case 14:
        etype = this.byVersion(d, p, end);
        break;
      case 228:
        etype = 0x0800;
        break;
      case 229:
        etype = 0x86dd;
        break;
      case 113: // Linux cooked capture v1
        if (end - p < 16) return this.bad();
        etype = (d[p + 14]! << 8) | d[p + 15]!;
        p += 16;
        break;
      case 276: // Linux cooked capture v2
        if (end - p < 20) return this.bad();
        etype = (d[p]! << 8) | d[p + 1]!;
        p += 20;
        break;
      case 127: {
        // Radiotap, then 802.11.
        if (end - p < 4) return this.bad();
        const len = d.readUInt16LE(p + 2);
        return this.wifi(d, p + len, end, ts);
      }
      case 192: {
        // PPI, then (for DLT 105) 802.11.
        if (end - p < 8) return this.bad();
        const len = d.readUInt16LE(p + 2);
        const dlt = d.readUInt32LE(p + 4);
        if (dlt === 105) return this.wifi(d, p + len, end, ts);
        if (dlt === 1) return this.frame(1, d, p + len, end, ts);
        return this.unknownLink(192);
      }
      case 105:
        return this.wifi(d, p, end, ts);
      default:
        return this.unknownLink(linkType);
    }
    if (etype === 0x0800) this.ipv4(d, p, end, ts);
    else if (etype === 0x86dd) this.ipv6(d, p, end, ts);
    else this.stats.notIp++;
  }

  private byVersion(d: Buffer, p: number, end: number): number {
    if (p >= end) return -1;
    const v = d[p]! >> 4;
    return v === 4 ? 0x0800 : v === 6 ? 0x86dd : -1;
  }

  private unknownLink(t: number): void {
    this.stats.unknownLinks.set(t, (this.stats.unknownLinks.get(t) ?? 0) + 1);
  }

  private bad(): void {
    this.stats.malformed++;
  }

  /** An 802.11 frame: data frames carry LLC/SNAP and then an IP packet, unless encrypted. */
  private wifi(d: Buffer, p: number, end: number, ts: number): void {
    if (end - p < 24) return this.bad();
    const fc0 = d[p]!;
    const fc1 = d[p + 1]!;
    const type = (fc0 >> 2) & 3;
    const subtype = fc0 >> 4;
    if (type !== 2 || (subtype & 4) !== 0) {
      this.stats.notIp++; // management, control, or a data frame with no payload
      return;
    }
    if (fc1 & 0x40) {
      this.stats.encrypted80211++;
      return;
    }
    let h = 24;
    if ((fc1 & 3) === 3) h += 6;
    if (subtype & 8) {
      h += 2;
      if (fc1 & 0x80) h += 4;
    }
    const q = p + h;
    if (end - q < 8 || d[q] !== 0xaa || d[q + 1] !== 0xaa || d[q + 2] !== 3) {
      this.stats.notIp++;
      return;
    }
    const etype = (d[q + 6]! << 8) | d[q + 7]!;
    if (etype === 0x0800) this.ipv4(d, q + 8, end, ts);
    else if (etype === 0x86dd) this.ipv6(d, q + 8, end, ts);
    else this.stats.notIp++;
  }

  private ipv4(d: Buffer, p: number, end: number, ts: number): void {
    if (end - p < 20 || d[p]! >> 4 !== 4) return this.bad();
    const ihl = (d[p]! & 15) * 4;
    const total = (d[p + 2]! << 8) | d[p + 3]!;
    if (ihl < 20 || total < ihl) return this.bad();
    const proto = d[p + 9]!;
    const src = d.readInt32BE(p + 12);
    const dst = d.readInt32BE(p + 16);
    const fragField = (d[p + 6]! << 8) | d[p + 7]!;
    const more = (fragField & 0x2000) !== 0;
    const fragOff = (fragField & 0x1fff) * 8;
    const payStart = p + ihl;
    // The IP total length bounds the payload (Ethernet padding and an 802.11 FCS follow it).
    const capEnd = Math.min(end, p + total);
    if (more || fragOff > 0) {
      const key = `4|${src}|${dst}|${(d[p + 4]! << 8) | d[p + 5]!}|${proto}`;
      const whole = this.fragment(key, fragOff, more, d.subarray(payStart, capEnd), total - ihl, proto, ts);
      if (whole) this.transport(ts, 4, src, dst, proto, whole, 0, whole.length, whole.length, whole.length + ihl);
      return;
    }
    this.transport(ts, 4, src, dst, proto, d, payStart, capEnd, total - ihl, total);
  }

  private ipv6(d: Buffer, p: number, end: number, ts: number): void {
    if (end - p < 40 || d[p]! >> 4 !== 6) return this.bad();
    const payLen = (d[p + 4]! << 8) | d[p + 5]!;
    let next = d[p + 6]!;
    const src = d.toString("hex", p + 8, p + 24);
    const dst = d.toString("hex", p + 24, p + 40);
    let q = p + 40;
    const capEnd = Math.min(end, q + payLen);
    let wire = payLen;
    // Extension headers: hop-by-hop, routing, destination options, fragment.
    for (let guard = 0; guard < 8; guard++) {
      if (next === 0 || next === 43 || next === 60) {
        if (capEnd - q < 8) return this.bad();
        const len = (d[q + 1]! + 1) * 8;
        next = d[q]!;
        q += len;
        wire -= len;
        continue;
      }
      if (next === 44) {
        if (capEnd - q < 8) return this.bad();
        const nh = d[q]!;
        const field = (d[q + 2]! << 8) | d[q + 3]!;
        const id = d.readUInt32BE(q + 4);
        const off = field & 0xfff8;
        const more = (field & 1) !== 0;
        q += 8;
        wire -= 8;
        if (!more && off === 0) {
          next = nh; // an atomic fragment: the whole datagram
          continue;
        }
        const key = `6|${src}|${dst}|${id}`;
        const whole = this.fragment(key, off, more, d.subarray(q, capEnd), wire, nh, ts);
        if (whole) this.transport(ts, 6, src, dst, this.lastProto, whole, 0, whole.length, whole.length, whole.length + 40);
        return;
      }
      break;
    }
    if (q > capEnd) return this.bad();
    this.transport(ts, 6, src, dst, next, d, q, capEnd, wire, payLen + 40);
  }

  private lastProto = 0;

  /** Adds one fragment; returns the whole datagram's payload once every fragment is in. */
  private fragment(key: string, off: number, more: boolean, part: Buffer, wireLen: number, proto: number, ts: number): Buffer | undefined {
    if (part.length < wireLen) {
      // A fragment cut by snaplen leaves a hole that nothing fills.
      this.stats.fragmentsDropped++;
      return undefined;
    }
    let dg = this.pending.get(key);
    if (!dg) {
      this.expire(ts);
      if (this.pending.size >= MAX_PENDING_DATAGRAMS) {
        const oldest = this.pending.keys().next().value!;
        this.stats.fragmentsDropped += this.pending.get(oldest)!.parts.length;
        this.pending.delete(oldest);
      }
      dg = { first: ts, parts: [], total: -1, have: 0, proto: -1 };
      this.pending.set(key, dg);
    }
    if (off === 0) dg.proto = proto;
    if (!more) dg.total = off + part.length;
    if (off + part.length > MAX_DATAGRAM || dg.parts.some((x) => x.off === off)) return undefined;
    dg.parts.push({ off, data: Buffer.from(part) });
    dg.have += part.length;
    if (dg.total < 0 || dg.have < dg.total) return undefined;
    this.pending.delete(key);
    const out = Buffer.alloc(dg.total);
    let covered = 0;
    dg.parts.sort((a, b) => a.off - b.off);
    for (const x of dg.parts) {
      // A hole (overlapping fragments fooled the count), or a fragment past the end that a
      // later "last" fragment set: the fragments disagree, and the datagram is dropped.
      if (x.off > covered || x.off > dg.total) {
        this.stats.fragmentsDropped += dg.parts.length;
        return undefined;
      }
      x.data.copy(out, x.off, 0, Math.min(x.data.length, dg.total - x.off));
      covered = Math.max(covered, x.off + x.data.length);
    }
    this.stats.reassembled++;
    this.lastProto = dg.proto;
    return out;
  }

  private expire(ts: number): void {
    for (const [k, dg] of this.pending) {
      if (ts - dg.first < FRAG_TIMEOUT_MS) break;
      this.stats.fragmentsDropped += dg.parts.length;
      this.pending.delete(k);
    }
  }

  /** Datagrams still waiting for fragments at the end of the capture. */
  finish(): void {
    for (const dg of this.pending.values()) this.stats.fragmentsDropped += dg.parts.length;
    this.pending.clear();
  }

  private transport(ts: number, ipv: number, src: number | string, dst: number | string, proto: number, d: Buffer, p: number, end: number, wireLen: number, ipLen: number): void {
    const s = this.seg;
    s.ts = ts;
    s.ipv = ipv;
    s.src = src;
    s.dst = dst;
    s.proto = proto;
    s.flags = 0;
    s.seq = 0;
    s.sport = 0;
    s.dport = 0;
    s.data = d;
    s.ipLen = ipLen;
    if (proto === 6) {
      if (end - p < 20) return this.bad();
      const off = (d[p + 12]! >> 4) * 4;
      if (off < 20) return this.bad();
      s.sport = (d[p]! << 8) | d[p + 1]!;
      s.dport = (d[p + 2]! << 8) | d[p + 3]!;
      s.seq = d.readUInt32BE(p + 4);
      s.flags = d[p + 13]!;
      s.start = Math.min(p + off, end);
      s.end = end;
      s.wireLen = Math.max(0, wireLen - off);
    } else if (proto === 17) {
      if (end - p < 8) return this.bad();
      s.sport = (d[p]! << 8) | d[p + 1]!;
      s.dport = (d[p + 2]! << 8) | d[p + 3]!;
      s.start = p + 8;
      s.end = end;
      s.wireLen = Math.max(0, wireLen - 8);
    } else {
      s.start = p;
      s.end = end;
      s.wireLen = wireLen;
    }
    this.onSegment(s);
  }
}

/** An address as Segment holds it, in its usual text form (IPv6 compressed as RFC 5952 says). */
export function ipText(a: number | string): string {
  if (typeof a === "number") return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(a.slice(i, i + 4), 16).toString(16));
  // IPv4-mapped addresses keep their dotted tail.
  if (a.startsWith("00000000000000000000ffff")) return `::ffff:${ipText(parseInt(a.slice(24), 16))}`;
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}
