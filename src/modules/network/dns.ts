// DNS lookups seen in the traffic (packets, Zeek dns.log, Suricata eve.json, PCAPdroid): the
// name asked for, its CNAME chain and the addresses of the answer, each checked against the
// indicators. A lookup alone is a visit attempt (see lib/contact.ts).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { DnsRecord } from "../../formats/network/records.ts";
import { by, byApp, LOOKUP } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<DnsRecord>({
  name: "dns",
  title: "DNS lookups",
  platform: "network",
  description: "DNS lookups in the traffic (UDP and TCP, with answers and CNAME chains): the names looked up, the names they pointed to and the addresses given are checked against indicators. A lookup alone is a visit attempt.",
  reads: { network: [...CAPTURES, ...zeekLogs("dns"), ...EVE, ...PCAPDROID] },
  records: (ctx) => passRecords<DnsRecord>(ctx, "dns"),
  events(r) {
    const answer = !r.answered ? " (no answer seen)" : r.rcode && r.rcode !== "NOERROR" ? ` → ${r.rcode}` : r.answer_ips.length ? ` → ${r.answer_ips.slice(0, 4).join(", ")}${r.answer_ips.length > 4 ? ", ..." : ""}` : "";
    return [{ timestamp: r.timestamp, event: "dns_lookup", description: `DNS lookup of ${r.query}${r.qtype ? ` (${r.qtype})` : ""}${by(r.app)}${answer}` }];
  },
  check(r, ctx) {
    const byQuery = ctx.iocs.domain(r.query);
    const byCname = r.cnames.map((c) => ctx.iocs.domain(c));
    const byAnswer = r.answer_ips.map((ip) => ctx.iocs.ip(ip));
    // Most lookups match nothing: no detection options are built for them.
    if (byQuery.length === 0 && byCname.every((x) => x.length === 0) && byAnswer.every((x) => x.length === 0)) return [];
    const common = { grade: LOOKUP.grade, why: LOOKUP.why, artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = fromMatches(byQuery, { ...common, title: (m) => msg("det.net.dns.lookup", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app), unanswered: r.answered ? "" : msg("det.net.dns.no_answer") }) });
    for (const matches of byCname) out.push(...fromMatches(matches, { ...common, title: (m) => msg("det.net.dns.cname", { query: r.query, set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    for (const matches of byAnswer) out.push(...fromMatches(matches, { ...common, title: (m) => msg("det.net.dns.answer", { query: r.query, set: m.indicator.set.name, value: m.matched }) }));
    return out;
  },
});
