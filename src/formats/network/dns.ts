// DNS messages, decoded with dns-packet: the question, the response code and the answer's
// address and CNAME records, which is what a lookup tells about where a phone was going.
// Most messages in a capture have one plain shape (one question; A, AAAA or CNAME answers; at
// most an EDNS OPT record besides), and those are read here directly, without the objects
// dns-packet makes for every field of every record; any other message, or anything unusual in
// one, goes to dns-packet. Where the direct reading answers, it gives what dns-packet gives
// (test/unit/formats/network/dns.test.ts compares them).
import dnsPacket from "dns-packet";

export interface DnsMessage {
  id: number;
  response: boolean;
  query?: string;
  qtype?: string;
  rcode?: string;
  answerIps: string[];
  cnames: string[];
  ttl?: number;
}

/** Decodes one DNS message, `b[start..end)`; undefined when it is malformed (or not DNS at all). */
export function decodeDns(b: Buffer, start = 0, end = b.length): DnsMessage | undefined {
  return plainDns(b, start, end) ?? libraryDns(start === 0 && end === b.length ? b : b.subarray(start, end));
}

/** Every message object has the same fields, set or not (one shape for the engine). */
function message(id: number, response: boolean): DnsMessage {
  return { id, response, query: undefined, qtype: undefined, rcode: undefined, answerIps: [], cnames: [], ttl: undefined };
}

/**
 * Compression pointers a name may follow: as many as it can have labels. dns-packet follows any
 * number (each to an earlier byte), and a message whose every name walks a chain of thousands of
 * pointers cost seconds to decode; such a message is refused as malformed.
 */
const MAX_POINTERS = 127;

let labelEnd = new Int32Array(0);
let depth = new Int32Array(0);

/**
 * The most compression pointers dns-packet would follow reading a name at any offset of `b`
 * (with its rule: each pointer goes before where the name, or the last pointer's target, began).
 * Linear: where each offset's labels end is found from the end, each chain's length from the start.
 */
export function pointerDepth(b: Buffer): number {
  const n = b.length;
  if (labelEnd.length < n) {
    labelEnd = new Int32Array(n);
    depth = new Int32Array(n);
  }
  // labelEnd[o]: the offset of the zero byte or pointer that ends the labels read from o; -1 if none.
  for (let o = n - 1; o >= 0; o--) {
    const c = b[o]!;
    if (c === 0) labelEnd[o] = o;
    else if (c < 0x40) labelEnd[o] = o + 1 + c < n ? labelEnd[o + 1 + c]! : -1;
    else labelEnd[o] = c >= 0xc0 && o + 1 < n ? o : -1;
  }
  let most = 0;
  for (let s = 0; s < n; s++) {
    const q = labelEnd[s]!;
    let d = 0;
    if (q >= 0 && b[q] !== 0) {
      const t = ((b[q]! & 0x3f) << 8) | b[q + 1]!;
      if (t < s) d = 1 + depth[t]!;
    }
    depth[s] = d;
    if (d > most) most = d;
  }
  return most;
}

/** A message decoded by dns-packet alone. */
export function libraryDns(b: Buffer): DnsMessage | undefined {
  if (pointerDepth(b) > MAX_POINTERS) return undefined;
  let m: dnsPacket.Packet;
  try {
    m = dnsPacket.decode(b);
  } catch {
    return undefined;
  }
  const q = m.questions?.[0];
  const out = message(m.id ?? 0, m.type === "response");
  if (q) {
    out.query = q.name.toLowerCase();
    out.qtype = q.type;
  }
  if (out.response) out.rcode = (m as { rcode?: string }).rcode ?? "NOERROR";
  for (const a of m.answers ?? []) {
    if (a.type === "A" || a.type === "AAAA") {
      out.answerIps.push(String(a.data));
      if (typeof a.ttl === "number") out.ttl = out.ttl === undefined ? a.ttl : Math.min(out.ttl, a.ttl);
    } else if (a.type === "CNAME") out.cnames.push(String(a.data).toLowerCase());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The plain shape, read directly. Every function returns NOT_PLAIN (or undefined) as soon as the
// message is not of that shape, and dns-packet then decodes it from the start.

const NOT_PLAIN = -1;
const A = 1;
const CNAME = 5;
const AAAA = 28;
const OPT = 41;
/** dns-packet's names of the query types read directly (its types.js); others go to it. */
const QTYPES = new Map<number, string>([
  [1, "A"],
  [2, "NS"],
  [5, "CNAME"],
  [6, "SOA"],
  [12, "PTR"],
  [15, "MX"],
  [16, "TXT"],
  [28, "AAAA"],
  [33, "SRV"],
  [255, "ANY"],
]);
/** dns-packet's response code names (its rcodes.js). */
const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE_11", "RCODE_12", "RCODE_13", "RCODE_14", "RCODE_15"];
/** EDNS options dns-packet decodes further (client subnet, keep-alive, key tags): left to it. */
const DECODED_OPTIONS = new Set([8, 11, 14]);

/** A name's text is built here, lower-cased, before one string is made of it. */
const nameBuf = Buffer.allocUnsafe(512);
/** Bytes the last readName consumed where the name starts (a compression pointer counts 2). */
let nameBytes = 0;

/**
 * The name at `b[at]` (offsets relative to the message at `base`) as dns-packet reads it, lower
 * case: labels joined by dots, "." for the root, pointers only to earlier bytes, at most 254
 * bytes. `text` false only checks it. NOT_PLAIN (as a number) for a label that is not ASCII or
 * for anything dns-packet would refuse.
 */
function readName(b: Buffer, base: number, end: number, at: number, text: boolean): string | number {
  let p = at;
  let oldOffset = at - base;
  let total = 0;
  let consumed = 0;
  let jumped = false;
  let jumps = 0;
  let n = 0;
  for (;;) {
    if (p >= end) return NOT_PLAIN;
    const len = b[p++]!;
    if (!jumped) consumed++;
    if (len === 0) break;
    if ((len & 0xc0) === 0) {
      if (p + len > end) return NOT_PLAIN;
      total += len + 1;
      if (total > 254) return NOT_PLAIN;
      if (n > 0 && text) nameBuf[n] = 0x2e;
      if (n > 0) n++;
      for (let i = 0; i < len; i++) {
        const c = b[p + i]!;
        if (c >= 0x80) return NOT_PLAIN;
        if (text) nameBuf[n] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
        n++;
      }
      p += len;
      if (!jumped) consumed += len;
    } else if ((len & 0xc0) === 0xc0) {
      if (p + 1 > end) return NOT_PLAIN;
      const jump = (((len & 0x3f) << 8) | b[p]!) >>> 0;
      if (jump >= oldOffset || ++jumps > MAX_POINTERS) return NOT_PLAIN;
      if (!jumped) consumed++;
      p = base + jump;
      oldOffset = jump;
      jumped = true;
    } else return NOT_PLAIN;
  }
  nameBytes = consumed;
  if (!text) return "";
  return n === 0 ? "." : nameBuf.toString("latin1", 0, n);
}

/** The IPv6 address at `b[p]` written as dns-packet (@leichtgewicht/ip-codec) writes it. */
function v6Text(b: Buffer, p: number): string {
  let s = "";
  for (let i = 0; i < 16; i += 2) {
    if (i !== 0) s += ":";
    s += ((b[p + i]! << 8) | b[p + i + 1]!).toString(16);
  }
  return s.replace(/(^|:)0(:0)*:0(:|$)/, "$1::$3").replace(/:{3,4}/, "::");
}

/** A message of the plain shape read directly; undefined for any other (dns-packet decides those). */
export function plainDns(b: Buffer, start: number, end: number): DnsMessage | undefined {
  if (end - start < 12) return undefined;
  const flags = (b[start + 2]! << 8) | b[start + 3]!;
  const qd = (b[start + 4]! << 8) | b[start + 5]!;
  const an = (b[start + 6]! << 8) | b[start + 7]!;
  const ns = (b[start + 8]! << 8) | b[start + 9]!;
  const ar = (b[start + 10]! << 8) | b[start + 11]!;
  if (qd !== 1 || ns !== 0 || ar > 1) return undefined;
  let p = start + 12;
  const query = readName(b, start, end, p, true);
  if (typeof query !== "string") return undefined;
  p += nameBytes;
  if (p + 4 > end) return undefined;
  const qtype = QTYPES.get((b[p]! << 8) | b[p + 1]!);
  if (qtype === undefined) return undefined;
  p += 4;
  const out = message((b[start]! << 8) | b[start + 1]!, (flags & 0x8000) !== 0);
  out.query = query;
  out.qtype = qtype;
  if (out.response) out.rcode = RCODES[flags & 0xf];
  for (let i = 0; i < an; i++) {
    if (typeof readName(b, start, end, p, false) !== "string") return undefined;
    p += nameBytes;
    if (p + 10 > end) return undefined;
    const type = (b[p]! << 8) | b[p + 1]!;
    const ttl = b.readUInt32BE(p + 4);
    const rdlen = (b[p + 8]! << 8) | b[p + 9]!;
    p += 10;
    if (p + rdlen > end) return undefined;
    if (type === A && rdlen === 4) {
      out.answerIps.push(`${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`);
    } else if (type === AAAA && rdlen === 16) {
      out.answerIps.push(v6Text(b, p));
    } else if (type === CNAME) {
      const c = readName(b, start, end, p, true);
      if (typeof c !== "string" || nameBytes !== rdlen) return undefined;
      out.cnames.push(c);
      p += rdlen;
      continue;
    } else return undefined;
    out.ttl = out.ttl === undefined ? ttl : Math.min(out.ttl, ttl);
    p += rdlen;
  }
  if (ar === 1 && !plainOpt(b, start, end, p)) return undefined;
  return out;
}

/** An EDNS OPT record at `b[p]` that dns-packet reads without surprises: options that fill it exactly. */
function plainOpt(b: Buffer, start: number, end: number, p: number): boolean {
  if (typeof readName(b, start, end, p, false) !== "string") return false;
  p += nameBytes;
  if (p + 10 > end || ((b[p]! << 8) | b[p + 1]!) !== OPT) return false;
  const rdlen = (b[p + 8]! << 8) | b[p + 9]!;
  p += 10;
  const stop = p + rdlen;
  if (stop > end) return false;
  while (p < stop) {
    if (p + 4 > stop) return false;
    const code = (b[p]! << 8) | b[p + 1]!;
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    if (DECODED_OPTIONS.has(code)) return false;
    p += 4 + len;
  }
  return p === stop;
}
