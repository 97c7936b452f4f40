// Network evidence (`vigil check-network`): packet captures, whose bytes the attacker chose
// packet by packet, through the framing (pcap, pcapng, gzip), link and IP decoding, fragments,
// TCP streams, DNS, TLS, QUIC and HTTP; and the sensors' logs (Zeek, Suricata's eve.json,
// PCAPdroid's CSV, the App Privacy Report). Every record is encoded as the pass's spill does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readAppPrivacyReport } from "../../src/formats/network/app-privacy-report.ts";
import { readCapture } from "../../src/formats/network/capture.ts";
import { readPcapdroidCsv } from "../../src/formats/network/pcapdroid.ts";
import type { NetRecord } from "../../src/formats/network/records.ts";
import { sourceKind } from "../../src/formats/network/sources.ts";
import { readEve } from "../../src/formats/network/suricata.ts";
import { TrafficReader } from "../../src/formats/network/traffic.ts";
import { readZeek, zeekLogOf } from "../../src/formats/network/zeek.ts";
import { readLines } from "../../src/formats/lines.ts";
import {
  clientHello,
  dnsOverTcp,
  dnsQuery,
  dnsResponse,
  ethernet,
  frame,
  ipv4Fragments,
  ipv6Fragments,
  pcap,
  pcapng,
  quicInitial,
  clientHelloMessage,
  serverFlight,
  tcpSession,
  udp,
  type Pkt,
} from "../../test/helpers/net-builder.ts";
import { BYTE_MUTATORS, deleteRange, flipBit, insertNoise, setByte, splice, truncate } from "../engine/bytes.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";

const TEXT = [...TEXT_MUTATORS, ...TEXT_MUTATORS, flipBit, setByte, truncate, deleteRange, insertNoise, splice];
const T0 = Date.UTC(2024, 2, 20, 9, 0, 0);
const FIXTURES = join(import.meta.dirname, "../../test/fixtures/network");

/** A few seconds of a phone's traffic touching every protocol the reader decodes. */
function trafficPackets(): Pkt[] {
  const phone = "10.0.0.2";
  const dns = "10.0.0.1";
  const pkts: Pkt[] = [
    { ts: T0, data: frame(phone, dns, 17, udp(40000, 53, dnsQuery("c2.evil.example", 1))) },
    { ts: T0 + 5, data: frame(dns, phone, 17, udp(53, 40000, dnsResponse("c2.evil.example", ["203.0.113.9"], { cnames: ["edge.cdn.example"] }))) },
    { ts: T0 + 6, data: frame(phone, dns, 17, udp(40001, 53, dnsResponse("gone.example", [], { id: 2, nxdomain: true }))) },
  ];
  pkts.push(...tcpSession({ client: phone, server: dns, cport: 50010, sport: 53, ts: T0 + 10, toServer: [dnsOverTcp(dnsQuery("tcp.evil.example", 3))], toClient: [dnsOverTcp(dnsResponse("tcp.evil.example", ["198.51.100.7"], { id: 3 }))] }));
  // A ClientHello cut into small segments, a TLS 1.2 server flight with two certificates.
  pkts.push(...tcpSession({ client: phone, server: "203.0.113.9", cport: 50011, sport: 443, ts: T0 + 100, toServer: [clientHello({ sni: "c2.evil.example" })], toClient: [serverFlight(0x0303, [Buffer.from("leaf certificate"), Buffer.from("issuer")])], mss: 60 }));
  pkts.push(...tcpSession({ client: phone, server: "198.51.100.7", cport: 50012, sport: 80, ts: T0 + 200, toServer: [Buffer.from("GET /a?x=1 HTTP/1.1\r\nHost: evil.example\r\nUser-Agent: t\r\n\r\n")], toClient: [Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")] }));
  pkts.push(...tcpSession({ client: "2001:db8::2", server: "2001:db8::443", cport: 50013, sport: 443, ts: T0 + 300, toServer: [clientHello({ sni: "v6.example" })], toClient: [serverFlight(0x0304)] }));
  const dcid = Buffer.from("0011223344556677", "hex");
  pkts.push({ ts: T0 + 400, data: frame(phone, "203.0.113.10", 17, udp(50014, 443, quicInitial(dcid, clientHelloMessage({ sni: "quic.evil.example" })))) });
  // A DNS answer in IPv4 fragments and one in IPv6 fragments.
  const big = udp(53, 40002, dnsResponse("frag.example", Array.from({ length: 60 }, (_, i) => `192.0.2.${i + 1}`), { id: 4 }));
  for (const f of ipv4Fragments(dns, phone, 17, big, 256)) pkts.push({ ts: T0 + 500, data: ethernet(f) });
  for (const f of ipv6Fragments("2001:db8::1", "2001:db8::2", 17, big, 256)) pkts.push({ ts: T0 + 501, data: ethernet(f, 0x86dd) });
  return pkts;
}

/** The capture fed in chunks whose size follows the input's length, as a file's reads would cut it. */
async function* chunks(input: Buffer): AsyncGenerator<Buffer> {
  const size = 512 + ((input.length * 2654435761) >>> 0) % 65_536;
  for (let o = 0; o < input.length; o += size) yield input.subarray(o, o + size);
}

async function readCaptureInput(input: Buffer): Promise<number> {
  let n = 0;
  const reader = new TrafficReader((r) => {
    JSON.stringify(r.r);
    n++;
  }, "fuzz.pcap");
  await readCapture(chunks(input), reader.frame, "fuzz.pcap");
  reader.finish();
  return n;
}

const LOG_SEEDS: [string, string][] = [
  [
    "dns.log",
    [
      "#separator \\x09",
      "#set_separator\t,",
      "#path\tdns",
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode_name\tanswers\tTTLs",
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tstring\tstring\tvector[string]\tvector[interval]",
      `${T0 / 1000}\tC1\t10.0.0.2\t5353\t10.0.0.1\t53\tudp\t7\tc2.evil.example\tA\tNOERROR\tedge.cdn.example,192.0.2.55\t60.000000,300.000000`,
      `${T0 / 1000 + 1}\tC3\t10.0.0.2\t5354\t10.0.0.1\t53\tudp\t8\tgone.example\tAAAA\tNXDOMAIN\t-\t-`,
      "#close\t2024-03-20-10-00-00",
    ].join("\n"),
  ],
  ["ssl.log", JSON.stringify({ ts: T0 / 1000 + 1, uid: "C2", "id.orig_h": "10.0.0.2", "id.orig_p": 50000, "id.resp_h": "192.0.2.55", "id.resp_p": 443, version: "TLSv13", server_name: "c2.evil.example", ja3: "9dffdb8b608a430b774a2ff7d36c1a0c", ja4: "t13d1516h2_8daaf6152771_e5627efa2ab1", established: true })],
  ["conn.log", JSON.stringify({ ts: T0 / 1000 + 1, uid: "C2", "id.orig_h": "10.0.0.2", "id.orig_p": 50000, "id.resp_h": "203.0.113.200", "id.resp_p": 443, proto: "tcp", service: "ssl", duration: 4.5, orig_ip_bytes: 900, resp_ip_bytes: 12000 })],
  ["x509.log", JSON.stringify({ ts: T0 / 1000 + 1, id: "F1", fingerprint: "a".repeat(64), "certificate.subject": "CN=c2.evil.example", "certificate.issuer": "CN=ca", "san.dns": ["c2.evil.example"] })],
  ["http.log", JSON.stringify({ ts: T0 / 1000 + 2, uid: "C4", "id.orig_h": "10.0.0.2", "id.orig_p": 50001, "id.resp_h": "198.51.100.7", "id.resp_p": 80, method: "GET", host: "evil.example", uri: "/a", user_agent: "UA" })],
  [
    "eve.json",
    [
      { event_type: "tls", tls: { sni: "beacon.evil.example", version: "TLS 1.2", fingerprint: "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd", ja3: { hash: "00112233445566778899aabbccddeeff" } } },
      { event_type: "dns", src_port: 5000, dest_port: 53, proto: "UDP", dns: { version: 2, type: "answer", id: 3, rrname: "quic-c2.evil.example", rrtype: "A", rcode: "NOERROR", grouped: { A: ["192.0.2.61"] } } },
      { event_type: "http", dest_port: 80, http: { hostname: "c2.evil.example", url: "/x", http_method: "GET", http_user_agent: "UA" } },
      { event_type: "alert", alert: { action: "allowed", signature_id: 2000001, signature: "ET MALWARE test beacon", category: "A Network Trojan was detected", severity: 1 } },
      { event_type: "flow", flow: { pkts_toserver: 5, pkts_toclient: 6, bytes_toserver: 500, bytes_toclient: 6000, start: "2024-03-20T09:30:00.100000+0000", end: "2024-03-20T09:30:05.000000+0000" } },
    ]
      .map((e, i) => JSON.stringify({ timestamp: `2024-03-20T09:30:0${i}.000000+0000`, flow_id: 1000 + i, src_ip: "10.0.0.2", src_port: 41000 + i, dest_ip: "192.0.2.61", dest_port: 443, proto: "TCP", ...e }))
      .join("\n"),
  ],
  [
    "Connections_PCAPdroid.csv",
    "IPProto,SrcIP,SrcPort,DstIP,DstPort,UID,App,Proto,Status,Info,BytesSent,BytesRcvd,PktsSent,PktsRcvd,FirstSeen,LastSeen\n" +
      `17,10.0.0.2,41000,10.0.0.1,53,10123,Suspicious Helper,DNS,CLOSED,beacon.evil.example,60,120,1,1,${T0},${T0 + 50}\n` +
      `6,10.0.0.2,41001,192.0.2.70,443,10123,"Helper, ""quoted""",TLS,CLOSED,c2.evil.example,900,5000,8,9,${T0 + 100},${T0 + 100_000}\n`,
  ],
  [
    "App_Privacy_Report_v4_2024-03-20T10_10_00.ndjson",
    [
      { domain: "c2.evil.example", firstTimeStamp: "2024-03-20T10:01:00.000+01:00", context: "", timeStamp: "2024-03-20T10:05:00.000+01:00", domainType: 2, initiatedType: "AppInitiated", hits: 12, type: "networkActivity", domainOwner: "", bundleID: "com.example.flashlight" },
      { accessor: { identifier: "com.example.flashlight", identifierType: "bundleID" }, category: "microphone", identifier: "X", kind: "intervalBegin", timeStamp: "2024-03-20T10:02:00.000+01:00", type: "access" },
    ]
      .map((e) => JSON.stringify(e))
      .join("\n"),
  ],
];

/** A log whose name is the input's first line (so the mutators can change which reader reads it). */
async function readLogInput(input: Buffer): Promise<number> {
  const nl = input.indexOf(10);
  const name = (nl < 0 ? input : input.subarray(0, nl)).toString("utf8");
  const body = nl < 0 ? Buffer.alloc(0) : input.subarray(nl + 1);
  let n = 0;
  const sink = (r: NetRecord) => {
    JSON.stringify(r.r);
    n++;
  };
  const problem = () => {};
  const lines = readLines(chunks(body));
  switch (sourceKind(name)) {
    case "zeek":
      await readZeek(lines, zeekLogOf(name)!, name, sink, problem);
      break;
    case "eve":
      await readEve(lines, name, sink, problem);
      break;
    case "apr":
      await readAppPrivacyReport(lines, name, sink, problem);
      break;
    default:
      await readPcapdroidCsv(lines, name, sink, problem);
  }
  return n;
}

export const networkTargets: Target[] = [
  {
    name: "capture",
    what: "packet captures: readCapture in src/formats/network/capture.ts and TrafficReader (packet.ts, traffic.ts, dns.ts, tls.ts, quic.ts, http.ts)",
    seeds: () => {
      const pkts = trafficPackets();
      const sll = pcap(pkts.slice(0, 3).map((p) => ({ ts: p.ts, data: Buffer.concat([Buffer.from([0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0]), p.data.subarray(14)]) })), 113);
      return [pcap(pkts), pcapng(pkts), pcap(pkts, 1, { nanos: true, bigEndian: true, snaplen: 200 }), gzipSync(pcap(pkts.slice(0, 20))), sll, ...["loopback-tls.pcap", "loopback-dns-http.pcapng"].map((f) => readFileSync(join(FIXTURES, f)))];
    },
    mutators: [...BYTE_MUTATORS, ...BYTE_MUTATORS],
    run: readCaptureInput,
  },
  {
    name: "network-logs",
    what: "network sensors' logs: readZeek (src/formats/network/zeek.ts), readEve (suricata.ts), readPcapdroidCsv (pcapdroid.ts), readAppPrivacyReport (app-privacy-report.ts)",
    seeds: () => LOG_SEEDS.map(([name, text]) => Buffer.from(`${name}\n${text}\n`)),
    mutators: TEXT,
    run: readLogInput,
  },
];
