// DNS messages, decoded with dns-packet: the question, the response code and the answer's
// address and CNAME records, which is what a lookup tells about where a phone was going.
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

/** Decodes one DNS message; undefined when it is malformed (or not DNS at all). */
export function decodeDns(b: Buffer): DnsMessage | undefined {
  let m: dnsPacket.Packet;
  try {
    m = dnsPacket.decode(b);
  } catch {
    return undefined;
  }
  const q = m.questions?.[0];
  const out: DnsMessage = { id: m.id ?? 0, response: m.type === "response", answerIps: [], cnames: [] };
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
