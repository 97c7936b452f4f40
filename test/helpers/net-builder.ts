// Builds network captures in code for the tests and the bench: pcap and pcapng files, link
// layers, IPv4/IPv6 (with fragments), TCP/UDP, DNS messages (dns-packet), TLS handshakes and
// QUIC client Initial packets encrypted as RFC 9001 says (with Vigil's key derivation, checked
// against tshark's decryption in the tests).
import { createCipheriv } from "node:crypto";
import dnsPacket from "dns-packet";
import { clientInitialKeys } from "../../src/formats/network/quic.ts";

// ---------------------------------------------------------------------------------------------
// Files

export interface Pkt {
  /** Milliseconds since the epoch. */
  ts: number;
  data: Buffer;
  /** Length on the wire, when the capture cut the packet (snaplen). */
  origLen?: number;
  linkType?: number;
}

export function pcapHeader(linkType = 1, opts: { nanos?: boolean; bigEndian?: boolean; snaplen?: number } = {}): Buffer {
  const h = Buffer.alloc(24);
  const w32 = (v: number, at: number) => (opts.bigEndian ? h.writeUInt32BE(v, at) : h.writeUInt32LE(v, at));
  const w16 = (v: number, at: number) => (opts.bigEndian ? h.writeUInt16BE(v, at) : h.writeUInt16LE(v, at));
  w32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(2, 4);
  w16(4, 6);
  w32(opts.snaplen ?? 262144, 16);
  w32(linkType, 20);
  return h;
}

export function pcapRecord(p: Pkt, opts: { nanos?: boolean; bigEndian?: boolean } = {}): Buffer {
  const h = Buffer.alloc(16);
  const w32 = (v: number, at: number) => (opts.bigEndian ? h.writeUInt32BE(v, at) : h.writeUInt32LE(v, at));
  const sec = Math.floor(p.ts / 1000);
  w32(sec, 0);
  w32(Math.round((p.ts - sec * 1000) * (opts.nanos ? 1e6 : 1e3)), 4);
  w32(p.data.length, 8);
  w32(p.origLen ?? p.data.length, 12);
  return Buffer.concat([h, p.data]);
}

export function pcap(packets: Pkt[], linkType = 1, opts: { nanos?: boolean; bigEndian?: boolean; snaplen?: number } = {}): Buffer {
  return Buffer.concat([pcapHeader(linkType, opts), ...packets.map((p) => pcapRecord(p, opts))]);
}

function block(type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const len = 12 + body.length + pad;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

export function pcapngSectionHeader(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeBigInt64LE(-1n, 8);
  return block(0x0a0d0d0a, body);
}

/** Interface description; `tsresol` is the if_tsresol option byte (6 = microseconds, 9 = nanoseconds). */
export function pcapngInterface(linkType = 1, tsresol?: number): Buffer {
  const opts = tsresol === undefined ? Buffer.alloc(0) : Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.alloc(8 + opts.length);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(262144, 4);
  opts.copy(body, 8);
  return block(1, body);
}

export function pcapngPacket(p: Pkt, iface = 0, tsresol = 6): Buffer {
  const units = BigInt(Math.round(p.ts * 10 ** (tsresol - 3)));
  const body = Buffer.alloc(20 + p.data.length);
  body.writeUInt32LE(iface, 0);
  body.writeUInt32LE(Number(units >> 32n), 4);
  body.writeUInt32LE(Number(units & 0xffffffffn), 8);
  body.writeUInt32LE(p.data.length, 12);
  body.writeUInt32LE(p.origLen ?? p.data.length, 16);
  p.data.copy(body, 20);
  return block(6, body);
}

export function pcapng(packets: Pkt[], linkType = 1, tsresol?: number): Buffer {
  return Buffer.concat([pcapngSectionHeader(), pcapngInterface(linkType, tsresol), ...packets.map((p) => pcapngPacket(p, 0, tsresol ?? 6))]);
}

// ---------------------------------------------------------------------------------------------
// Link, network and transport layers

export function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split(".").map(Number));
}

export function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export function ethernet(payload: Buffer, etherType = 0x0800, vlan?: number): Buffer {
  const mac = Buffer.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
  const tag = vlan === undefined ? Buffer.alloc(0) : Buffer.from([0x81, 0x00, vlan >> 8, vlan & 255]);
  return Buffer.concat([mac, tag, Buffer.from([etherType >> 8, etherType & 255]), payload]);
}

export function ipv4(src: string, dst: string, proto: number, payload: Buffer, opts: { id?: number; fragOffset?: number; more?: boolean; totalLength?: number } = {}): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(opts.totalLength ?? 20 + payload.length, 2);
  h.writeUInt16BE(opts.id ?? 1, 4);
  h.writeUInt16BE(((opts.more ? 1 : 0) << 13) | ((opts.fragOffset ?? 0) >> 3), 6);
  h[8] = 64;
  h[9] = proto;
  ipv4Bytes(src).copy(h, 12);
  ipv4Bytes(dst).copy(h, 16);
  // The checksum is left at 0 (wrong): Vigil does not verify it.
  return Buffer.concat([h, payload]);
}

export function ipv6(src: string, dst: string, next: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = next;
  h[7] = 64;
  ipv6Bytes(src).copy(h, 8);
  ipv6Bytes(dst).copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** IPv6 fragments of one upper-layer payload (fragment header 44). */
export function ipv6Fragments(src: string, dst: string, next: number, payload: Buffer, size: number, id = 7): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, off + size);
    const fh = Buffer.alloc(8);
    fh[0] = next;
    fh.writeUInt16BE(off | (off + size < payload.length ? 1 : 0), 2);
    fh.writeUInt32BE(id, 4);
    out.push(ipv6(src, dst, 44, Buffer.concat([fh, part])));
  }
  return out;
}

/** IPv4 fragments (payload split in multiples of 8 bytes). */
export function ipv4Fragments(src: string, dst: string, proto: number, payload: Buffer, size: number, id = 9): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += size) out.push(ipv4(src, dst, proto, payload.subarray(off, off + size), { id, fragOffset: off, more: off + size < payload.length }));
  return out;
}

export const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };

export function tcp(sport: number, dport: number, seq: number, flags: number, payload: Buffer = Buffer.alloc(0), ack = 0): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  h.writeUInt16BE(0xbeef, 16); // a wrong checksum on purpose
  return Buffer.concat([h, payload]);
}

export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** An Ethernet frame with an IPv4 or IPv6 packet, picked by the source address. */
export function frame(src: string, dst: string, proto: number, l4: Buffer): Buffer {
  return src.includes(":") ? ethernet(ipv6(src, dst, proto, l4), 0x86dd) : ethernet(ipv4(src, dst, proto, l4));
}

/** A TCP connection's packets: handshake, the client's and server's data in segments, FIN. */
export function tcpSession(opts: {
  client: string;
  server: string;
  cport: number;
  sport: number;
  ts: number;
  toServer?: Buffer[];
  toClient?: Buffer[];
  /** Segment size: longer messages are split. */
  mss?: number;
  close?: boolean;
}): Pkt[] {
  const out: Pkt[] = [];
  let t = opts.ts;
  let cseq = 1000;
  let sseq = 5000;
  const mss = opts.mss ?? 1448;
  const c2s = (flags: number, data: Buffer = Buffer.alloc(0)) => out.push({ ts: (t += 1), data: frame(opts.client, opts.server, 6, tcp(opts.cport, opts.sport, cseq, flags, data, sseq)) });
  const s2c = (flags: number, data: Buffer = Buffer.alloc(0)) => out.push({ ts: (t += 1), data: frame(opts.server, opts.client, 6, tcp(opts.sport, opts.cport, sseq, flags, data, cseq)) });
  c2s(TCP.SYN);
  cseq++;
  s2c(TCP.SYN | TCP.ACK);
  sseq++;
  c2s(TCP.ACK);
  const send = (dir: "c" | "s", msg: Buffer) => {
    for (let o = 0; o < msg.length; o += mss) {
      const part = msg.subarray(o, o + mss);
      if (dir === "c") {
        c2s(TCP.ACK | TCP.PSH, part);
        cseq += part.length;
      } else {
        s2c(TCP.ACK | TCP.PSH, part);
        sseq += part.length;
      }
    }
  };
  for (const m of opts.toServer ?? []) send("c", m);
  for (const m of opts.toClient ?? []) send("s", m);
  if (opts.close !== false) {
    c2s(TCP.FIN | TCP.ACK);
    cseq++;
    s2c(TCP.FIN | TCP.ACK);
    sseq++;
    c2s(TCP.ACK);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// DNS

export function dnsQuery(name: string, id = 1, type: "A" | "AAAA" = "A"): Buffer {
  return dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
}

export function dnsResponse(name: string, ips: string[], opts: { id?: number; cnames?: string[]; nxdomain?: boolean } = {}): Buffer {
  const answers: dnsPacket.Answer[] = [];
  let owner = name;
  for (const c of opts.cnames ?? []) {
    answers.push({ type: "CNAME", name: owner, data: c, ttl: 60 });
    owner = c;
  }
  for (const ip of ips) answers.push({ type: ip.includes(":") ? "AAAA" : "A", name: owner, data: ip, ttl: 300 } as dnsPacket.Answer);
  return dnsPacket.encode({ type: "response", id: opts.id ?? 1, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (opts.nxdomain ? 3 : 0), questions: [{ type: "A", name }], answers });
}

/** A DNS message as it travels over TCP: with its 2-byte length. */
export function dnsOverTcp(msg: Buffer): Buffer {
  const l = Buffer.alloc(2);
  l.writeUInt16BE(msg.length);
  return Buffer.concat([l, msg]);
}

// ---------------------------------------------------------------------------------------------
// TLS

const u16 = (v: number) => Buffer.from([v >> 8, v & 255]);
const u24 = (v: number) => Buffer.from([v >> 16, (v >> 8) & 255, v & 255]);
const vec8 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);

export interface HelloOptions {
  sni?: string;
  alpn?: string[];
  /** supported_versions; TLS 1.3 clients send [0x0304, 0x0303]. */
  versions?: number[];
  ciphers?: number[];
  groups?: number[];
  ech?: boolean;
  grease?: boolean;
}

/** A ClientHello handshake message (type 1, with its 4-byte header). */
export function clientHelloMessage(o: HelloOptions = {}): Buffer {
  const grease = o.grease ? [0x0a0a] : [];
  const ciphers = [...grease, ...(o.ciphers ?? [0x1301, 0x1302, 0xc02b, 0xc02f, 0x009c])];
  const exts: Buffer[] = [];
  if (o.grease) exts.push(ext(0x1a1a, Buffer.alloc(0)));
  if (o.sni !== undefined) exts.push(ext(0, vec16(Buffer.concat([Buffer.from([0]), vec16(Buffer.from(o.sni))]))));
  exts.push(ext(10, vec16(Buffer.concat([...grease, ...(o.groups ?? [0x001d, 0x0017])].map(u16)))));
  exts.push(ext(11, vec8(Buffer.from([0]))));
  exts.push(ext(13, vec16(Buffer.concat([0x0403, 0x0804, 0x0401].map(u16)))));
  if (o.alpn) exts.push(ext(16, vec16(Buffer.concat(o.alpn.map((a) => vec8(Buffer.from(a)))))));
  if (o.versions) exts.push(ext(43, vec8(Buffer.concat([...grease, ...o.versions].map(u16)))));
  if (o.ech) exts.push(ext(0xfe0d, Buffer.alloc(32, 7)));
  const body = Buffer.concat([u16(0x0303), Buffer.alloc(32, 1), vec8(Buffer.alloc(32, 2)), vec16(Buffer.concat(ciphers.map(u16))), vec8(Buffer.from([0])), vec16(Buffer.concat(exts))]);
  return Buffer.concat([Buffer.from([1]), u24(body.length), body]);
}

/** TLS records of type `type` carrying `data`, split at `max` bytes per record. */
export function tlsRecords(data: Buffer, type = 22, max = 16384): Buffer {
  const out: Buffer[] = [];
  for (let o = 0; o < data.length; o += max) {
    const part = data.subarray(o, o + max);
    out.push(Buffer.concat([Buffer.from([type, 3, 1]), u16(part.length), part]));
  }
  return Buffer.concat(out);
}

export function clientHello(o: HelloOptions = {}): Buffer {
  return tlsRecords(clientHelloMessage(o));
}

export function serverHelloMessage(version: number, cipher = 0xc02f): Buffer {
  const exts = version === 0x0304 ? vec16(ext(43, u16(0x0304))) : vec16(Buffer.alloc(0));
  const body = Buffer.concat([u16(0x0303), Buffer.alloc(32, 3), vec8(Buffer.alloc(32, 4)), u16(cipher), Buffer.from([0]), exts]);
  return Buffer.concat([Buffer.from([2]), u24(body.length), body]);
}

export function certificateMessage(ders: Buffer[]): Buffer {
  const list = Buffer.concat(ders.map((d) => Buffer.concat([u24(d.length), d])));
  const body = Buffer.concat([u24(list.length), list]);
  return Buffer.concat([Buffer.from([11]), u24(body.length), body]);
}

/** The server's first flight: ServerHello (and for TLS 1.2 its certificates), then encrypted data. */
export function serverFlight(version: 0x0303 | 0x0304, ders: Buffer[] = []): Buffer {
  const hs = version === 0x0304 ? serverHelloMessage(version, 0x1301) : Buffer.concat([serverHelloMessage(version), certificateMessage(ders)]);
  return Buffer.concat([tlsRecords(hs), version === 0x0304 ? tlsRecords(Buffer.alloc(1), 20) : Buffer.alloc(0), tlsRecords(Buffer.alloc(600, 9), 23)]);
}

// ---------------------------------------------------------------------------------------------
// QUIC

function varint(v: number): Buffer {
  if (v < 64) return Buffer.from([v]);
  if (v < 16384) return u16(0x4000 | v);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((0x80000000 | v) >>> 0);
  return b;
}

/**
 * A client Initial packet (version 1 unless given) carrying CRYPTO frames of `crypto` from
 * `offset` (or the plaintext `frames` given), padded to 1200 bytes, encrypted and
 * header-protected with the Initial keys.
 */
export function quicInitial(dcid: Buffer, crypto: Buffer, opts: { offset?: number; pn?: number; version?: number; keysDcid?: Buffer; frames?: Buffer } = {}): Buffer {
  const version = opts.version ?? 1;
  const keys = clientInitialKeys(version, opts.keysDcid ?? dcid)!;
  const frames = opts.frames ?? Buffer.concat([Buffer.from([6]), varint(opts.offset ?? 0), varint(crypto.length), crypto]);
  const pn = opts.pn ?? 0;
  const pnBytes = Buffer.alloc(4);
  pnBytes.writeUInt32BE(pn);
  const headerLen = 1 + 4 + 1 + dcid.length + 1 + 0 + 1 + 2 + 4;
  const padded = Buffer.concat([frames, Buffer.alloc(Math.max(0, 1200 - headerLen - frames.length - 16))]);
  const length = 4 + padded.length + 16;
  const v2 = version === 0x6b3343cf;
  const header = Buffer.concat([Buffer.from([0xc0 | (v2 ? 0x10 : 0) | 3]), Buffer.from([version >>> 24, (version >> 16) & 255, (version >> 8) & 255, version & 255]), vec8(dcid), vec8(Buffer.alloc(0)), varint(0), length < 16384 ? u16(0x4000 | length) : varint(length), pnBytes]);
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i]! ^= (pn >>> (8 * i)) & 255;
  const gcm = createCipheriv("aes-128-gcm", keys.key, nonce);
  gcm.setAAD(header);
  const sealed = Buffer.concat([gcm.update(padded), gcm.final(), gcm.getAuthTag()]);
  const packet = Buffer.concat([header, sealed]);
  const pnOffset = header.length - 4;
  const mask = createCipheriv("aes-128-ecb", keys.hp, null).update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0]! ^= mask[0]! & 0x0f;
  for (let i = 0; i < 4; i++) packet[pnOffset + i]! ^= mask[1 + i]!;
  return packet;
}
