// The direct reading of plain DNS messages (plainDns) against dns-packet alone (libraryDns):
// wherever the direct reading answers, it must give what dns-packet gives, and it must answer
// for the messages phones send and get most (else every message would take the slow way).
import assert from "node:assert/strict";
import { test } from "node:test";
import dnsPacket from "dns-packet";
import { decodeDns, libraryDns, plainDns } from "../../../../src/formats/network/dns.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const q = (name: string, type: dnsPacket.RecordType = "A", extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({ type: "query", id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }], ...extra });
const r = (name: string, answers: dnsPacket.Answer[], extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({ type: "response", id: 0xbeef, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [{ type: "A", name }], answers, ...extra });
const opt = (options: { code: number; data: Buffer }[] = []): dnsPacket.Answer => ({ type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0, options } as unknown as dnsPacket.Answer);

/** A response as resolvers write it: the answer's names are pointers to the question's name (offset 12). */
function compressed(): Buffer {
  const name = Buffer.from([3, ...Buffer.from("www"), 7, ...Buffer.from("Example"), 3, ...Buffer.from("com"), 0]);
  const cname = Buffer.from([3, ...Buffer.from("cdn"), 0xc0, 16]); // cdn.example.com, its tail a pointer
  const header = Buffer.from([0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]);
  const rr = (type: number, ttl: number, rdata: Buffer, owner = Buffer.from([0xc0, 12])) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(type, 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(ttl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([owner, fixed, rdata]);
  };
  const question = Buffer.concat([name, Buffer.from([0, 1, 0, 1])]);
  const cnameAt = 12 + question.length + 12;
  return Buffer.concat([header, question, rr(5, 300, cname), rr(1, 60, Buffer.from([192, 0, 2, 7]), Buffer.from([0xc0, cnameAt]))]);
}

const PLAIN: [string, Buffer][] = [
  ["A query", q("a.example.com")],
  ["AAAA query in mixed case", q("Mail.Example.COM", "AAAA")],
  ["MX, TXT, PTR and ANY queries", q("example.org", "MX")],
  ["TXT query", q("example.org", "TXT")],
  ["PTR query", q("7.2.0.192.in-addr.arpa", "PTR")],
  ["query with an EDNS OPT record", q("edns.example.com", "A", { additionals: [opt()] })],
  ["query with EDNS padding", q("pad.example.com", "A", { additionals: [opt([{ code: 12, data: Buffer.alloc(20) }])] })],
  ["response with addresses", r("b.example.com", [{ type: "A", name: "b.example.com", ttl: 300, data: "192.0.2.1" }, { type: "A", name: "b.example.com", ttl: 30, data: "192.0.2.2" }])],
  [
    "response with a CNAME chain and IPv6 addresses",
    r("c.example.com", [
      { type: "CNAME", name: "c.example.com", ttl: 60, data: "C.Edge.Example.NET" },
      { type: "CNAME", name: "c.edge.example.net", ttl: 60, data: "d.example.net" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "2001:db8::1" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "::" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "fe80::1:0:0:1" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "1:0:0:2:0:0:0:3" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "::ffff:192.0.2.9" },
      { type: "AAAA", name: "d.example.net", ttl: 20, data: "1:2:3:4:5:6:7:0" },
    ]),
  ],
  ["empty NOERROR response", r("none.example.com", [])],
  ["REFUSED response", dnsPacket.encode({ type: "response", id: 7, flags: 5, questions: [{ type: "A", name: "x.example" }] })],
  ["response to the root", r(".", [])],
  ["compressed response", compressed()],
];

const NOT_PLAIN: [string, Buffer][] = [
  ["NXDOMAIN with the zone's SOA", r("gone.example.com", [], { flags: 3, authorities: [{ type: "SOA", name: "example.com", ttl: 60, data: { mname: "ns.example.com", rname: "h.example.com", serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 } }] } as Partial<dnsPacket.Packet>)],
  ["HTTPS query (a type left to dns-packet)", Buffer.concat([q("svc.example.com").subarray(0, -4), Buffer.from([0, 65, 0, 1])])],
  ["a label that is not ASCII", q("caf\u00e9.example.com")],
  ["query with EDNS client subnet", q("ecs.example.com", "A", { additionals: [opt([{ code: 8, data: Buffer.from([0, 1, 24, 0, 192, 0, 2]) }])] })],
  ["response with an MX answer", r("m.example.com", [{ type: "MX", name: "m.example.com", ttl: 5, data: { preference: 10, exchange: "mx.example.com" } }])],
];

/** A query for a name given as raw bytes (labels and pointers as written). */
const rawQuery = (name: number[]) => Buffer.from([0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1]);
const label = (n: number, c = 0x61) => [n, ...Array<number>(n).fill(c)];

const EDGES: [string, Buffer, boolean][] = [
  // 3 labels of 63 and one of 61: 254 bytes with the dots, the most a name may have.
  ["a name of 254 bytes", rawQuery([...label(63), ...label(63), ...label(63), ...label(61), 0]), true],
  ["a name of 255 bytes", rawQuery([...label(63), ...label(63), ...label(63), ...label(62), 0]), false],
  ["a pointer to itself", rawQuery([0xc0, 12]), false],
  ["a pointer forward", rawQuery([0xc0, 14, 0, 1, 0, 1, 0]), false],
  ["a pointer back into the header (allowed, as by dns-packet)", rawQuery([1, 0x61, 0xc0, 4]), true],
  ["a label with the reserved bits 01", rawQuery([0x41, 0x61, 0]), false],
];

function same(what: string, b: Buffer): void {
  const plain = plainDns(b, 0, b.length);
  if (plain) assert.deepEqual(plain, libraryDns(b), what);
  assert.deepEqual(decodeDns(b), libraryDns(b), what);
}

test("plain messages are read directly, with what dns-packet reads in them", () => {
  for (const [what, b] of PLAIN) {
    const plain = plainDns(b, 0, b.length);
    assert.ok(plain, `${what}: read directly`);
    assert.deepEqual(plain, libraryDns(b), what);
  }
  const c = plainDns(compressed(), 0, compressed().length)!;
  assert.deepEqual([c.query, c.cnames, c.answerIps, c.ttl, c.rcode], ["www.example.com", ["cdn.example.com"], ["192.0.2.7"], 60, "NOERROR"]);
});

test("names at the limits dns-packet sets: length, pointers, label types", () => {
  for (const [what, b, ok] of EDGES) {
    assert.equal(plainDns(b, 0, b.length) !== undefined, ok, what);
    same(what, b);
  }
});

test("other messages are left to dns-packet", () => {
  for (const [what, b] of NOT_PLAIN) {
    assert.equal(plainDns(b, 0, b.length), undefined, what);
    assert.ok(decodeDns(b), what);
  }
});

test("a message inside a bigger buffer is read at its offsets (compression pointers are relative to it)", () => {
  const m = compressed();
  const framed = Buffer.concat([Buffer.alloc(40, 0xee), m, Buffer.alloc(9, 0xee)]);
  assert.deepEqual(decodeDns(framed, 40, 40 + m.length), libraryDns(m));
  assert.ok(plainDns(framed, 40, 40 + m.length));
});

test("cut and damaged messages: wherever the direct reading answers, dns-packet agrees", () => {
  let seed = 23;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
  for (const [what, b] of [...PLAIN, ...NOT_PLAIN, ...EDGES.map(([w, m]): [string, Buffer] => [w, m])]) {
    for (let n = 0; n <= b.length; n++) same(`${what}, first ${n} bytes`, b.subarray(0, n));
    for (let i = 0; i < 400; i++) {
      const d = Buffer.from(b);
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) d[Math.floor(rand() * d.length)] = rand() < 0.5 ? Math.floor(rand() * 256) : [0, 0xc0, 0x3f, 0x40, 1, 255][Math.floor(rand() * 6)]!;
      same(`${what}, damaged (${d.toString("hex")})`, d);
    }
  }
});

/**
 * A response whose first answer's data (of a type dns-packet keeps as bytes) is a chain of
 * `chain` compression pointers, each to the one before, and whose other answers are A records
 * named by a pointer to the chain's end: every name walks the whole chain.
 */
function pointerChain(chain: number, size = 65_000): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(0x8180, 2);
  b.writeUInt16BE(1, 4);
  let p = 12;
  p = b.writeUInt8(1, p);
  p = b.writeUInt8(0x61, p);
  p = b.writeUInt8(0, p);
  p = b.writeUInt32BE(0x00010001, p);
  p = b.writeUInt8(0, p); // owner "."
  p = b.writeUInt16BE(10, p); // NULL
  p = b.writeUInt16BE(1, p);
  p = b.writeUInt32BE(60, p);
  p = b.writeUInt16BE(chain * 2, p);
  let prev = 12;
  for (let i = 0; i < chain; i++) {
    b.writeUInt16BE(0xc000 | prev, p);
    prev = p;
    p += 2;
  }
  let an = 1;
  while (p + 16 <= size && an < 65535) {
    p = b.writeUInt16BE(0xc000 | prev, p);
    p = b.writeUInt16BE(1, p);
    p = b.writeUInt16BE(1, p);
    p = b.writeUInt32BE(60, p);
    p = b.writeUInt16BE(4, p);
    p = b.writeUInt32BE(0xc0000207, p);
    an++;
  }
  b.writeUInt16BE(an, 6);
  return b.subarray(0, p);
}

test("names walking thousands of compression pointers are refused as malformed, in linear time", async () => {
  // 8,000 pointers, each to the one before, then 3,000 names pointing to the last: dns-packet
  // followed the chain for every name (8 s of CPU for 32 such messages, 2 MB).
  const m = pointerChain(8000);
  const out = await withinCpu(5, "32 messages of 3,000 names each walking 8,000 pointers", () => Array.from({ length: 32 }, () => decodeDns(m)));
  for (const d of out) assert.equal(d, undefined);
  // A short chain is still read, by either way.
  const short = pointerChain(20, 200);
  const d = decodeDns(short);
  assert.ok(d);
  assert.equal(d.answerIps.length, (short.readUInt16BE(6) - 1));
  assert.deepEqual(d, libraryDns(short));
});
