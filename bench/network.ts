// Benchmark of `vigil check-network` on a generated 1 GB pcap of about 1.5M packets: an hour of
// a phone's traffic with DNS lookups, TLS 1.2 and 1.3 connections with bulk downloads, QUIC
// connections, plain bulk TCP, and a few contacts with a known Predator domain (one of them
// every five minutes: beaconing). Reported side by side on the same file, each with its wall
// and CPU time (user + system), the throughput from each, and the peak RSS of the processes:
// - Vigil's whole check from the CLI, bundled indicators;
// - Vigil's reading alone in this process (framing + flows + handshakes, records dropped);
// - the framing alone: Vigil's pcap reader against pcap-parser (npm), packets counted;
// - tshark -r FILE -Y "dns or tls.handshake.type == 1" -T fields -e dns.qry.name
//   -e tls.handshake.extensions_server_name (Debian's tshark), when installed.
// The last lines say how the whole check stands against the targets (#23).
// The file is written under bench/.work/network and reused while the generator is unchanged.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { readCapture } from "../src/formats/network/capture.ts";
import { TrafficReader } from "../src/formats/network/traffic.ts";
import { clientHello, dnsQuery, dnsResponse, frame, pcapHeader, quicInitial, clientHelloMessage, serverFlight, tcp, TCP, udp } from "../test/helpers/net-builder.ts";
import { warmParseCache } from "./ios-backup.ts";
import { timeCheck, type CheckFigures } from "./measure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WORK = join(ROOT, "bench", ".work", "network");
const HOME = join(ROOT, "bench", ".work", "home");
const TARGET_BYTES = Number(process.env.VIGIL_BENCH_NETWORK_BYTES ?? 1_000_000_000);
/** A Predator domain from the bundled mvt-indicators set. */
const KNOWN = "mobnetlink1.com";

// ---------------------------------------------------------------------------------------------
// Generator

class Out {
  private buf = Buffer.allocUnsafe(8 << 20);
  private len = 0;
  bytes = 24;
  packets = 0;
  constructor(private readonly fd: number) {
    writeSync(fd, pcapHeader(1));
  }
  packet(ts: number, data: Buffer): void {
    if (this.len + 16 + data.length > this.buf.length) this.flush();
    const sec = Math.floor(ts / 1000);
    this.buf.writeUInt32LE(sec, this.len);
    this.buf.writeUInt32LE(Math.round((ts - sec * 1000) * 1000), this.len + 4);
    this.buf.writeUInt32LE(data.length, this.len + 8);
    this.buf.writeUInt32LE(data.length, this.len + 12);
    data.copy(this.buf, this.len + 16);
    this.len += 16 + data.length;
    this.bytes += 16 + data.length;
    this.packets++;
  }
  flush(): void {
    writeSync(this.fd, this.buf, 0, this.len);
    this.len = 0;
  }
}

const PHONE = "192.168.43.17";
const RESOLVER = "192.168.43.1";
const serverIp = (i: number) => `${23 + (i % 180)}.${(i >> 3) & 255}.${(i * 7) & 255}.${1 + (i % 250)}`;
const nameOf = (i: number) => `host${i % 5000}.cdn${i % 37}.example-${i % 11}.com`;
const BULK = Buffer.alloc(1448, 0x5a);

/** One connection's packets, produced lazily so that many connections interleave. */
type Session = Generator<Buffer>;

function* dnsLookup(name: string, ip: string, port: number, id: number): Session {
  yield frame(PHONE, RESOLVER, 17, udp(port, 53, dnsQuery(name, id)));
  yield frame(RESOLVER, PHONE, 17, udp(53, port, dnsResponse(name, [ip], { id })));
}

function* tcpConn(server: string, sport: number, cport: number, hello: Buffer | undefined, flight: Buffer | undefined, segments: number): Session {
  let c = 1000;
  let s = 9000;
  yield frame(PHONE, server, 6, tcp(cport, sport, c++, TCP.SYN));
  yield frame(server, PHONE, 6, tcp(sport, cport, s++, TCP.SYN | TCP.ACK, undefined, c));
  yield frame(PHONE, server, 6, tcp(cport, sport, c, TCP.ACK, undefined, s));
  if (hello) {
    yield frame(PHONE, server, 6, tcp(cport, sport, c, TCP.ACK | TCP.PSH, hello, s));
    c += hello.length;
  }
  if (flight) {
    for (let o = 0; o < flight.length; o += 1448) {
      const part = flight.subarray(o, o + 1448);
      yield frame(server, PHONE, 6, tcp(sport, cport, s, TCP.ACK | TCP.PSH, part, c));
      s += part.length;
    }
  }
  for (let i = 0; i < segments; i++) {
    yield frame(server, PHONE, 6, tcp(sport, cport, s, TCP.ACK, BULK, c));
    s += BULK.length;
    yield frame(PHONE, server, 6, tcp(cport, sport, c, TCP.ACK, undefined, s));
  }
  yield frame(PHONE, server, 6, tcp(cport, sport, c++, TCP.FIN | TCP.ACK, undefined, s));
  yield frame(server, PHONE, 6, tcp(sport, cport, s++, TCP.FIN | TCP.ACK, undefined, c));
  yield frame(PHONE, server, 6, tcp(cport, sport, c, TCP.ACK, undefined, s));
}

function* quicConn(server: string, name: string, cport: number, n: number, k: number): Session {
  const dcid = Buffer.alloc(8);
  dcid.writeUInt32BE(k * 2654435761 >>> 0, 0);
  yield frame(PHONE, server, 17, udp(cport, 443, quicInitial(dcid, clientHelloMessage({ sni: name, alpn: ["h3"], versions: [0x0304] }))));
  const short = Buffer.alloc(1252, 0x41);
  short[0] = 0x40;
  const ack = Buffer.alloc(40, 0x42);
  ack[0] = 0x40;
  for (let i = 0; i < n; i++) {
    yield frame(server, PHONE, 17, udp(443, cport, short));
    if (i % 2) yield frame(PHONE, server, 17, udp(cport, 443, ack));
  }
}

const FLIGHT12 = serverFlight(0x0303, [Buffer.alloc(900, 0x30), Buffer.alloc(1100, 0x31)]);
const FLIGHT13 = serverFlight(0x0304);

export async function generateCapture(path: string): Promise<{ bytes: number; packets: number }> {
  const fd = openSync(path, "w");
  const out = new Out(fd);
  let ts = Date.UTC(2024, 2, 20, 9, 0, 0);
  const active: Session[] = [];
  let k = 0;
  let nextBeacon = ts + 60_000;
  let port = 40000;
  const nextPort = () => (port = port >= 65000 ? 40000 : port + 1);
  const start = (s: Session) => active.push(s);
  while (out.bytes < TARGET_BYTES) {
    // About 2.4 ms between packets: 1.5M packets over an hour.
    ts += 2.4;
    if (ts >= nextBeacon) {
      nextBeacon += 300_000;
      const ip = "203.0.113.66";
      start(dnsLookup(KNOWN, ip, nextPort(), 7));
      start(tcpConn(ip, 443, nextPort(), clientHello({ sni: KNOWN, alpn: ["http/1.1"], versions: [0x0304, 0x0303] }), FLIGHT13, 2));
    }
    while (active.length < 48) {
      const i = k++;
      const name = nameOf(i);
      const ip = serverIp(i);
      switch (i % 9) {
        case 0:
        case 1:
        case 2:
        case 8:
          start(dnsLookup(name, ip, nextPort(), i & 0xffff));
          start(dnsLookup(`api${i % 97}.${name}`, ip, nextPort(), (i + 1) & 0xffff));
          break;
        case 3:
          start(tcpConn(ip, 443, nextPort(), clientHello({ sni: name, alpn: ["h2", "http/1.1"], versions: [0x0304, 0x0303], grease: true }), FLIGHT13, 32));
          break;
        case 4:
          start(tcpConn(ip, 443, nextPort(), clientHello({ sni: name, alpn: ["http/1.1"] }), FLIGHT12, 24));
          break;
        case 5:
          start(quicConn(ip, name, nextPort(), 24, i));
          break;
        case 6:
          start(tcpConn(ip, 8080, nextPort(), Buffer.from(`GET /data/${i} HTTP/1.1\r\nHost: ${name}\r\nUser-Agent: bench\r\n\r\n`), undefined, 24));
          break;
        case 7:
          start(tcpConn(ip, 5228, nextPort(), undefined, undefined, 16));
      }
    }
    const pick = (k * 7 + out.packets) % active.length;
    const r = active[pick]!.next();
    if (r.done) active.splice(pick, 1);
    else out.packet(ts, r.value);
  }
  out.flush();
  closeSync(fd);
  return { bytes: out.bytes, packets: out.packets };
}

function generatorStamp(): string {
  const h = createHash("sha256").update(String(TARGET_BYTES));
  for (const f of ["bench/network.ts", "test/helpers/net-builder.ts"]) h.update(readFileSync(join(ROOT, f)));
  return h.digest("hex").slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// Measurements

function timeCommand(cmd: string, args: string[]): { wallSeconds: number; cpuSeconds: number; peakRssMB: number; exitCode: number; outputLines: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "VIGIL_TIME %e %M %U %S", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const m = /VIGIL_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`${cmd}: no timing (exit ${r.status}): ${r.stderr.slice(-1000)}`);
  return { wallSeconds: Number(m[1]), peakRssMB: Math.round(Number(m[2]) / 1024), cpuSeconds: Math.round((Number(m[3]) + Number(m[4])) * 100) / 100, exitCode: r.status ?? -1, outputLines: r.stdout.split("\n").filter(Boolean).length };
}

/** Wall and CPU seconds (user + system) of `run` in this process. */
async function timed<T>(run: () => Promise<T>): Promise<{ wallSeconds: number; cpuSeconds: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await run();
  const c = process.cpuUsage(c0);
  return { wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, value };
}

async function readingAlone(path: string) {
  return timed(async () => {
    let records = 0;
    const reader = new TrafficReader(() => records++, "bench.pcap");
    const stats = await readCapture(createReadStream(path, { highWaterMark: 1 << 20 }), reader.frame);
    reader.finish();
    return { records, packets: stats.packets };
  });
}

async function framingVigil(path: string) {
  return timed(async () => {
    let n = 0;
    await readCapture(createReadStream(path, { highWaterMark: 1 << 20 }), () => n++);
    return n;
  });
}

async function framingPcapParser(path: string) {
  const require = createRequire(import.meta.url);
  const pcapParser = require("pcap-parser") as { parse(s: unknown): NodeJS.EventEmitter };
  return timed(async () => {
    let m = 0;
    await new Promise<void>((res, rej) => {
      const p = pcapParser.parse(createReadStream(path, { highWaterMark: 1 << 20 }));
      p.on("packet", () => m++);
      p.on("end", () => res());
      p.on("error", rej);
    });
    return m;
  });
}

/** The targets for the whole check (#23). */
const TARGET_MB_PER_CPU_SECOND = 200;
const TARGET_PEAK_MB = 200;

export async function benchNetwork(): Promise<Record<string, unknown>[]> {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, "traffic-1g.pcap");
  const stampFile = join(WORK, "traffic-1g.stamp");
  const stamp = generatorStamp();
  if (!existsSync(file) || !existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) {
    process.stderr.write("generating a 1 GB capture...\n");
    const t0 = performance.now();
    const g = await generateCapture(file);
    writeFileSync(stampFile, stamp);
    process.stderr.write(`  ${g.packets.toLocaleString("en")} packets, ${(g.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const size = statSync(file).size;
  const mb = size / 1e6;
  // Every row has the same columns: throughput from wall time and from CPU time (user + system,
  // all threads), which moves less than wall time on a shared machine.
  const rows: Record<string, unknown>[] = [];
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const row = (label: string, f: { wallSeconds: number; cpuSeconds?: number; peakRssMB?: number }, extra: Record<string, unknown> = {}) => {
    rows.push({
      label,
      "wall s": r2(f.wallSeconds),
      "MB/s (wall)": Math.round(mb / f.wallSeconds),
      ...(f.cpuSeconds === undefined ? {} : { "CPU s": r2(f.cpuSeconds), "MB/s (CPU)": Math.round(mb / f.cpuSeconds) }),
      // In-process rows share this process's memory: a peak is only measured for the CLI runs.
      "peak MB": f.peakRssMB ?? "",
      ...extra,
    });
  };

  process.stderr.write("framing: Vigil's reader and pcap-parser...\n");
  const fv = await framingVigil(file);
  row("framing only: Vigil's pcap reader (in process)", fv, { packets: fv.value });
  const fp = await framingPcapParser(file);
  row("framing only: pcap-parser 0.2.1 (npm, in process)", fp, { packets: fp.value });

  process.stderr.write("reading (in process, records dropped)...\n");
  const r = await readingAlone(file);
  row("reading: framing, flows, DNS/TLS/QUIC/HTTP (in process)", r, { packets: r.value.packets, records: r.value.records });

  warmParseCache();
  const out = join(WORK, "results");
  rmSync(out, { recursive: true, force: true });
  process.stderr.write("vigil check-network...\n");
  const check: CheckFigures = timeCheck("vigil check-network (whole check, bundled indicators)", ["check-network", file, "--output", out], { VIGIL_HOME: HOME });
  row("vigil check-network FILE (whole check: bundled indicators, every output, report)", check, { exitCode: check.exitCode, detections: check.detections });
  rmSync(out, { recursive: true, force: true });

  let tshark: ReturnType<typeof timeCommand> | undefined;
  if (existsSync("/usr/bin/tshark")) {
    process.stderr.write("tshark...\n");
    tshark = timeCommand("/usr/bin/tshark", ["-r", file, "-Y", "dns or tls.handshake.type == 1", "-T", "fields", "-e", "dns.qry.name", "-e", "tls.handshake.extensions_server_name"]);
    row("tshark -r FILE -Y 'dns or tls.handshake.type == 1' -T fields -e dns.qry.name -e tls...server_name", tshark, { exitCode: tshark.exitCode, lines: tshark.outputLines });
  } else {
    process.stderr.write("tshark is not installed (/usr/bin/tshark): no comparison. On Debian: apt-get install tshark\n");
    rows.push({ label: "tshark: not installed, not compared" });
  }
  process.stderr.write(`file: ${file} (${mb.toFixed(0)} MB)\n`);
  const cpuRate = mb / check.cpuSeconds;
  process.stderr.write(
    `vigil check-network: ${cpuRate.toFixed(0)} MB/s of CPU time (target ${TARGET_MB_PER_CPU_SECOND}: ${cpuRate >= TARGET_MB_PER_CPU_SECOND ? "met" : "not met"}), ${(mb / check.wallSeconds).toFixed(0)} MB/s of wall time, peak ${check.peakRssMB} MB (target under ${TARGET_PEAK_MB}: ${check.peakRssMB < TARGET_PEAK_MB ? "met" : "not met"})\n`,
  );
  if (tshark) {
    process.stderr.write(`against tshark on the same file: ${(tshark.cpuSeconds / check.cpuSeconds).toFixed(1)}x less CPU time, ${(tshark.wallSeconds / check.wallSeconds).toFixed(1)}x less wall time, ${(tshark.peakRssMB / check.peakRssMB).toFixed(1)}x less memory\n`);
  }
  return rows;
}
