import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { VigilError } from "../../../../src/core/errors.ts";
import { readCapture, type CaptureStats } from "../../../../src/formats/network/capture.ts";
import type { NetRecord } from "../../../../src/formats/network/records.ts";
import { handshakeMessages, ja3, ja4, parseClientHello, splitMessages } from "../../../../src/formats/network/tls.ts";
import { TrafficReader } from "../../../../src/formats/network/traffic.ts";
import { ipText } from "../../../../src/formats/network/packet.ts";
import { readPcapdroidCsv } from "../../../../src/formats/network/pcapdroid.ts";
import {
  certificateMessage,
  clientHello,
  clientHelloMessage,
  dnsOverTcp,
  dnsQuery,
  dnsResponse,
  ethernet,
  frame,
  ipv4,
  ipv4Fragments,
  ipv6,
  ipv6Fragments,
  pcap,
  pcapHeader,
  pcapng,
  pcapngInterface,
  pcapngPacket,
  pcapngSectionHeader,
  quicInitial,
  serverFlight,
  serverHelloMessage,
  tcp,
  TCP,
  tcpSession,
  tlsRecords,
  udp,
  type Pkt,
} from "../../../helpers/net-builder.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const T0 = Date.UTC(2024, 2, 20, 9, 0, 0);

/** Reads a capture (given in chunks of `chunk` bytes) into records by kind. */
async function decode(file: Buffer, chunk = 1 << 16): Promise<{ stats: CaptureStats; recs: NetRecord[]; by: <K extends NetRecord["kind"]>(k: K) => Extract<NetRecord, { kind: K }>["r"][]; reader: TrafficReader }> {
  const recs: NetRecord[] = [];
  const reader = new TrafficReader((r) => recs.push(r), "test.pcap");
  const parts: Buffer[] = [];
  for (let o = 0; o < file.length; o += chunk) parts.push(file.subarray(o, o + chunk));
  const stats = await readCapture(Readable.from(parts), reader.frame);
  reader.finish();
  return { stats, recs, reader, by: (k) => recs.filter((r) => r.kind === k).map((r) => r.r) as never };
}

const dnsPair = (name: string, ips: string[], opts: { cnames?: string[]; nxdomain?: boolean; id?: number } = {}): Pkt[] => [
  { ts: T0, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000, 53, dnsQuery(name, opts.id ?? 1))) },
  { ts: T0 + 20, data: frame("10.0.0.1", "10.0.0.2", 17, udp(53, 40000, dnsResponse(name, ips, { id: opts.id ?? 1, ...opts }))) },
];

test("pcap in both byte orders and both time units gives the same packets and times", async () => {
  const pkts = dnsPair("a.example.com", ["192.0.2.1"]);
  for (const opts of [{}, { bigEndian: true }, { nanos: true }, { nanos: true, bigEndian: true }]) {
    const { stats, by } = await decode(pcap(pkts, 1, opts));
    assert.equal(stats.packets, 2, JSON.stringify(opts));
    assert.equal(stats.format, "pcap");
    const [d] = by("dns");
    assert.equal(d!.query, "a.example.com");
    assert.equal(d!.timestamp, "2024-03-20T09:00:00.000Z");
    assert.deepEqual(d!.answer_ips, ["192.0.2.1"]);
  }
});

test("pcapng with microsecond and nanosecond interfaces, read one byte at a time", async () => {
  for (const tsresol of [undefined, 9]) {
    const file = pcapng(dnsPair("b.example.com", ["192.0.2.2"]), 1, tsresol);
    const { stats, by } = await decode(file, 1);
    assert.equal(stats.format, "pcapng");
    assert.equal(stats.packets, 2);
    assert.equal(by("dns")[0]!.timestamp, "2024-03-20T09:00:00.000Z");
  }
});

test("gzip-compressed captures are inflated on the fly", async () => {
  const { stats, by } = await decode(gzipSync(pcap(dnsPair("gz.example.com", ["192.0.2.3"]))));
  assert.ok(stats.gzip);
  assert.equal(by("dns")[0]!.query, "gz.example.com");
});

test("a capture that cannot be read at all is a VigilError naming the file; damaged gzip is told from a bug", async () => {
  const read = (b: Buffer, onPacket: () => void = () => {}) => readCapture(Readable.from([b]), onPacket, "x.pcap.gz");
  const gz = gzipSync(pcap(dnsPair("gz.example.com", ["192.0.2.3"])));
  const broken = Buffer.from(gz);
  broken.fill(0x55, 10, 30);
  await assert.rejects(read(broken), (e: unknown) => e instanceof VigilError && e.file === "x.pcap.gz" && /^gzip data is damaged before the capture's header \(/.test(e.message));
  await assert.rejects(read(Buffer.from("hello world, no capture")), (e: unknown) => e instanceof VigilError && /not a pcap or pcapng capture/.test(e.message));
  await assert.rejects(read(Buffer.alloc(0)), (e: unknown) => e instanceof VigilError && e.message === "empty file");
  // An error of the reader itself inside a gzipped capture is not taken for damaged gzip data.
  await assert.rejects(read(gz, () => { throw new TypeError("a bug"); }), TypeError);
  const cut = await read(gz.subarray(0, gz.length - 30));
  assert.match(cut.problems[0]!, /gzip data ends early or is damaged/);
});

test("a CSV that is not PCAPdroid's, or is empty, is a VigilError naming the file", async () => {
  async function* lines(...l: string[]) {
    yield* l;
  }
  const read = (...l: string[]) => readPcapdroidCsv(lines(...l), "conns.csv", () => {}, () => {});
  await assert.rejects(read("a,b,c", "1,2,3"), (e: unknown) => e instanceof VigilError && e.file === "conns.csv" && /not a PCAPdroid connections CSV/.test(e.message));
  await assert.rejects(read("", "  "), (e: unknown) => e instanceof VigilError && e.message === "empty file");
  const flows: NetRecord[] = [];
  await readPcapdroidCsv(lines("IPProto,SrcIP,SrcPort,DstIP,DstPort,Info,FirstSeen", "constructor,10.0.0.2,4000,192.0.2.1,443,x.example,1710925200000"), "conns.csv", (r) => flows.push(r), () => {});
  assert.equal((flows[0]!.r as { proto: unknown }).proto, "constructor", "a protocol named like an inherited property is kept as written");
});

test("link types: Ethernet with VLAN, raw IP, Linux SLL and SLL2, BSD null and loop, 802.11 with radiotap", async () => {
  const l4 = udp(40000, 53, dnsQuery("link.example.com", 3));
  const ip = ipv4("10.0.0.2", "10.0.0.1", 17, l4);
  const sll = Buffer.concat([Buffer.alloc(14), Buffer.from([8, 0]), ip]);
  const sll2 = Buffer.concat([Buffer.from([8, 0]), Buffer.alloc(18), ip]);
  const nullLe = Buffer.concat([Buffer.from([2, 0, 0, 0]), ip]);
  const loop = Buffer.concat([Buffer.from([0, 0, 0, 2]), ip]);
  const wifiHdr = Buffer.alloc(24);
  wifiHdr[0] = 0x88; // QoS data
  wifiHdr[1] = 0x01; // to DS
  const qos = Buffer.alloc(2);
  const snap = Buffer.from([0xaa, 0xaa, 3, 0, 0, 0, 8, 0]);
  const radiotap = Buffer.from([0, 0, 8, 0, 0, 0, 0, 0]);
  const wifi = Buffer.concat([radiotap, wifiHdr, qos, snap, ip]);
  const cases: [number, Buffer][] = [
    [1, ethernet(ip, 0x0800, 42)],
    [101, ip],
    [228, ip],
    [113, sll],
    [276, sll2],
    [0, nullLe],
    [108, loop],
    [127, wifi],
  ];
  for (const [lt, data] of cases) {
    const { by, stats } = await decode(pcap([{ ts: T0, data }], lt));
    assert.deepEqual(stats.linkTypes, [lt]);
    assert.equal(by("dns")[0]?.query, "link.example.com", `link type ${lt}`);
  }
  // A WPA-protected data frame cannot be read: counted, not guessed.
  const prot = Buffer.from(wifi);
  prot[8 + 1] = 0x41;
  const { reader, recs } = await decode(pcap([{ ts: T0, data: prot }], 127));
  assert.equal(recs.length, 0);
  assert.equal(reader.linkStats.encrypted80211, 1);
});

test("IPv6, and IPv4 and IPv6 fragments put back together (in any order)", async () => {
  const big = dnsResponse("frag.example.com", Array.from({ length: 40 }, (_, i) => `192.0.2.${i + 1}`), { id: 5 });
  const v4 = ipv4Fragments("10.0.0.1", "10.0.0.2", 17, udp(53, 40000, big), 256).map((p) => ethernet(p));
  const v6 = ipv6Fragments("2001:db8::1", "2001:db8::2", 17, udp(53, 40001, dnsResponse("frag6.example.com", ["2001:db8::99"], { id: 6 })), 48).map((p) => ethernet(p, 0x86dd));
  const plain6 = ethernet(ipv6("2001:db8::2", "2001:db8::1", 17, udp(40002, 53, dnsQuery("v6.example.com", 8))), 0x86dd);
  const pkts: Pkt[] = [...v4.reverse(), ...v6, plain6].map((data, i) => ({ ts: T0 + i, data }));
  const { by, reader } = await decode(pcap(pkts));
  const names = by("dns").map((d) => d.query).sort();
  assert.deepEqual(names, ["frag.example.com", "frag6.example.com", "v6.example.com"]);
  assert.equal(by("dns").find((d) => d.query === "frag.example.com")!.answer_ips.length, 40);
  assert.equal(by("dns").find((d) => d.query === "v6.example.com")!.client_ip, "2001:db8::2");
  assert.equal(reader.linkStats.reassembled, 2);
});

test("DNS: CNAME chains, NXDOMAIN, an unanswered query, and DNS over TCP split across segments", async () => {
  const tcpDns = tcpSession({ client: "10.0.0.2", server: "10.0.0.1", cport: 41000, sport: 53, ts: T0 + 100, toServer: [dnsOverTcp(dnsQuery("tcp.example.com", 9))], toClient: [dnsOverTcp(dnsResponse("tcp.example.com", ["192.0.2.9"], { id: 9 }))], mss: 7 });
  const pkts: Pkt[] = [
    ...dnsPair("www.example.com", ["192.0.2.10"], { cnames: ["edge.cdn.example.net"], id: 2 }),
    ...dnsPair("missing.example.com", [], { nxdomain: true, id: 3 }),
    { ts: T0 + 50, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40005, 53, dnsQuery("silent.example.com", 4))) },
    ...tcpDns,
  ];
  const { by } = await decode(pcap(pkts));
  const d = Object.fromEntries(by("dns").map((r) => [r.query, r]));
  assert.deepEqual(d["www.example.com"]!.cnames, ["edge.cdn.example.net"]);
  assert.deepEqual(d["www.example.com"]!.answer_ips, ["192.0.2.10"]);
  assert.equal(d["missing.example.com"]!.rcode, "NXDOMAIN");
  assert.equal(d["silent.example.com"]!.answered, false);
  assert.equal(d["tcp.example.com"]!.transport, "tcp");
  assert.deepEqual(d["tcp.example.com"]!.answer_ips, ["192.0.2.9"]);
});

test("TLS: the server name of a ClientHello split across segments and records, out of order, with retransmissions", async () => {
  const hello = tlsRecords(clientHelloMessage({ sni: "split.example.org", alpn: ["h2"], versions: [0x0304, 0x0303], grease: true }), 22, 60);
  const pkts = tcpSession({ client: "10.0.0.2", server: "198.51.100.7", cport: 50000, sport: 443, ts: T0, toServer: [hello], toClient: [serverFlight(0x0304)], mss: 40 });
  // Swap two data segments and repeat one: reassembly must still find the name.
  const data = pkts.filter((p) => p.data.length > 54 + 10);
  const i = pkts.indexOf(data[1]!);
  [pkts[i], pkts[i + 1]] = [pkts[i + 1]!, pkts[i]!];
  pkts.splice(i + 3, 0, { ...pkts[i + 2]! });
  const { by } = await decode(pcap(pkts));
  const [t] = by("tls");
  assert.equal(t!.server_name, "split.example.org");
  assert.equal(t!.version, "TLSv1.3");
  assert.deepEqual(t!.alpn, ["h2"]);
  assert.equal(t!.cert_sha256, undefined, "TLS 1.3 certificates are encrypted");
  const [f] = by("flow");
  assert.equal(f!.server_name, "split.example.org");
  assert.equal(f!.src_ip, "10.0.0.2");
  assert.equal(f!.dst_port, 443);
  assert.equal(f!.app_protocol, "tls");
});

test("TLS 1.2: the server's certificates are hashed, leaf first", async () => {
  const leaf = Buffer.from("leaf certificate bytes");
  const ca = Buffer.from("issuer certificate bytes");
  const pkts = tcpSession({ client: "10.0.0.2", server: "198.51.100.8", cport: 50001, sport: 443, ts: T0, toServer: [clientHello({ sni: "old.example.org" })], toClient: [serverFlight(0x0303, [leaf, ca])], mss: 100 });
  const { by } = await decode(pcap(pkts));
  const certs = by("cert");
  assert.equal(certs.length, 2);
  assert.equal(certs[0]!.position, 0);
  assert.equal(certs[0]!.cert_sha256, createHash("sha256").update(leaf).digest("hex"));
  assert.equal(certs[1]!.cert_sha1, createHash("sha1").update(ca).digest("hex"));
  assert.equal(by("tls")[0]!.version, "TLSv1.2");
});

test("JA3 and JA4 of a ClientHello, GREASE values left out", () => {
  const msg = clientHelloMessage({ sni: "ja.example.com", alpn: ["h2", "http/1.1"], versions: [0x0304, 0x0303], ciphers: [0x1301, 0x1302], groups: [0x001d], grease: true });
  const ch = parseClientHello(splitMessages(msg)[0]!.body)!;
  const j = ja3(ch);
  // Ciphers, extensions (in order: sni 0, groups 10, point formats 11, sig algs 13, alpn 16,
  // versions 43), groups and point formats, GREASE removed.
  assert.equal(j.text, "771,4865-4866,0-10-11-13-16-43,29,0");
  // JA4: t, TLS 1.3, SNI present (d), 2 ciphers, 6 extensions, ALPN "h2"; then the hashes.
  const f = ja4(ch, "t");
  assert.match(f, /^t13d0206h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
  const sha12 = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);
  assert.equal(f, `t13d0206h2_${sha12("1301,1302")}_${sha12("000a,000b,000d,002b_0403,0804,0401")}`);
});

test("HTTP: method, Host and URL of each request of a kept-alive connection", async () => {
  const reqs = Buffer.from("POST /up HTTP/1.1\r\nHost: api.example.net\r\nContent-Length: 5\r\n\r\nhelloGET /next?x=1 HTTP/1.1\r\nHost: api.example.net:8080\r\nUser-Agent: t/1\r\n\r\n");
  const { by } = await decode(pcap(tcpSession({ client: "10.0.0.2", server: "203.0.113.5", cport: 50002, sport: 8080, ts: T0, toServer: [reqs], mss: 30 })));
  const h = by("http");
  assert.deepEqual(
    h.map((r) => [r.method, r.url, r.user_agent]),
    [
      ["POST", "http://api.example.net/up", undefined],
      ["GET", "http://api.example.net:8080/next?x=1", "t/1"],
    ],
  );
});

test("QUIC: the server name of a ClientHello spread over two Initial packets, in either order, versions 1 and 2", async () => {
  for (const version of [1, 0x6b3343cf]) {
    const msg = clientHelloMessage({ sni: "quic.example.com", alpn: ["h3"], versions: [0x0304] });
    const dcid = Buffer.from("0011223344556677", "hex");
    const a = quicInitial(dcid, msg.subarray(0, 90), { version, pn: 0 });
    const b = quicInitial(dcid, msg.subarray(90), { version, pn: 1, offset: 90 });
    const pkts = [b, a].map((p, i) => ({ ts: T0 + i, data: frame("10.0.0.2", "142.250.0.1", 17, udp(51000, 443, p)) }));
    const { by } = await decode(pcap(pkts));
    const [q] = by("quic");
    assert.equal(q?.server_name, "quic.example.com", `version ${version}`);
    assert.equal(q!.quic_version, version === 1 ? "1" : "2");
    assert.match(q!.ja4!, /^q13d/);
    assert.equal(by("flow")[0]!.app_protocol, "quic");
  }
});

test("QUIC: Initials packed with tiny CRYPTO frames do not keep an object per frame, and frames past a gap are bounded", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const dcid = Buffer.from("0011223344556677", "hex");
  // 7 datagrams per flow (the most looked at before giving up), each of ~21,000 empty frames.
  const empty = Buffer.concat(Array(21_000).fill(Buffer.from([6, 0, 0])));
  const dgrams = Array.from({ length: 7 }, (_, pn) => quicInitial(dcid, Buffer.alloc(0), { pn, frames: empty }));
  const reader = new TrafficReader(() => {}, "test.pcap");
  gc();
  const before = process.memoryUsage().heapUsed;
  let input = 0;
  for (let f = 0; f < 4; f++) {
    for (const [i, d] of dgrams.entries()) {
      const fr = frame(`10.0.0.${f + 2}`, "142.250.0.1", 17, udp(51000, 443, d));
      input += fr.length;
      reader.frame(1, fr, 0, fr.length, fr.length, T0 + i);
    }
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < input * 4, `heap grew by ${grown} bytes for ${input} bytes of capture`);
  reader.finish();

  // 1-byte frames, all past a gap at offset 1000: counted as a cut handshake, not kept.
  const past = Buffer.concat(Array(100).fill(Buffer.from([6, 0x43, 0xe8, 1, 0x41])));
  const { reader: r2, by } = await decode(pcap([{ ts: T0, data: frame("10.0.0.2", "142.250.0.1", 17, udp(51000, 443, quicInitial(dcid, Buffer.alloc(0), { frames: past }))) }]));
  assert.equal(r2.stats.cappedStreams, 1);
  assert.equal(by("flow")[0]!.app_protocol, "quic");
});

test("a packet cut by the snapshot length, wrong checksums, and a last packet cut short by the end of the file", async () => {
  const hello = clientHello({ sni: "cut.example.com" });
  const pkts = tcpSession({ client: "10.0.0.2", server: "198.51.100.9", cport: 50003, sport: 443, ts: T0, toServer: [hello] });
  const i = pkts.findIndex((p) => p.data.length > 60);
  const whole = pkts[i]!.data;
  pkts[i] = { ts: pkts[i]!.ts, data: whole.subarray(0, 80), origLen: whole.length };
  const file = Buffer.concat([pcap([...dnsPair("ok.example.com", ["192.0.2.4"]), ...pkts]), pcap(dnsPair("late.example.com", ["192.0.2.5"])).subarray(24, 24 + 30)]);
  const { stats, by, reader } = await decode(file);
  assert.equal(stats.cut, 1);
  assert.equal(reader.stats.cutHandshakes, 1);
  assert.equal(by("tls").length, 0, "the name was in the bytes the capture cut");
  assert.equal(by("dns")[0]!.query, "ok.example.com", "wrong checksums are read anyway");
  assert.equal(stats.damaged, 1);
  assert.match(stats.problems[0]!, /cut short/);
});

test("a damaged pcap record header and a damaged pcapng block are stepped over and the rest is read", async () => {
  const before = dnsPair("before.example.com", ["192.0.2.6"], { id: 11 });
  const after = dnsPair("after.example.com", ["192.0.2.7"], { id: 12 });
  const bad = pcapRecordsWith(before, after);
  const r1 = await decode(bad, 37);
  assert.deepEqual(r1.by("dns").map((d) => d.query), ["before.example.com", "after.example.com"]);
  assert.equal(r1.stats.damaged, 1);
  assert.match(r1.stats.problems[0]!, /damaged.*skipped/);

  const junk = Buffer.alloc(64, 0xee);
  junk.writeUInt32LE(6, 0);
  junk.writeUInt32LE(999999, 4);
  const ng = Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), ...before.map((p) => pcapngPacket(p)), junk, ...after.map((p) => pcapngPacket(p))]);
  const r2 = await decode(ng, 50);
  assert.deepEqual(r2.by("dns").map((d) => d.query), ["before.example.com", "after.example.com"]);
  assert.equal(r2.stats.damaged, 1);
  assert.match(r2.stats.problems[0]!, /impossible length.*skipped/);
});

test("a long damaged stretch read in small chunks is searched once, with the same outcome as in one chunk (fuzz capture #173)", async () => {
  // 2 MB without a readable record header after a damaged one: each new chunk searched the
  // whole kept stretch again, from the damaged header (20 s of CPU for a 950 KB file).
  const before = dnsPair("before.example.com", ["192.0.2.6"], { id: 11 });
  const after = dnsPair("after.example.com", ["192.0.2.7"], { id: 12 });
  const stretch = Buffer.alloc(2 << 20, 0xff);
  const good = pcapRecordsWith(before, after);
  const at = good.length - pcap(after).length + 24;
  const bad = Buffer.concat([good.subarray(0, at), stretch, good.subarray(at)]);
  const junk = Buffer.alloc(64, 0xee);
  junk.writeUInt32LE(6, 0);
  junk.writeUInt32LE(999999, 4);
  const ng = Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), ...before.map((p) => pcapngPacket(p)), junk, stretch, ...after.map((p) => pcapngPacket(p))]);
  for (const file of [bad, ng]) {
    const whole = await decode(file, file.length);
    const small = await withinCpu(5, "the damaged stretch in 1 KB chunks", () => decode(file, 1024));
    assert.deepEqual(small.by("dns").map((d) => d.query), ["before.example.com", "after.example.com"]);
    assert.deepEqual(small.stats.problems, whole.stats.problems);
    assert.equal(small.stats.damaged, 1);
  }
});

/** A pcap with a record header of impossible lengths between two good parts. */
function pcapRecordsWith(before: Pkt[], after: Pkt[]): Buffer {
  const good = (ps: Pkt[]) => pcap(ps).subarray(24);
  const junk = Buffer.alloc(16, 0);
  junk.writeUInt32LE(T0 / 1000, 0);
  junk.writeUInt32LE(0xfffffff0, 8);
  junk.writeUInt32LE(5, 12);
  return Buffer.concat([pcapHeader(1), good(before), junk, Buffer.alloc(13, 0x77), good(after)]);
}

test("a pcapng packet block too short for its fields is counted, not read past its end", async () => {
  // An enhanced packet block of 12 bytes (type, length, length) at the end of the file: its
  // interface, time and lengths were read from past the end of the buffer, a RangeError.
  const short = (type: number) => {
    const b = Buffer.alloc(12);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(12, 4);
    b.writeUInt32LE(12, 8);
    return b;
  };
  const before = dnsPair("before.example.com", ["192.0.2.6"], { id: 11 });
  for (const type of [6, 2, 3]) {
    const ng = Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), ...before.map((p) => pcapngPacket(p)), short(type)]);
    for (const chunk of [ng.length, 50]) {
      const r = await decode(ng, chunk);
      assert.deepEqual(r.by("dns").map((d) => d.query), ["before.example.com"]);
      assert.equal(r.stats.packets, 2);
      assert.equal(r.stats.damaged, 1);
      assert.match(r.stats.problems[0]!, /packet block at byte \d+ is 12 bytes long, too short/);
    }
  }
});

test("IP fragments that disagree on where the datagram ends are dropped, not copied out of bounds", async () => {
  // A fragment at offset 32 kept while a later last fragment says the datagram ends at 24: its
  // copy into the 24-byte datagram threw a RangeError.
  const frag = (off: number, len: number, more: boolean) => ({ ts: T0, data: ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, Buffer.alloc(len, 1), { id: 5, fragOffset: off, more })) });
  const after = dnsPair("after.example.com", ["192.0.2.7"], { id: 12 });
  const { reader, by } = await decode(pcap([frag(0, 104, true), frag(32, 8, true), frag(16, 8, false), ...after]));
  assert.equal(reader.linkStats.reassembled, 0);
  assert.equal(reader.linkStats.fragmentsDropped, 3);
  assert.deepEqual(by("dns").map((d) => d.query), ["after.example.com"]);
});

test("TLS: thousands of empty records, then a byte a segment, are read once (linear), and the ClientHello after them", async () => {
  // 32 KB of empty handshake records, then 28,000 segments of one byte: the whole stream was
  // read again at each segment (13 s of CPU for this 2 MB capture).
  const c = "10.0.0.2";
  const s = "10.0.0.1";
  const empty = Buffer.from([22, 3, 1, 0, 0]); // a handshake record with nothing in it
  const filler = Buffer.concat(Array.from({ length: 6500 }, () => empty));
  const tail = Buffer.concat([Buffer.from([22, 3, 1, 0xff, 0xff]), Buffer.alloc(28_000)]);
  const pkts: Pkt[] = [{ ts: T0, data: frame(c, s, 6, tcp(40000, 443, 1000, TCP.SYN)) }];
  let seq = 1001;
  pkts.push({ ts: T0 + 1, data: frame(c, s, 6, tcp(40000, 443, seq, TCP.ACK, filler)) });
  seq += filler.length;
  for (let i = 0; i < tail.length; i++) pkts.push({ ts: T0 + 2, data: frame(c, s, 6, tcp(40000, 443, seq + i, TCP.ACK, tail.subarray(i, i + 1))) });
  const file = pcap(pkts);
  const { by, reader } = await withinCpu(5, "a byte a segment after 6,500 empty records", () => decode(file));
  assert.equal(by("tls").length, 0);
  assert.equal(reader.stats.packets, pkts.length);

  // The same records, then a ClientHello split a few bytes a segment: its server name is read.
  const hello = clientHello({ sni: "after.empty.example" });
  const ps: Pkt[] = [{ ts: T0, data: frame(c, s, 6, tcp(40001, 443, 1000, TCP.SYN)) }, { ts: T0 + 1, data: frame(c, s, 6, tcp(40001, 443, 1001, TCP.ACK, filler.subarray(0, 500))) }];
  for (let o = 0; o < hello.length; o += 7) ps.push({ ts: T0 + 2, data: frame(c, s, 6, tcp(40001, 443, 1501 + o, TCP.ACK, hello.subarray(o, o + 7))) });
  const r = await decode(pcap(ps));
  assert.deepEqual(r.by("tls").map((t) => t.server_name), ["after.empty.example"]);
});

test("not a capture: a clear error, not an empty result", async () => {
  await assert.rejects(decode(Buffer.from("this is a text file, not a capture\n")), /not a pcap or pcapng capture/);
  await assert.rejects(decode(Buffer.alloc(0)), /empty file/);
});

test("flows: both directions counted on one flow, ended by FIN, with bytes and times; ICMP too", async () => {
  const pkts = [
    ...tcpSession({ client: "10.0.0.2", server: "198.51.100.10", cport: 50004, sport: 5228, ts: T0, toServer: [Buffer.alloc(100)], toClient: [Buffer.alloc(3000)] }),
    { ts: T0 + 500, data: frame("10.0.0.2", "198.51.100.11", 1, Buffer.alloc(16)) },
  ];
  const { by } = await decode(pcap(pkts));
  const flows = by("flow");
  const t = flows.find((f) => f.proto === "tcp")!;
  assert.equal(t.packets, pkts.length - 1);
  assert.equal(t.open, undefined);
  assert.ok(t.bytes_in! > 3000 && t.bytes_out! > 100);
  assert.equal(t.app_protocol, undefined);
  assert.equal(flows.find((f) => f.proto === "icmp")!.dst_ip, "198.51.100.11");
});

test("IPv6 addresses are written in their compressed form", () => {
  assert.equal(ipText("20010db8000000000000000000000001"), "2001:db8::1");
  assert.equal(ipText("00000000000000000000ffffc0000201"), "::ffff:192.0.2.1");
  assert.equal(ipText(0xc0000201), "192.0.2.1");
});

test("the TLS messages of a certificate chain are read whole across records", () => {
  const msg = Buffer.concat([serverHelloMessage(0x0303), certificateMessage([Buffer.alloc(5000, 1), Buffer.alloc(3000, 2)])]);
  const recs = tlsRecords(msg, 22, 1000);
  const { messages } = handshakeMessages(recs);
  assert.deepEqual(messages.map((m) => m.type), [2, 11]);
});
