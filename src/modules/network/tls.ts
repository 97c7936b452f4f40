// TLS connections seen in the traffic: the server name the client asked for (SNI), its JA3 and
// JA4 fingerprints, the negotiated version and, up to TLS 1.2, the server certificate's hashes
// (checked by the certificates module).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { TlsRecord } from "../../formats/network/records.ts";
import { by, CONTACT, FINGERPRINT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";

export default defineModule<TlsRecord>({
  name: "tls",
  title: "TLS connections",
  platform: "network",
  description: "TLS connections in the traffic: the server name (SNI) and server address are checked against indicators (contact), and the client's JA3 and JA4 fingerprints against fingerprint indicators.",
  reads: { network: [...CAPTURES, ...zeekLogs("ssl"), ...EVE, ...PCAPDROID] },
  records: (ctx) => passRecords<TlsRecord>(ctx, "tls"),
  events(r) {
    return [{ timestamp: r.timestamp, event: "tls_connection", description: `TLS connection to ${r.server_name ?? hostPort(r.server_ip, r.server_port)}${r.server_name && r.server_ip ? ` (${hostPort(r.server_ip, r.server_port)})` : ""}${r.version ? `, ${r.version}` : ""}${by(r.app)}` }];
  },
  check(r, ctx) {
    const common = { artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = [];
    const ech = r.ech ? " (outer name of an Encrypted Client Hello)" : "";
    if (r.server_name) out.push(...fromMatches(ctx.iocs.domain(r.server_name), { ...common, ...CONTACT, title: (m) => `TLS connection to known ${m.indicator.set.name} server ${m.matched}${ech}${by(r.app)}` }));
    if (r.server_ip) out.push(...fromMatches(ctx.iocs.ip(r.server_ip), { ...common, ...CONTACT, title: (m) => `TLS connection to known ${m.indicator.set.name} address ${hostPort(m.matched, r.server_port)}${r.server_name ? ` (${r.server_name})` : ""}${by(r.app)}` }));
    if (r.ja3) out.push(...fromMatches(ctx.iocs.ja3(r.ja3), { ...common, ...FINGERPRINT, title: (m) => `TLS client fingerprint (JA3 ${m.matched}) of known ${m.indicator.set.name} client${by(r.app)}` }));
    if (r.ja4) out.push(...fromMatches(ctx.iocs.ja4(r.ja4), { ...common, ...FINGERPRINT, title: (m) => `TLS client fingerprint (JA4 ${m.matched}) of known ${m.indicator.set.name} client${by(r.app)}` }));
    return out;
  },
});
