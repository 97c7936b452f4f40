// QUIC Initial packets from the client: their keys come from the connection id and a salt each
// version publishes (RFC 9001 section 5.2, RFC 9369 for version 2), so anyone on the path can
// decrypt them and read the TLS ClientHello inside (server name, ALPN, JA4). Everything after
// the Initial packets is encrypted with keys only the endpoints have.
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";

interface VersionParams {
  salt: Buffer;
  /** Label prefix: "quic" (v1, drafts) or "quicv2". */
  labels: string;
  /** Long-header packet type of Initial packets. */
  initialType: number;
}

const V1: VersionParams = { salt: Buffer.from("38762cf7f55934b34d179ae6a4c80cadccbb7f0a", "hex"), labels: "quic", initialType: 0 };
const VERSIONS = new Map<number, VersionParams>([
  [0x00000001, V1],
  [0x6b3343cf, { salt: Buffer.from("0dede3def700a6db819381be6e269dcbf9bd2ed9", "hex"), labels: "quicv2", initialType: 1 }],
  // Drafts 29 to 32, still sent by some older clients.
  ...[0xff00001d, 0xff00001e, 0xff00001f, 0xff000020].map((v) => [v, { salt: Buffer.from("afbfec289993d24c9e9786f19c6111e04390a899", "hex"), labels: "quic", initialType: 0 }] as [number, VersionParams]),
]);

export function quicVersionName(v: number): string {
  if (v === 1) return "1";
  if (v === 0x6b3343cf) return "2";
  if (v >>> 8 === 0xff0000) return `draft-${v & 0xff}`;
  return `0x${v.toString(16).padStart(8, "0")}`;
}

function hkdfExpandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, "latin1");
  const info = Buffer.alloc(4 + full.length);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = 0; // empty context
  // One HMAC block is enough for every length used here (at most 32 bytes).
  return createHmac("sha256", secret).update(info).update(Buffer.from([1])).digest().subarray(0, length);
}

interface Keys {
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
}

/** The client's Initial keys for a version and destination connection id. */
export function clientInitialKeys(version: number, dcid: Buffer): Keys | undefined {
  const v = VERSIONS.get(version);
  if (!v) return undefined;
  const initial = createHmac("sha256", v.salt).update(dcid).digest();
  const client = hkdfExpandLabel(initial, "client in", 32);
  return { key: hkdfExpandLabel(client, `${v.labels} key`, 16), iv: hkdfExpandLabel(client, `${v.labels} iv`, 12), hp: hkdfExpandLabel(client, `${v.labels} hp`, 16) };
}

function varint(b: Buffer, p: number): [number, number] {
  if (p >= b.length) return [-1, p];
  const first = b[p]!;
  const len = 1 << (first >> 6);
  if (p + len > b.length) return [-1, p];
  let v = first & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + b[p + i]!;
  return [v, p + len];
}

export interface InitialPacket {
  version: number;
  dcid: Buffer;
  /** CRYPTO frame data by stream offset. */
  crypto: { offset: number; data: Buffer }[];
}

/** Whether a UDP payload starts with a QUIC long header of a version this reader knows. */
export function looksLikeQuicInitial(b: Buffer, start: number, end: number): boolean {
  if (end - start < 7 || (b[start]! & 0xc0) !== 0xc0) return false;
  const v = VERSIONS.get(b.readUInt32BE(start + 1));
  return !!v && ((b[start]! >> 4) & 3) === v.initialType;
}

/**
 * Decrypts the client Initial packets of one UDP datagram (several may be coalesced) and returns
 * their CRYPTO frames; undefined when the datagram holds none or cannot be decrypted. The keys
 * come from the connection id of the client's first Initial (`firstDcid`, once known): later
 * Initials may carry the id the server chose.
 */
export function decryptInitials(dgram: Buffer, firstDcid?: Buffer): InitialPacket | undefined {
  let p = 0;
  let out: InitialPacket | undefined;
  while (p + 7 <= dgram.length && (dgram[p]! & 0xc0) === 0xc0) {
    const version = dgram.readUInt32BE(p + 1);
    const params = VERSIONS.get(version);
    if (!params) break;
    let q = p + 5;
    const dcidLen = dgram[q++]!;
    const dcid = dgram.subarray(q, q + dcidLen);
    q += dcidLen;
    const scidLen = dgram[q++]!;
    q += scidLen;
    const type = (dgram[p]! >> 4) & 3;
    let tokenLen = 0;
    if (type === params.initialType) {
      [tokenLen, q] = varint(dgram, q);
      if (tokenLen < 0) break;
      q += tokenLen;
    }
    const [length, pnOffset] = varint(dgram, q);
    if (length < 0 || pnOffset + length > dgram.length) break;
    const packetEnd = pnOffset + length;
    if (type === params.initialType) {
      const frames = decryptOne(dgram, p, pnOffset, packetEnd, version, firstDcid ?? dcid);
      if (frames) {
        out ??= { version, dcid: Buffer.from(firstDcid ?? dcid), crypto: [] };
        out.crypto.push(...frames);
      }
    }
    p = packetEnd;
  }
  return out;
}

function decryptOne(d: Buffer, start: number, pnOffset: number, end: number, version: number, dcid: Buffer): { offset: number; data: Buffer }[] | undefined {
  const keys = clientInitialKeys(version, dcid);
  if (!keys || pnOffset + 4 + 16 > end) return undefined;
  const sample = d.subarray(pnOffset + 4, pnOffset + 20);
  const ecb = createCipheriv("aes-128-ecb", keys.hp, null);
  const mask = ecb.update(sample);
  const first = d[start]! ^ (mask[0]! & 0x0f);
  const pnLen = (first & 3) + 1;
  const header = Buffer.from(d.subarray(start, pnOffset + pnLen));
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    header[pnOffset - start + i] = d[pnOffset + i]! ^ mask[1 + i]!;
    pn = pn * 256 + header[pnOffset - start + i]!;
  }
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 8 && pn > 0; i++) {
    nonce[11 - i]! ^= pn & 0xff;
    pn = Math.floor(pn / 256);
  }
  const body = d.subarray(pnOffset + pnLen, end - 16);
  const tag = d.subarray(end - 16, end);
  let plain: Buffer;
  try {
    const gcm = createDecipheriv("aes-128-gcm", keys.key, nonce);
    gcm.setAAD(header);
    gcm.setAuthTag(tag);
    plain = Buffer.concat([gcm.update(body), gcm.final()]);
  } catch {
    return undefined; // not an Initial of this connection id, or damaged
  }
  return cryptoFrames(plain);
}

/** CRYPTO frames of a decrypted Initial payload; other frames allowed there are stepped over. */
function cryptoFrames(b: Buffer): { offset: number; data: Buffer }[] {
  const out: { offset: number; data: Buffer }[] = [];
  let p = 0;
  while (p < b.length) {
    const type = b[p]!;
    if (type === 0 || type === 1) {
      p++; // PADDING, PING
    } else if (type === 6) {
      let off: number;
      let len: number;
      [off, p] = varint(b, p + 1);
      [len, p] = varint(b, p);
      if (off < 0 || len < 0 || p + len > b.length) break;
      out.push({ offset: off, data: Buffer.from(b.subarray(p, p + len)) });
      p += len;
    } else if (type === 2 || type === 3) {
      // ACK: largest, delay, range count, first range, ranges (gap, length), ECN counts for 3.
      let v: number;
      [v, p] = varint(b, p + 1);
      [v, p] = varint(b, p);
      let count: number;
      [count, p] = varint(b, p);
      [v, p] = varint(b, p);
      for (let i = 0; i < count && v >= 0; i++) {
        [v, p] = varint(b, p);
        [v, p] = varint(b, p);
      }
      if (type === 3) for (let i = 0; i < 3; i++) [v, p] = varint(b, p);
      if (v < 0) break;
    } else break; // CONNECTION_CLOSE or something not expected in a client Initial
  }
  return out;
}

/** Puts CRYPTO data back in order; returns the contiguous bytes from offset 0. */
export function joinCrypto(parts: { offset: number; data: Buffer }[], cap: number): Buffer {
  const sorted = [...parts].sort((a, b) => a.offset - b.offset);
  const chunks: Buffer[] = [];
  let have = 0;
  for (const x of sorted) {
    if (x.offset > have || have >= cap) break;
    const skip = have - x.offset;
    if (skip >= x.data.length) continue;
    chunks.push(x.data.subarray(skip));
    have += x.data.length - skip;
  }
  return Buffer.concat(chunks);
}
