// PCAPdroid's connections CSV (exported from its Connections view): one row per connection with
// the app that made it, the protocol PCAPdroid recognised and its "info" (the DNS query, TLS
// server name or HTTP host). Columns are found by their header names.
import { VigilError } from "../../core/errors.ts";
import { fromUnixMillis } from "../../core/time.ts";
import type { NetSink } from "./records.ts";
import { own } from "../../core/own.ts";

const NEEDED = ["srcip", "dstip"];

/** Whether a CSV header line is PCAPdroid's. */
export function isPcapdroidHeader(line: string): boolean {
  const h = line.toLowerCase().split(",").map((s) => s.trim());
  return NEEDED.every((n) => h.includes(n)) && (h.includes("info") || h.includes("app"));
}

const PROTOS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

/** Splits one CSV line (PCAPdroid quotes nothing, but a quoted field is read as RFC 4180 says). */
function cells(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export async function readPcapdroidCsv(lines: AsyncIterable<string>, file: string, emit: NetSink, problem: (msg: string) => void): Promise<number> {
  let col: Map<string, number> | undefined;
  let n = 0;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    if (!col) {
      if (!isPcapdroidHeader(line)) throw new VigilError("not a PCAPdroid connections CSV (no SrcIP, DstIP and Info columns)", { file });
      col = new Map(line.split(",").map((h, i) => [h.trim().toLowerCase(), i]));
      continue;
    }
    const c = cells(line);
    const get = (name: string) => {
      const i = col!.get(name);
      const v = i === undefined ? undefined : c[i]?.trim();
      return v === "" ? undefined : v;
    };
    const first = Number(get("firstseen"));
    const timestamp = fromUnixMillis(first);
    if (!timestamp || !get("dstip")) {
      problem(`${file}: line ${lineNo} has no readable FirstSeen or DstIP`);
      continue;
    }
    n++;
    const rawProto = get("ipproto") ?? "";
    const proto = own(PROTOS, rawProto) ?? rawProto.toLowerCase();
    const l7 = (get("proto") ?? "").toUpperCase();
    const info = get("info")?.toLowerCase();
    const app = get("app") ?? (get("uid") ? `uid ${get("uid")}` : undefined);
    const ends = { client_ip: get("srcip"), client_port: Number(get("srcport")) || undefined, server_ip: get("dstip"), server_port: Number(get("dstport")) || undefined };
    const base = { timestamp, file, source: "pcapdroid" as const };
    const out = Number(get("bytessent")) || 0;
    const inb = Number(get("bytesrcvd")) || 0;
    const app_protocol = l7 === "DNS" ? "dns" : l7 === "TLS" || l7 === "HTTPS" ? "tls" : l7 === "QUIC" ? "quic" : l7 === "HTTP" ? "http" : l7 ? l7.toLowerCase() : undefined;
    emit({
      kind: "flow",
      r: {
        ...base,
        last_timestamp: fromUnixMillis(Number(get("lastseen"))),
        proto,
        src_ip: ends.client_ip ?? "",
        src_port: ends.client_port,
        dst_ip: ends.server_ip!,
        dst_port: ends.server_port,
        packets: (Number(get("pktssent")) || 0) + (Number(get("pktsrcvd")) || 0),
        bytes: out + inb,
        bytes_out: out,
        bytes_in: inb,
        app_protocol,
        server_name: app_protocol !== "dns" ? info : undefined,
        app,
      },
    });
    if (!info) continue;
    if (app_protocol === "dns") emit({ kind: "dns", r: { ...base, ...ends, transport: proto === "tcp" ? "tcp" : "udp", query: info, answered: false, answer_ips: [], cnames: [], app } });
    else if (app_protocol === "tls") emit({ kind: "tls", r: { ...base, ...ends, server_name: info, app } });
    else if (app_protocol === "quic") emit({ kind: "quic", r: { ...base, ...ends, server_name: info, app } });
    else if (app_protocol === "http") emit({ kind: "http", r: { ...base, ...ends, host: info, app } });
  }
  if (!col) throw new VigilError("empty file", { file });
  return n;
}
