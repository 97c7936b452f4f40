// QUIC connections: the server name and ALPN of the client's first (Initial) packets, which any
// observer can decrypt, and the JA4 fingerprint of its ClientHello.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { QuicRecord } from "../../formats/network/records.ts";
import { by, byApp, CONTACT, FINGERPRINT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<QuicRecord>({
  name: "quic",
  title: "QUIC connections",
  platform: "network",
  description: "QUIC (HTTP/3) connections: the server name in the client's Initial packets (decrypted with the version's published keys) and the server address are checked against indicators (contact), and the JA4 fingerprint.",
  reads: { network: [...CAPTURES, ...zeekLogs("quic"), ...EVE, ...PCAPDROID] },
  records: (ctx) => passRecords<QuicRecord>(ctx, "quic"),
  events(r) {
    return [{ timestamp: r.timestamp, event: "quic_connection", description: `QUIC connection to ${r.server_name ?? hostPort(r.server_ip, r.server_port)}${r.server_name && r.server_ip ? ` (${hostPort(r.server_ip, r.server_port)})` : ""}${by(r.app)}` }];
  },
  check(r, ctx) {
    const byName = r.server_name ? ctx.iocs.domain(r.server_name) : [];
    const byIp = r.server_ip ? ctx.iocs.ip(r.server_ip) : [];
    const byJa4 = r.ja4 ? ctx.iocs.ja4(r.ja4) : [];
    // Most connections match nothing: no detection options are built for them.
    if (byName.length + byIp.length + byJa4.length === 0) return [];
    const common = { artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = [];
    out.push(...fromMatches(byName, { ...common, ...CONTACT, title: (m) => msg("det.net.quic.server", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    out.push(...fromMatches(byIp, { ...common, ...CONTACT, title: (m) => msg("det.net.quic.address", { set: m.indicator.set.name, value: hostPort(m.matched, r.server_port), by: byApp(r.app) }) }));
    out.push(...fromMatches(byJa4, { ...common, ...FINGERPRINT, title: (m) => msg("det.net.quic.ja4", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    return out;
  },
});
