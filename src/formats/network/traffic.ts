// From packets to records, in one pass: a flow table (both directions of a connection as one
// flow), TCP reassembled only as far as the handshake and request heads that name a server
// (TLS ClientHello, ServerHello and certificates; HTTP request heads; DNS over TCP), UDP DNS and
// QUIC Initial packets. Memory is bounded whatever the capture's size: at most MAX_FLOWS open
// flows (idle ones are closed and written out first), at most STREAM_CAP bytes buffered per
// direction of a flow, and nothing buffered once a flow's interesting part has been read.
import { createHash } from "node:crypto";
import { fromUnixMillis } from "../../core/time.ts";
import { decodeDns, type DnsMessage } from "./dns.ts";
import { Stream } from "./tcp-stream.ts";
import { looksLikeHttp, parseRequests, requestUrl } from "./http.ts";
import { ipText, PacketDecoder, type LinkStats, type Segment } from "./packet.ts";
import { decryptInitials, joinCrypto, looksLikeQuicInitial, quicVersionName } from "./quic.ts";
import type { DnsRecord, FlowRecord, NetSink } from "./records.ts";
import {
  certificateList,
  certInfo,
  HandshakeReader,
  ja3,
  ja4,
  parseClientHello,
  parseServerHello,
  splitMessages,
  versionName,
  type CertInfo,
  type ClientHello,
  type ServerHello,
} from "./tls.ts";

/** The bounds, documented in the README's network section. */
export const TRAFFIC_LIMITS = {
  /** Open flows kept at once; past it the longest-idle tenth is closed and written out. */
  maxFlows: 50_000,
  /** A flow with no packet for this long (capture time) is closed. */
  tcpIdleMs: 300_000,
  udpIdleMs: 60_000,
  /** A TCP flow that ended (FIN both ways, or RST) is closed after this much quiet. */
  endedGraceMs: 2_000,
  /** Bytes buffered per direction of a flow while its handshake or request heads are read. */
  streamCap: 65_536,
  /** DNS queries waiting for their answer; an unanswered one is written out after dnsTimeoutMs. */
  dnsPendingMax: 65_536,
  dnsTimeoutMs: 30_000,
  /** Client datagrams of a UDP flow looked at for QUIC Initial packets. */
  quicDatagrams: 8,
  /**
   * CRYPTO frames of a QUIC flow kept past a gap in their offsets, waiting for the bytes before
   * them (their bytes are bounded by streamCap too); past it the flow is counted in cappedStreams.
   */
  quicPendingParts: 64,
  /** Packets between two sweeps of the flow table. */
  sweepEvery: 32_768,
};

const FIN = 1;
const SYN = 2;
const RST = 4;
const ACK = 16;

export interface TrafficStats {
  packets: number;
  /** IP bytes on the wire. */
  bytes: number;
  first?: number;
  last?: number;
  flows: number;
  /** Flows closed early because the table was full. */
  flowsEvicted: number;
  /** TLS or HTTP handshakes whose bytes were cut by the capture's snaplen. */
  cutHandshakes: number;
  /** Handshakes that did not fit STREAM_CAP (rare: huge certificate chains). */
  cappedStreams: number;
  dnsMalformed: number;
  /** TCP segments that arrived out of order and could not be placed. */
  gaps: number;
}

class Flow {
  /** The next flow whose IPv4 key hashes to the same number (see TrafficReader.lookup). */
  chain: Flow | undefined;
  /** The flow's key: its string for IPv6, its hash for IPv4. */
  key: string | number = 0;
  pkts = 0;
  bytesOut = 0;
  bytesIn = 0;
  last: number;
  app: string | undefined;
  /** Payload is still being looked at. */
  inspect = true;
  /** FIN from the client (1), from the server (2), RST (4). */
  ended = 0;
  out: Stream | undefined;
  in: Stream | undefined;
  /** The TLS handshake messages read so far from each direction's stream. */
  hsOut: HandshakeReader | undefined;
  hsIn: HandshakeReader | undefined;
  serverName: string | undefined;
  /** What the TLS record needs from the ClientHello (see helloFacts). */
  hello: Hello | undefined;
  chTs = 0;
  sh: ServerHello | undefined;
  certs: CertInfo[] | undefined;
  quicParts: { offset: number; data: Buffer }[] | undefined;
  quicDcid: Buffer | undefined;
  quicDgrams = 0;
  ech = false;
  /** The endpoints' addresses as text, once a record needs them. */
  cText: string | undefined;
  sText: string | undefined;
  constructor(
    readonly proto: number,
    readonly cAddr: number | string,
    readonly cPort: number,
    readonly sAddr: number | string,
    readonly sPort: number,
    readonly first: number,
  ) {
    this.last = first;
  }
}

const SERVER_PORTS = new Set([53, 80, 443, 853, 123, 25, 110, 143, 465, 587, 993, 995, 22, 21, 5222, 5223, 5228, 8080, 8443, 3478, 1194, 4500, 500, 51820]);
function serverScore(port: number): number {
  return SERVER_PORTS.has(port) ? 3 : port < 1024 ? 2 : port < 49152 ? 1 : 0;
}

const PROTO_NAMES: Record<number, string> = { 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6", 50: "esp", 47: "gre", 51: "ah", 132: "sctp", 2: "igmp" };

const iso = (ms: number) => fromUnixMillis(ms) ?? "";

/**
 * What a TLS connection's record needs from its ClientHello, taken as soon as it is read: the
 * parsed message and its lists would otherwise stay with the flow until it closes, long enough
 * to be moved to the old generation of the heap, for every TLS connection.
 */
interface Hello {
  alpn: string[] | undefined;
  clientVersions: string[];
  ja3: string;
  ja3Text: string;
  ja4: string;
}

function helloFacts(ch: ClientHello): Hello {
  const j3 = ja3(ch);
  return {
    alpn: ch.alpn.length ? ch.alpn : undefined,
    clientVersions: (ch.versions.length ? ch.versions : [ch.legacyVersion]).filter((v) => (v & 0x0f0f) !== 0x0a0a).map(versionName),
    ja3: j3.hash,
    ja3Text: j3.text,
    ja4: ja4(ch, "t"),
  };
}

/** A 32-bit hash of an IPv4 flow's endpoints, given in a fixed order (signed: a small integer to the engine). */
function mix(a: number, pa: number, b: number, pb: number, proto: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((pa << 16) | pb), 0x27d4eb2f);
  h ^= proto;
  return h ^ (h >>> 15);
}

/**
 * Feeds packets in (`frame`), gets records out through the sink, and `finish()` writes out
 * what is still open at the end of the capture.
 */
export class TrafficReader {
  readonly stats: TrafficStats = { packets: 0, bytes: 0, flows: 0, flowsEvicted: 0, cutHandshakes: 0, cappedStreams: 0, dnsMalformed: 0, gaps: 0 };
  private readonly decoder: PacketDecoder;
  /** Open flows: IPv4 ones by a 32-bit hash of their endpoints (chained), IPv6 ones by string. */
  private readonly flows4 = new Map<number, Flow>();
  private readonly flows6 = new Map<string, Flow>();
  private openFlows = 0;
  private readonly texts = new Map<number | string, string>();
  private readonly pendingDns = new Map<string, { ts: number; rec: DnsRecord }>();
  /** Certificates already read, by their bytes' SHA-256: servers send the same chain again and again. */
  private readonly certs = new Map<string, CertInfo>();
  private sinceSweep = 0;
  private lastTs = 0;

  constructor(private readonly sink: NetSink, private readonly file: string) {
    this.decoder = new PacketDecoder((s) => this.segment(s));
  }

  get linkStats(): LinkStats {
    return this.decoder.stats;
  }

  frame = (linkType: number, data: Buffer, start: number, end: number, _orig: number, ts: number): void => {
    this.decoder.frame(linkType, data, start, end, Number.isNaN(ts) ? this.lastTs : ts);
  };

  private cert(der: Buffer): CertInfo {
    const key = createHash("sha256").update(der).digest("hex");
    let c = this.certs.get(key);
    if (!c) {
      if (this.certs.size >= 4096) this.certs.clear();
      c = certInfo(der);
      this.certs.set(key, c);
    }
    return c;
  }

  private text(a: number | string): string {
    let t = this.texts.get(a);
    if (t === undefined) {
      if (this.texts.size > 20_000) this.texts.clear();
      t = ipText(a);
      this.texts.set(a, t);
    }
    return t;
  }

  private clientText(f: Flow): string {
    return (f.cText ??= this.text(f.cAddr));
  }

  private serverText(f: Flow): string {
    return (f.sText ??= this.text(f.sAddr));
  }

  private segment(s: Segment): void {
    const ts = s.ts;
    const st = this.stats;
    st.packets++;
    st.bytes += s.ipLen;
    if (st.first === undefined || ts < st.first) st.first = ts;
    if (st.last === undefined || ts > st.last) st.last = ts;
    this.lastTs = ts;
    const f = this.lookup(s, ts);
    const fromClient = s.src === f.cAddr && s.sport === f.cPort;
    f.pkts++;
    if (ts > f.last) f.last = ts;
    if (fromClient) f.bytesOut += s.ipLen;
    else f.bytesIn += s.ipLen;
    if (s.proto === 6) this.tcp(f, s, fromClient, ts);
    else if (s.proto === 17) this.udp(f, s, fromClient, ts);
    if (++this.sinceSweep >= TRAFFIC_LIMITS.sweepEvery) this.sweep(ts, false);
  }

  /**
   * The flow of a segment, made when new. IPv4 flows are found by a number mixed from both
   * endpoints (in either direction), so that no key string is built per packet.
   */
  private lookup(s: Segment, ts: number): Flow {
    const a = s.src;
    const b = s.dst;
    if (typeof a === "number" && typeof b === "number") {
      const h = a < b || (a === b && s.sport <= s.dport) ? mix(a, s.sport, b, s.dport, s.proto) : mix(b, s.dport, a, s.sport, s.proto);
      for (let f = this.flows4.get(h); f !== undefined; f = f.chain) {
        if (f.proto === s.proto && ((f.cAddr === a && f.cPort === s.sport && f.sAddr === b && f.sPort === s.dport) || (f.cAddr === b && f.cPort === s.dport && f.sAddr === a && f.sPort === s.sport))) return f;
      }
      const f = this.newFlow(s, ts);
      f.key = h;
      f.chain = this.flows4.get(h);
      this.flows4.set(h, f);
      return f;
    }
    const key = a < b || (a === b && s.sport <= s.dport) ? `${a}|${s.sport}|${b}|${s.dport}|${s.proto}` : `${b}|${s.dport}|${a}|${s.sport}|${s.proto}`;
    let f = this.flows6.get(key);
    if (f === undefined) {
      f = this.newFlow(s, ts);
      f.key = key;
      this.flows6.set(key, f);
    }
    return f;
  }

  private *allFlows(): Generator<Flow> {
    for (const head of this.flows4.values()) for (let f: Flow | undefined = head; f; f = f.chain) yield f;
    yield* this.flows6.values();
  }

  private remove(f: Flow): void {
    this.openFlows--;
    if (typeof f.key === "string") {
      this.flows6.delete(f.key);
      return;
    }
    const head = this.flows4.get(f.key);
    if (head === f) {
      if (f.chain) this.flows4.set(f.key, f.chain);
      else this.flows4.delete(f.key);
      return;
    }
    for (let p = head; p; p = p.chain) {
      if (p.chain === f) {
        p.chain = f.chain;
        return;
      }
    }
  }

  private newFlow(s: Segment, ts: number): Flow {
    if (this.openFlows >= TRAFFIC_LIMITS.maxFlows) this.sweep(ts, true);
    let srcIsClient = true;
    if (s.proto === 6 && s.flags & SYN) srcIsClient = !(s.flags & ACK);
    else if (s.proto === 6 || s.proto === 17) srcIsClient = serverScore(s.dport) >= serverScore(s.sport);
    const f = srcIsClient ? new Flow(s.proto, s.src, s.sport, s.dst, s.dport, ts) : new Flow(s.proto, s.dst, s.dport, s.src, s.sport, ts);
    if (s.proto !== 6 && s.proto !== 17) f.inspect = false;
    this.openFlows++;
    this.stats.flows++;
    return f;
  }

  // -------------------------------------------------------------------------------------------
  // TCP

  private tcp(f: Flow, s: Segment, fromClient: boolean, ts: number): void {
    const fl = s.flags;
    if (fl & RST) f.ended |= 4;
    if (fl & FIN) f.ended |= fromClient ? 1 : 2;
    if (!f.inspect) return;
    const stream = fromClient ? (f.out ??= new Stream(TRAFFIC_LIMITS.streamCap)) : (f.in ??= new Stream(TRAFFIC_LIMITS.streamCap));
    let seq = s.seq;
    if (fl & SYN) {
      seq = (seq + 1) >>> 0;
      stream.start(seq);
    }
    const len = s.end - s.start;
    if (len === 0 || stream.done) return;
    if (len < s.wireLen) {
      // Cut by snaplen: the bytes after the cut never reach the stream.
      if (f.app === undefined && s.data[s.start] === 0x16) f.app = "tls";
      if (f.app === "tls" && !(fromClient ? f.hello : f.sh)) this.stats.cutHandshakes++;
      this.finishStream(f, stream, fromClient);
      if ((f.out?.done ?? true) && (f.in?.done ?? true)) this.stopInspecting(f);
      return;
    }
    if (!stream.push(seq, s.data, s.start, s.end, this.stats)) return;
    if (f.app === undefined) this.identify(f, stream, fromClient);
    switch (f.app) {
      case "tls":
        return this.tlsStream(f, stream, fromClient, ts);
      case "http":
        return this.httpStream(f, stream, fromClient, ts);
      case "dns":
        return this.dnsStream(f, stream, fromClient, ts);
      default:
        this.stopInspecting(f);
    }
  }

  private identify(f: Flow, stream: Stream, fromClient: boolean): void {
    const b = stream.buf;
    if (f.sPort === 53 || f.cPort === 53) f.app = "dns";
    else if (stream.len >= 2 && b[0] === 0x16 && b[1] === 3) f.app = "tls";
    else if (fromClient && looksLikeHttp(b, 0, stream.len)) f.app = "http";
    else f.app = "other";
  }

  private stopInspecting(f: Flow): void {
    f.inspect = false;
    f.out?.finish();
    f.in?.finish();
    f.hsOut = f.hsIn = undefined;
    f.quicParts = undefined;
  }

  /** No more of this direction is read: its bytes and its handshake reader go. */
  private finishStream(f: Flow, stream: Stream, fromClient: boolean): void {
    stream.finish();
    if (fromClient) f.hsOut = undefined;
    else f.hsIn = undefined;
  }

  private tlsStream(f: Flow, stream: Stream, fromClient: boolean, ts: number): void {
    const reader = fromClient ? (f.hsOut ??= new HandshakeReader()) : (f.hsIn ??= new HandshakeReader());
    const { messages, ended, notTls } = reader.read(stream.view());
    let done = ended || notTls;
    for (const m of messages) {
      if (fromClient && m.type === 1 && !f.hello) {
        const ch = parseClientHello(m.body);
        f.chTs = ts;
        if (ch) {
          f.hello = helloFacts(ch);
          f.serverName = ch.serverName?.toLowerCase();
          f.ech = ch.ech;
        }
        done = true;
      } else if (!fromClient && m.type === 2 && !f.sh) {
        f.sh = parseServerHello(m.body);
        // TLS 1.3: the certificates that follow are encrypted.
        if (!f.sh || f.sh.version === 0x0304) done = true;
      } else if (!fromClient && m.type === 11) {
        f.certs = certificateList(m.body).map((der) => this.cert(der));
        done = true;
      }
    }
    if (!done && stream.full) {
      this.stats.cappedStreams++;
      done = true;
    }
    if (done) this.finishStream(f, stream, fromClient);
    if (f.out?.done && f.in?.done) this.stopInspecting(f);
  }

  private httpStream(f: Flow, stream: Stream, fromClient: boolean, ts: number): void {
    if (!fromClient) {
      stream.finish();
      return;
    }
    const { requests, used, stop, skip } = parseRequests(stream.view());
    for (const req of requests) {
      this.sink({
        kind: "http",
        r: {
          ...this.ends(f, ts),
          method: req.method,
          host: req.host,
          uri: req.target,
          url: requestUrl(req, this.serverText(f), f.sPort),
          user_agent: req.userAgent,
        },
      });
      if (req.host && !f.serverName) f.serverName = req.host.replace(/:\d+$/, "").toLowerCase();
    }
    stream.consume(used);
    stream.skip = skip;
    if (stop || stream.full) {
      if (stream.full && !stop) this.stats.cappedStreams++;
      this.stopInspecting(f);
    }
  }

  private dnsStream(f: Flow, stream: Stream, fromClient: boolean, ts: number): void {
    for (;;) {
      const v = stream.view();
      if (v.length < 2) break;
      const n = v.readUInt16BE(0);
      if (v.length < 2 + n) {
        if (stream.full) this.stopInspecting(f);
        break;
      }
      const m = decodeDns(v, 2, 2 + n);
      if (m) this.dnsMessage(f, m, "tcp", ts);
      else this.stats.dnsMalformed++;
      stream.consume(2 + n);
    }
    void fromClient;
  }

  // -------------------------------------------------------------------------------------------
  // UDP: DNS and QUIC

  private udp(f: Flow, s: Segment, fromClient: boolean, ts: number): void {
    if (s.sport === 53 || s.dport === 53) {
      f.app ??= "dns";
      const m = decodeDns(s.data, s.start, s.end);
      if (m) this.dnsMessage(f, m, "udp", ts);
      else this.stats.dnsMalformed++;
      return;
    }
    if (!f.inspect) return;
    if (!fromClient) {
      if (f.app === undefined && f.quicDgrams === 0) this.stopInspecting(f);
      return;
    }
    if (!looksLikeQuicInitial(s.data, s.start, s.end)) {
      if (f.app === undefined) this.stopInspecting(f);
      return;
    }
    f.quicDgrams++;
    const ini = decryptInitials(s.data.subarray(s.start, s.end), f.quicDcid);
    if (ini) {
      f.app = "quic";
      f.quicDcid ??= ini.dcid;
      const cap = TRAFFIC_LIMITS.streamCap;
      const parts = f.quicParts ? f.quicParts.concat(ini.crypto) : ini.crypto;
      const joined = joinCrypto(parts, cap);
      const hello = splitMessages(joined).find((m) => m.type === 1);
      if (hello) {
        const ch = parseClientHello(hello.body);
        if (ch) {
          f.serverName = ch.serverName?.toLowerCase();
          f.ech = ch.ech;
          this.sink({
            kind: "quic",
            r: {
              ...this.ends(f, ts),
              quic_version: quicVersionName(ini.version),
              server_name: f.serverName,
              alpn: ch.alpn.length ? ch.alpn : undefined,
              ja4: ja4(ch, "q"),
              ech: ch.ech || undefined,
            },
          });
        }
        this.stopInspecting(f);
        return;
      }
      // Kept for the next datagram: the bytes joined so far as one part, and the parts past a
      // gap that may still extend them. Empty, duplicate and covered frames are not kept, so
      // that Initials packed with tiny frames do not hold an object per frame.
      const later = parts.filter((x) => x.offset > joined.length && x.offset < cap && x.data.length > 0);
      let bytes = 0;
      for (const x of later) bytes += x.data.length;
      if (later.length > TRAFFIC_LIMITS.quicPendingParts || bytes > cap) {
        this.stats.cappedStreams++;
        this.stopInspecting(f);
        return;
      }
      f.quicParts = joined.length > 0 ? [{ offset: 0, data: joined }, ...later] : later;
    }
    if (f.quicDgrams >= TRAFFIC_LIMITS.quicDatagrams) this.stopInspecting(f);
  }

  private dnsMessage(f: Flow, m: DnsMessage, transport: "udp" | "tcp", ts: number): void {
    if (m.query === undefined) return;
    // The client is whoever asked: for a response, the flow's other side from the responder.
    const client = this.clientText(f);
    const key = `${client}|${f.cPort}|${m.id}|${m.query}`;
    if (!m.response) {
      if (this.pendingDns.has(key)) return; // a retransmission
      if (this.pendingDns.size >= TRAFFIC_LIMITS.dnsPendingMax) this.flushDns(Infinity, 1);
      this.pendingDns.set(key, { ts, rec: this.dnsRecord(f, m, transport, ts) });
      return;
    }
    const pending = this.pendingDns.get(key);
    this.pendingDns.delete(key);
    // A response whose query the capture did not hold is written on its own.
    const rec: DnsRecord = pending?.rec ?? this.dnsRecord(f, m, transport, ts);
    rec.answered = true;
    rec.rcode = m.rcode;
    rec.answer_ips = m.answerIps;
    rec.cnames = m.cnames;
    if (m.ttl !== undefined) rec.ttl = m.ttl;
    this.sink({ kind: "dns", r: rec });
  }

  /** What every record of a flow starts with: its time, file, source and endpoints. */
  private ends(f: Flow, ts: number) {
    return { timestamp: iso(ts), file: this.file, source: "capture" as const, client_ip: this.clientText(f), client_port: f.cPort, server_ip: this.serverText(f), server_port: f.sPort };
  }

  /**
   * A lookup's record, with every field an answer may set (undefined until then): one object
   * shape, built whole, rather than fields added one by one (the commonest record by far).
   */
  private dnsRecord(f: Flow, m: DnsMessage, transport: "udp" | "tcp", ts: number): DnsRecord {
    return {
      timestamp: iso(ts),
      file: this.file,
      source: "capture",
      client_ip: this.clientText(f),
      client_port: f.cPort,
      server_ip: this.serverText(f),
      server_port: f.sPort,
      transport,
      id: m.id,
      query: m.query!,
      qtype: m.qtype,
      answered: false,
      answer_ips: [],
      cnames: [],
      rcode: undefined,
      ttl: undefined,
    };
  }

  /** Writes out queries older than `before` (all of them with Infinity), at most `max`. */
  private flushDns(before: number, max = Infinity): void {
    let n = 0;
    for (const [k, p] of this.pendingDns) {
      if (p.ts >= before || n >= max) break;
      this.pendingDns.delete(k);
      this.sink({ kind: "dns", r: p.rec });
      n++;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Closing flows

  private sweep(now: number, full: boolean): void {
    this.sinceSweep = 0;
    const L = TRAFFIC_LIMITS;
    const done: Flow[] = [];
    for (const f of this.allFlows()) {
      const idle = now - f.last;
      const ended = f.ended & 4 || (f.ended & 3) === 3;
      const limit = ended ? L.endedGraceMs : f.proto === 6 ? L.tcpIdleMs : L.udpIdleMs;
      if (idle >= limit) done.push(f);
    }
    for (const f of done) {
      this.remove(f);
      this.close(f, false);
    }
    if (full && this.openFlows >= L.maxFlows) {
      const byIdle = [...this.allFlows()].sort((x, y) => x.last - y.last);
      for (const f of byIdle.slice(0, Math.ceil(L.maxFlows / 10))) {
        this.remove(f);
        this.stats.flowsEvicted++;
        this.close(f, true);
      }
    }
    this.flushDns(now - L.dnsTimeoutMs);
  }

  private close(f: Flow, open: boolean): void {
    const client = this.clientText(f);
    const server = this.serverText(f);
    const base = { file: this.file, source: "capture" as const };
    const hello = f.hello;
    if (hello) {
      const leaf = f.certs?.[0];
      this.sink({
        kind: "tls",
        r: {
          timestamp: iso(f.chTs),
          ...base,
          client_ip: client,
          client_port: f.cPort,
          server_ip: server,
          server_port: f.sPort,
          server_name: f.serverName,
          alpn: hello.alpn,
          client_versions: hello.clientVersions,
          version: f.sh ? versionName(f.sh.version) : undefined,
          cipher: f.sh ? `0x${f.sh.cipher.toString(16).padStart(4, "0")}` : undefined,
          ja3: hello.ja3,
          ja3_string: hello.ja3Text,
          ja4: hello.ja4,
          ech: f.ech || undefined,
          cert_sha1: leaf?.sha1,
          cert_sha256: leaf?.sha256,
        },
      });
    }
    f.certs?.forEach((c, i) =>
      this.sink({
        kind: "cert",
        r: {
          timestamp: iso(f.chTs || f.first),
          ...base,
          server_ip: server,
          server_port: f.sPort,
          server_name: f.serverName,
          position: i,
          cert_sha1: c.sha1,
          cert_sha256: c.sha256,
          subject: c.subject,
          issuer: c.issuer,
          not_before: c.notBefore,
          not_after: c.notAfter,
          serial: c.serial,
        },
      }),
    );
    const rec: FlowRecord = {
      timestamp: iso(f.first),
      last_timestamp: iso(f.last),
      ...base,
      proto: PROTO_NAMES[f.proto] ?? String(f.proto),
      src_ip: client,
      src_port: f.proto === 6 || f.proto === 17 ? f.cPort : undefined,
      dst_ip: server,
      dst_port: f.proto === 6 || f.proto === 17 ? f.sPort : undefined,
      packets: f.pkts,
      bytes: f.bytesOut + f.bytesIn,
      bytes_out: f.bytesOut,
      bytes_in: f.bytesIn,
      app_protocol: f.app === "other" ? undefined : f.app,
      server_name: f.serverName,
      tls_version: f.sh ? versionName(f.sh.version) : f.app === "quic" ? "TLSv1.3" : undefined,
      ech: f.ech || undefined,
      open: open || (f.proto === 6 && !(f.ended & 4) && (f.ended & 3) !== 3) || undefined,
    };
    this.sink({ kind: "flow", r: rec });
    f.out = f.in = undefined;
  }

  /** The end of the capture: every open flow and unanswered query is written out. */
  finish(): void {
    this.decoder.finish();
    for (const f of this.allFlows()) this.close(f, false);
    this.flows4.clear();
    this.flows6.clear();
    this.openFlows = 0;
    this.flushDns(Infinity);
  }
}
