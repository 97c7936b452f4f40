// TLS handshake messages as they cross the wire in the clear: the ClientHello (server name,
// ALPN, offered versions, JA3 and JA4 fingerprints, Encrypted Client Hello), the ServerHello
// (negotiated version) and, up to TLS 1.2, the server's certificate chain. TLS 1.3 encrypts the
// certificates; only their absence can be reported.
import { createHash, X509Certificate } from "node:crypto";

export interface ClientHello {
  legacyVersion: number;
  ciphers: number[];
  /** Extension types in the order sent. */
  extensions: number[];
  serverName?: string;
  alpn: string[];
  /** supported_versions, when sent. */
  versions: number[];
  groups: number[];
  pointFormats: number[];
  sigAlgs: number[];
  /** An Encrypted Client Hello extension was sent: the real server name is hidden. */
  ech: boolean;
}

export interface ServerHello {
  /** The negotiated version: supported_versions when present, else the legacy field. */
  version: number;
  cipher: number;
}

export interface CertInfo {
  sha1: string;
  sha256: string;
  subject?: string;
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
  serial?: string;
}

export const TLS_HANDSHAKE = 22;

export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

export function versionName(v: number): string {
  switch (v) {
    case 0x0304:
      return "TLSv1.3";
    case 0x0303:
      return "TLSv1.2";
    case 0x0302:
      return "TLSv1.1";
    case 0x0301:
      return "TLSv1.0";
    case 0x0300:
      return "SSLv3";
    default:
      return `0x${v.toString(16).padStart(4, "0")}`;
  }
}

type Messages = { messages: { type: number; body: Buffer }[]; ended: boolean; notTls: boolean };

/**
 * The handshake messages in a stream of TLS records, as far as they are complete. Stops at the
 * first record that is not a handshake (ChangeCipherSpec, application data, alert): what follows
 * is encrypted. `ended` says so.
 */
export function handshakeMessages(b: Buffer): Messages {
  return new HandshakeReader().read(b);
}

/**
 * The handshake messages of one direction of a connection, read as its bytes arrive: each call
 * gets the stream from its start, longer than the last time, and returns the messages completed
 * since (what handshakeMessages returns, less what earlier calls returned). Each record and
 * message is read once: reading the whole stream again at every segment was quadratic in its
 * records (thousands of empty ones, then a byte a segment).
 */
export class HandshakeReader {
  /** Where in the stream the next record starts. */
  private rec = 0;
  /** The payloads of the handshake records read so far, end to end. */
  private hs = Buffer.alloc(0);
  private hsLen = 0;
  /** Where in `hs` the next message starts. */
  private msg = 0;

  read(b: Buffer): Messages {
    let p = this.rec;
    let ended = false;
    const from = this.hsLen;
    while (p + 5 <= b.length) {
      const type = b[p]!;
      const major = b[p + 1]!;
      const len = (b[p + 3]! << 8) | b[p + 4]!;
      if (major !== 3 || type < 20 || type > 24) {
        // Not TLS from here on; what this call read is left out, as when the stream was read whole.
        this.hsLen = from;
        return { messages: [], ended: true, notTls: p === 0 };
      }
      if (type !== TLS_HANDSHAKE) {
        ended = true;
        break;
      }
      if (p + 5 + len > b.length) break;
      this.append(b, p + 5, p + 5 + len);
      p += 5 + len;
    }
    this.rec = p;
    const out: { type: number; body: Buffer }[] = [];
    const hs = this.hs;
    let q = this.msg;
    while (q + 4 <= this.hsLen) {
      const mlen = (hs[q + 1]! << 16) | (hs[q + 2]! << 8) | hs[q + 3]!;
      if (q + 4 + mlen > this.hsLen) break;
      out.push({ type: hs[q]!, body: hs.subarray(q + 4, q + 4 + mlen) });
      q += 4 + mlen;
    }
    this.msg = q;
    return { messages: out, ended, notTls: false };
  }

  private append(b: Buffer, a: number, z: number): void {
    if (this.hsLen + (z - a) > this.hs.length) {
      // A new buffer: the bodies returned before keep pointing into the old one.
      const grown = Buffer.allocUnsafe(Math.max(1024, this.hs.length * 2, this.hsLen + (z - a)));
      this.hs.copy(grown, 0, 0, this.hsLen);
      this.hs = grown;
    }
    b.copy(this.hs, this.hsLen, a, z);
    this.hsLen += z - a;
  }
}

/** Handshake messages (type, 24-bit length, body) laid end to end; an incomplete last one is left out. */
export function splitMessages(hs: Buffer): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  let q = 0;
  while (q + 4 <= hs.length) {
    const mlen = (hs[q + 1]! << 16) | (hs[q + 2]! << 8) | hs[q + 3]!;
    if (q + 4 + mlen > hs.length) break;
    out.push({ type: hs[q]!, body: hs.subarray(q + 4, q + 4 + mlen) });
    q += 4 + mlen;
  }
  return out;
}

/** Reads a ClientHello body; undefined when it is malformed. */
export function parseClientHello(b: Buffer): ClientHello | undefined {
  try {
    let p = 0;
    const legacyVersion = b.readUInt16BE(p);
    p += 2 + 32;
    p += 1 + b[p]!; // session id
    const cl = b.readUInt16BE(p);
    p += 2;
    const ciphers: number[] = [];
    for (let i = 0; i + 1 < cl; i += 2) ciphers.push(b.readUInt16BE(p + i));
    p += cl;
    p += 1 + b[p]!; // compression methods
    const ch: ClientHello = { legacyVersion, ciphers, extensions: [], alpn: [], versions: [], groups: [], pointFormats: [], sigAlgs: [], ech: false };
    if (p + 2 > b.length) return ch;
    const extEnd = Math.min(b.length, p + 2 + b.readUInt16BE(p));
    p += 2;
    while (p + 4 <= extEnd) {
      const type = b.readUInt16BE(p);
      const len = b.readUInt16BE(p + 2);
      const e = b.subarray(p + 4, Math.min(p + 4 + len, extEnd));
      p += 4 + len;
      ch.extensions.push(type);
      switch (type) {
        case 0: {
          // server_name: list of (type, name); type 0 is a host name.
          let q = 2;
          while (q + 3 <= e.length) {
            const nl = e.readUInt16BE(q + 1);
            if (e[q] === 0 && q + 3 + nl <= e.length) {
              ch.serverName = e.toString("latin1", q + 3, q + 3 + nl);
              break;
            }
            q += 3 + nl;
          }
          break;
        }
        case 16: {
          let q = 2;
          while (q < e.length) {
            const l = e[q]!;
            ch.alpn.push(e.toString("latin1", q + 1, q + 1 + l));
            q += 1 + l;
          }
          break;
        }
        case 43:
          for (let q = 1; q + 1 < e.length && q <= e[0]!; q += 2) ch.versions.push(e.readUInt16BE(q));
          break;
        case 10:
          for (let q = 2; q + 1 < e.length; q += 2) ch.groups.push(e.readUInt16BE(q));
          break;
        case 11:
          for (let q = 1; q < e.length && q <= e[0]!; q++) ch.pointFormats.push(e[q]!);
          break;
        case 13:
          for (let q = 2; q + 1 < e.length; q += 2) ch.sigAlgs.push(e.readUInt16BE(q));
          break;
        case 0xfe0d:
          ch.ech = true;
          break;
      }
    }
    return ch;
  } catch {
    return undefined;
  }
}

export function parseServerHello(b: Buffer): ServerHello | undefined {
  try {
    let p = 0;
    let version = b.readUInt16BE(p);
    p += 2 + 32;
    p += 1 + b[p]!;
    const cipher = b.readUInt16BE(p);
    p += 3;
    if (p + 2 <= b.length) {
      const extEnd = Math.min(b.length, p + 2 + b.readUInt16BE(p));
      p += 2;
      while (p + 4 <= extEnd) {
        const type = b.readUInt16BE(p);
        const len = b.readUInt16BE(p + 2);
        if (type === 43 && len === 2) version = b.readUInt16BE(p + 4);
        p += 4 + len;
      }
    }
    return { version, cipher };
  } catch {
    return undefined;
  }
}

/** The DER certificates of a TLS 1.2-or-earlier Certificate message, leaf first. */
export function certificateList(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  if (b.length < 3) return out;
  const total = Math.min(b.length, 3 + ((b[0]! << 16) | (b[1]! << 8) | b[2]!));
  for (let p = 3; p + 3 <= total; ) {
    const l = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    if (p + 3 + l > total) break;
    out.push(b.subarray(p + 3, p + 3 + l));
    p += 3 + l;
  }
  return out;
}

/** Hashes of a DER certificate, and its names and validity when node can parse it. */
export function certInfo(der: Buffer): CertInfo {
  const info: CertInfo = { sha1: createHash("sha1").update(der).digest("hex"), sha256: createHash("sha256").update(der).digest("hex") };
  try {
    const x = new X509Certificate(der);
    info.subject = x.subject.replace(/\n/g, ", ");
    info.issuer = x.issuer.replace(/\n/g, ", ");
    info.notBefore = new Date(x.validFrom).toISOString();
    info.notAfter = new Date(x.validTo).toISOString();
    info.serial = x.serialNumber;
  } catch {
    // The hashes still identify it.
  }
  return info;
}

/**
 * A digest of a fingerprint's text, remembered: a device's TLS stacks send the same lists in
 * every handshake, so the same few texts come again and again (bounded: cleared when full).
 */
function memoDigest(memo: Map<string, string>, algorithm: string, text: string): string {
  let d = memo.get(text);
  if (d === undefined) {
    if (memo.size >= 1024) memo.clear();
    d = createHash(algorithm).update(text).digest("hex");
    memo.set(text, d);
  }
  return d;
}

const md5s = new Map<string, string>();
const sha256s = new Map<string, string>();

/** JA3 (Salesforce): MD5 of version, ciphers, extensions, groups and point formats, GREASE left out. */
export function ja3(ch: ClientHello): { hash: string; text: string } {
  const list = (xs: number[]) => xs.filter((x) => !isGrease(x)).join("-");
  const text = `${ch.legacyVersion},${list(ch.ciphers)},${list(ch.extensions)},${list(ch.groups)},${ch.pointFormats.join("-")}`;
  return { hash: memoDigest(md5s, "md5", text), text };
}

const JA4_VERSIONS: Record<number, string> = { 0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2", 0xfeff: "d1", 0xfefd: "d2", 0xfefc: "d3" };

const hex4 = (v: number) => v.toString(16).padStart(4, "0");
const sha12 = (s: string) => memoDigest(sha256s, "sha256", s).slice(0, 12);
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** JA4 (FoxIO): "t13d1516h2_<ciphers>_<extensions>"; `q` for QUIC. */
export function ja4(ch: ClientHello, transport: "t" | "q"): string {
  const versions = ch.versions.filter((v) => !isGrease(v));
  const top = versions.length ? Math.max(...versions) : ch.legacyVersion;
  const ver = JA4_VERSIONS[top] ?? "00";
  const sni = ch.serverName !== undefined ? "d" : "i";
  const ciphers = ch.ciphers.filter((c) => !isGrease(c));
  const exts = ch.extensions.filter((e) => !isGrease(e));
  const two = (n: number) => String(Math.min(n, 99)).padStart(2, "0");
  let alpn = "00";
  const first = ch.alpn[0];
  if (first && first.length > 0) {
    const a = first.charCodeAt(0);
    const z = first.charCodeAt(first.length - 1);
    if (isAlnum(a) && isAlnum(z)) alpn = first[0]! + first[first.length - 1]!;
    else {
      const h = Buffer.from(first, "latin1").toString("hex");
      alpn = h[0]! + h[h.length - 1]!;
    }
  }
  const a = `${transport}${ver}${sni}${two(ciphers.length)}${two(exts.length)}${alpn}`;
  const b = ciphers.length ? sha12(ciphers.map(hex4).sort().join(",")) : "000000000000";
  const extList = exts.filter((e) => e !== 0 && e !== 16).map(hex4).sort().join(",");
  const sig = ch.sigAlgs.filter((s) => !isGrease(s)).map(hex4).join(",");
  const c = exts.length ? sha12(sig ? `${extList}_${sig}` : extList) : "000000000000";
  return `${a}_${b}_${c}`;
}
