// Server certificates that crossed the network in the clear (TLS 1.2 and earlier; Zeek's
// x509.log, Suricata's tls events): SHA-1 and SHA-256 checked against certificate indicators,
// and the names the certificate is for against domain indicators.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { CertRecord } from "../../formats/network/records.ts";
import { CERT } from "./lib/contact.ts";
import { CAPTURES, EVE, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

/** The host names a certificate's subject names (CN=...). */
export function subjectNames(subject: string | undefined): string[] {
  if (!subject) return [];
  return [...subject.matchAll(/(?:^|[,/\s])CN\s*=\s*([^,/\n]+)/gi)].map((m) => m[1]!.trim().replace(/^\*\./, "").toLowerCase()).filter((n) => n.includes("."));
}

export default defineModule<CertRecord>({
  name: "certificates",
  title: "TLS server certificates",
  platform: "network",
  description: "Certificates servers presented in the clear (TLS 1.2 and earlier): their SHA-1 and SHA-256 are checked against certificate indicators and the names they are issued for against domain indicators. TLS 1.3 and QUIC hide certificates: the coverage says for what share of connections.",
  reads: { network: [...CAPTURES, ...zeekLogs("x509", "ssl"), ...EVE] },
  records: (ctx) => passRecords<CertRecord>(ctx, "cert"),
  check(r, ctx) {
    const common = { ...CERT, artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = [];
    for (const h of [r.cert_sha256, r.cert_sha1]) if (h) out.push(...fromMatches(ctx.iocs.tlsCertHash(h), { ...common, title: (m) => msg("det.net.cert.hash", { set: m.indicator.set.name, server: r.server_name ?? r.server_ip ?? msg("det.net.a_server"), hash: m.matched.slice(0, 16) }) }));
    for (const n of subjectNames(r.subject)) out.push(...fromMatches(ctx.iocs.domain(n), { ...common, title: (m) => msg("det.net.cert.name", { set: m.indicator.set.name, value: m.matched, server: r.server_ip ?? msg("det.net.a_server") }) }));
    return out;
  },
});
