// TLS connections seen in the traffic: the server name the client asked for (SNI), its JA3 and
// JA4 fingerprints, the negotiated version and, up to TLS 1.2, the server certificate's hashes
// (checked by the certificates module).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { TlsRecord } from "../../formats/network/records.ts";
import { by, byApp, CONTACT, FINGERPRINT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

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
    const byName = r.server_name ? ctx.iocs.domain(r.server_name) : [];
    const byIp = r.server_ip ? ctx.iocs.ip(r.server_ip) : [];
    const byJa3 = r.ja3 ? ctx.iocs.ja3(r.ja3) : [];
    const byJa4 = r.ja4 ? ctx.iocs.ja4(r.ja4) : [];
    // Most connections match nothing: no detection options are built for them.
    if (byName.length + byIp.length + byJa3.length + byJa4.length === 0) return [];
    const common = { artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = [];
    const ech = r.ech ? msg("det.net.tls.ech") : "";
    out.push(...fromMatches(byName, { ...common, ...CONTACT, title: (m) => msg("det.net.tls.server", { set: m.indicator.set.name, value: m.matched, ech, by: byApp(r.app) }) }));
    out.push(...fromMatches(byIp, { ...common, ...CONTACT, title: (m) => msg("det.net.tls.address", { set: m.indicator.set.name, value: hostPort(m.matched, r.server_port), name: r.server_name ? ` (${r.server_name})` : "", by: byApp(r.app) }) }));
    out.push(...fromMatches(byJa3, { ...common, ...FINGERPRINT, title: (m) => msg("det.net.tls.ja3", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    out.push(...fromMatches(byJa4, { ...common, ...FINGERPRINT, title: (m) => msg("det.net.tls.ja4", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    return out;
  },
});
