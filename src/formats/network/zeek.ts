// Zeek logs, in either of Zeek's writers: tab-separated with "#fields" headers, or one JSON
// object a line. dns, ssl, x509, http, conn and quic logs become the same records a packet
// capture gives (field names are Zeek's own where the records share them).
import { isIP } from "node:net";
import { fromUnixSeconds } from "../../core/time.ts";
import { scalarText } from "./json-lines.ts";
import type { NetSink } from "./records.ts";

export type ZeekLog = "dns" | "ssl" | "x509" | "http" | "conn" | "quic";

/** The log a file holds, from its name ("dns.log", "ssl.09:00:00-10:00:00.log.gz"). */
export function zeekLogOf(name: string): ZeekLog | null {
  const m = /^(dns|ssl|x509|http|conn|quic)(?:[._-].*)?\.log(?:\.gz)?$/i.exec(name.replace(/^.*\//, ""));
  return m ? (m[1]!.toLowerCase() as ZeekLog) : null;
}

type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" && v !== "-" && v !== "(empty)" ? v : typeof v === "number" ? String(v) : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && v !== "-" && v !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};
// A JSON log's list keeps its strings and numbers (an object in it has no text to give).
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(scalarText).filter((x) => x !== undefined) : typeof v === "string" && v !== "-" && v !== "(empty)" && v !== "" ? v.split(",") : []);

/** Zeek's ts: epoch seconds (TSV, default JSON) or ISO-8601 (JSON with iso8601 timestamps). */
function time(v: unknown): string | undefined {
  if (typeof v === "number") return fromUnixSeconds(v);
  if (typeof v !== "string") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return fromUnixSeconds(Number(v));
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * Reads one Zeek log. `problem` gets a line for each row that could not be read (the first few
 * are enough to tell the user; the caller counts them).
 */
export async function readZeek(lines: AsyncIterable<string>, log: ZeekLog, file: string, emit: NetSink, problem: (msg: string) => void): Promise<number> {
  let fields: string[] | undefined;
  let sep = "\t";
  let setSep = ",";
  let n = 0;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === "") continue;
    let row: Row;
    if (line.startsWith("#")) {
      if (line.startsWith("#separator ")) sep = line.slice(11).replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      else if (line.startsWith("#set_separator")) setSep = line.split(sep)[1] ?? ",";
      else if (line.startsWith("#fields")) fields = line.split(sep).slice(1);
      continue;
    }
    if (line.startsWith("{")) {
      try {
        row = JSON.parse(line) as Row;
      } catch {
        problem(`${file}: line ${lineNo} is not valid JSON`);
        continue;
      }
    } else if (fields) {
      const cells = line.split(sep);
      row = {};
      for (let i = 0; i < fields.length; i++) {
        const c = cells[i];
        row[fields[i]!] = c !== undefined && setSep !== "," && c.includes(setSep) ? c.split(setSep).join(",") : c;
      }
    } else {
      problem(`${file}: line ${lineNo} comes before the "#fields" header`);
      continue;
    }
    const timestamp = time(row.ts);
    if (!timestamp) {
      problem(`${file}: line ${lineNo} has no readable ts`);
      continue;
    }
    n++;
    const ends = {
      client_ip: str(row["id.orig_h"]),
      client_port: num(row["id.orig_p"]),
      server_ip: str(row["id.resp_h"]),
      server_port: num(row["id.resp_p"]),
    };
    const base = { timestamp, file, source: "zeek" as const };
    switch (log) {
      case "dns": {
        const query = str(row.query);
        if (!query) break;
        const answers = list(row.answers);
        const ttls = list(row.TTLs).map(Number).filter(Number.isFinite);
        const rcode = str(row.rcode_name);
        emit({
          kind: "dns",
          r: {
            ...base,
            ...ends,
            transport: str(row.proto) === "tcp" ? "tcp" : "udp",
            id: num(row.trans_id),
            query: query.toLowerCase(),
            qtype: str(row.qtype_name),
            rcode,
            answered: rcode !== undefined || answers.length > 0,
            answer_ips: answers.filter((a) => isIP(a)),
            cnames: answers.filter((a) => !isIP(a) && /^[\w.-]+$/.test(a)).map((a) => a.toLowerCase()),
            ttl: ttls.length ? ttls.reduce((a, b) => Math.min(a, b)) : undefined,
          },
        });
        break;
      }
      case "ssl": {
        const fps = list(row.cert_chain_fps);
        const leaf = fps[0]?.toLowerCase();
        const version = str(row.version);
        emit({
          kind: "tls",
          r: {
            ...base,
            ...ends,
            server_name: str(row.server_name)?.toLowerCase(),
            version,
            cipher: str(row.cipher),
            ja3: str(row.ja3),
            ja4: str(row.ja4),
            cert_sha256: leaf && leaf.length === 64 ? leaf : undefined,
            cert_sha1: leaf && leaf.length === 40 ? leaf : undefined,
          },
        });
        break;
      }
      case "x509": {
        const fp = str(row.fingerprint)?.toLowerCase();
        emit({
          kind: "cert",
          r: {
            ...base,
            server_ip: str(row["client_addr"]) ? undefined : ends.server_ip,
            server_name: list(row["san.dns"])[0]?.toLowerCase(),
            position: row.host_cert === true || row.host_cert === "T" ? 0 : undefined,
            cert_sha256: fp && fp.length === 64 ? fp : undefined,
            cert_sha1: fp && fp.length === 40 ? fp : undefined,
            subject: str(row["certificate.subject"]),
            issuer: str(row["certificate.issuer"]),
            not_before: time(row["certificate.not_valid_before"]),
            not_after: time(row["certificate.not_valid_after"]),
            serial: str(row["certificate.serial"]),
          },
        });
        break;
      }
      case "http": {
        const host = str(row.host)?.toLowerCase();
        const uri = str(row.uri);
        const url = host && uri ? (/^https?:\/\//i.test(uri) ? uri : `http://${host}${uri.startsWith("/") ? "" : "/"}${uri}`) : undefined;
        emit({ kind: "http", r: { ...base, ...ends, method: str(row.method), host, uri, url, user_agent: str(row.user_agent), status: num(row.status_code) } });
        break;
      }
      case "quic":
        emit({ kind: "quic", r: { ...base, ...ends, quic_version: str(row.version), server_name: str(row.server_name)?.toLowerCase(), alpn: list(row.client_protocol) } });
        break;
      case "conn": {
        const dur = num(row.duration);
        const out = num(row.orig_ip_bytes) ?? num(row.orig_bytes);
        const inb = num(row.resp_ip_bytes) ?? num(row.resp_bytes);
        const services = list(row.service);
        emit({
          kind: "flow",
          r: {
            ...base,
            last_timestamp: dur !== undefined ? fromUnixSeconds(Date.parse(timestamp) / 1000 + dur) : undefined,
            proto: str(row.proto) ?? "?",
            src_ip: ends.client_ip ?? "",
            src_port: ends.client_port,
            dst_ip: ends.server_ip ?? "",
            dst_port: ends.server_port,
            packets: (num(row.orig_pkts) ?? 0) + (num(row.resp_pkts) ?? 0),
            bytes: (out ?? 0) + (inb ?? 0),
            bytes_out: out,
            bytes_in: inb,
            app_protocol: services[0] === "ssl" ? "tls" : services[0],
          },
        });
        break;
      }
    }
  }
  return n;
}
