// Suricata's eve.json: one JSON event a line. dns, tls, quic, http, flow and alert events become
// the same records a packet capture gives. DNS comes in three layouts (version 1: one event per
// answer record; version 2: grouped answers; version 3, Suricata 8: queries and answers lists).
import { isIP } from "node:net";
import { isoTime, jsonLines, type JsonObject } from "./json-lines.ts";
import type { DnsRecord, NetSink } from "./records.ts";

type Obj = JsonObject;
const o = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

const time = isoTime;

/** "9F:3A:..." as Suricata writes certificate fingerprints, to plain lowercase hex. */
const hex = (v: unknown) => str(v)?.replace(/:/g, "").toLowerCase();

export async function readEve(lines: AsyncIterable<string>, file: string, emit: NetSink, problem: (msg: string) => void): Promise<number> {
  // Version 1 and 2 logs write queries and answers as separate events: a query waits here for
  // its answer and is written alone, unanswered, at the end if none came.
  const queries = new Map<string, DnsRecord>();
  let n = 0;
  for await (const { e, timestamp } of jsonLines(lines, file, "timestamp", problem)) {
    n++;
    const ends = { client_ip: str(e.src_ip), client_port: num(e.src_port), server_ip: str(e.dest_ip), server_port: num(e.dest_port) };
    const base = { timestamp, file, source: "suricata" as const };
    switch (e.event_type) {
      case "dns": {
        const d = o(e.dns);
        const type = str(d.type);
        const qs = Array.isArray(d.queries) ? d.queries.map(o) : [];
        const name = (str(d.rrname) ?? str(qs[0]?.rrname))?.toLowerCase();
        if (!name) break;
        const key = `${ends.client_ip}|${ends.client_port}|${num(d.id)}|${name}`;
        if (type === "query" || type === "request") {
          if (!queries.has(key)) queries.set(key, { ...base, ...ends, transport: str(e.proto)?.toLowerCase() === "tcp" ? "tcp" : "udp", id: num(d.id), query: name, qtype: str(d.rrtype) ?? str(qs[0]?.rrtype), answered: false, answer_ips: [], cnames: [] });
          break;
        }
        // An answer's endpoints are the server's: the client is the destination.
        const akey = `${ends.server_ip}|${ends.server_port}|${num(d.id)}|${name}`;
        const rec: DnsRecord = queries.get(akey) ?? { ...base, client_ip: ends.server_ip, client_port: ends.server_port, server_ip: ends.client_ip, server_port: ends.client_port, id: num(d.id), query: name, answered: false, answer_ips: [], cnames: [] };
        queries.delete(akey);
        rec.answered = true;
        rec.rcode = str(d.rcode) ?? "NOERROR";
        const answers: Obj[] = Array.isArray(d.answers) ? d.answers.map(o) : str(d.rdata) ? [d] : [];
        for (const a of answers) {
          const data = str(a.rdata);
          if (!data) continue;
          if (a.rrtype === "A" || a.rrtype === "AAAA" || isIP(data)) rec.answer_ips.push(data);
          else if (a.rrtype === "CNAME") rec.cnames.push(data.toLowerCase());
        }
        const grouped = o(d.grouped);
        // Each address and name once: sets, since a list can be as long as the line.
        const ips = new Set(rec.answer_ips);
        for (const ip of [...(Array.isArray(grouped.A) ? grouped.A : []), ...(Array.isArray(grouped.AAAA) ? grouped.AAAA : [])]) {
          if (typeof ip === "string" && !ips.has(ip)) {
            ips.add(ip);
            rec.answer_ips.push(ip);
          }
        }
        const cnames = new Set(rec.cnames);
        for (const c of Array.isArray(grouped.CNAME) ? grouped.CNAME : []) {
          if (typeof c === "string" && !cnames.has(c.toLowerCase())) {
            cnames.add(c.toLowerCase());
            rec.cnames.push(c.toLowerCase());
          }
        }
        emit({ kind: "dns", r: rec });
        break;
      }
      case "tls": {
        const t = o(e.tls);
        const fp = hex(t.fingerprint);
        emit({
          kind: "tls",
          r: {
            ...base,
            ...ends,
            server_name: str(t.sni)?.toLowerCase(),
            version: str(t.version),
            ja3: str(o(t.ja3).hash),
            ja3_string: str(o(t.ja3).string),
            ja4: str(t.ja4),
            cert_sha1: fp && fp.length === 40 ? fp : undefined,
          },
        });
        if (fp) {
          emit({
            kind: "cert",
            r: { ...base, server_ip: ends.server_ip, server_port: ends.server_port, server_name: str(t.sni)?.toLowerCase(), position: 0, cert_sha1: fp.length === 40 ? fp : undefined, subject: str(t.subject), issuer: str(t.issuerdn), not_before: time(t.notbefore), not_after: time(t.notafter), serial: str(t.serial) },
          });
        }
        break;
      }
      case "quic": {
        const q = o(e.quic);
        emit({ kind: "quic", r: { ...base, ...ends, quic_version: str(q.version) ?? (num(q.version) !== undefined ? String(q.version) : undefined), server_name: str(q.sni)?.toLowerCase(), ja4: str(q.ja4) } });
        break;
      }
      case "http": {
        const h = o(e.http);
        const host = str(h.hostname)?.toLowerCase();
        const uri = str(h.url);
        emit({
          kind: "http",
          r: { ...base, ...ends, method: str(h.http_method), host, uri, url: host && uri ? (/^https?:\/\//i.test(uri) ? uri : `http://${host}${uri.startsWith("/") ? "" : "/"}${uri}`) : undefined, user_agent: str(h.http_user_agent), status: num(h.status) },
        });
        break;
      }
      case "flow": {
        const f = o(e.flow);
        const out = num(f.bytes_toserver);
        const inb = num(f.bytes_toclient);
        emit({
          kind: "flow",
          r: {
            ...base,
            timestamp: time(f.start) ?? timestamp,
            last_timestamp: time(f.end),
            proto: (str(e.proto) ?? "?").toLowerCase().replace(/^ipv6-icmp$/, "icmpv6"),
            src_ip: ends.client_ip ?? "",
            src_port: ends.client_port,
            dst_ip: ends.server_ip ?? "",
            dst_port: ends.server_port,
            packets: (num(f.pkts_toserver) ?? 0) + (num(f.pkts_toclient) ?? 0),
            bytes: (out ?? 0) + (inb ?? 0),
            bytes_out: out,
            bytes_in: inb,
            app_protocol: str(e.app_proto) === "failed" ? undefined : str(e.app_proto),
          },
        });
        break;
      }
      case "alert": {
        const a = o(e.alert);
        const signature = str(a.signature);
        if (!signature) break;
        emit({ kind: "alert", r: { ...base, ...ends, proto: str(e.proto)?.toLowerCase(), signature, signature_id: num(a.signature_id), category: str(a.category), severity: num(a.severity), action: str(a.action) } });
        break;
      }
    }
  }
  for (const q of queries.values()) emit({ kind: "dns", r: q });
  return n;
}
