// Every connection in the traffic, with its endpoints, times and bytes. Destination (and source)
// addresses are checked against address indicators and, for a connection that named no server,
// against the names the traffic's own DNS answers gave its address: a connection to an address
// a known spyware domain resolved to is contact with that domain. Regular, repeated contact with a known destination is beaconing.
import { batched, defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch } from "../../core/model.ts";
import type { Matcher } from "../../indicators/matcher-api.ts";
import type { FlowRecord } from "../../formats/network/records.ts";
import { BeaconTracker } from "./lib/beacon.ts";
import { by, byApp, CONTACT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

const NAMED = new Set(["dns", "tls", "quic", "http"]);

/** The first indicator a flow's destination matches: its address, the name it gave, or a name its address was given by DNS. */
function firstMatch(r: FlowRecord, iocs: Matcher): IndicatorMatch | undefined {
  const byIp = iocs.ip(r.dst_ip);
  if (byIp.length) return byIp[0];
  const byServer = r.server_name ? iocs.domain(r.server_name) : [];
  if (byServer.length) return byServer[0];
  for (const name of r.resolved_names ?? []) {
    const byName = iocs.domain(name);
    if (byName.length) return byName[0];
  }
  return undefined;
}

export default defineModule<FlowRecord>({
  name: "flows",
  title: "Network connections (flows)",
  platform: "network",
  description: "Every connection with its endpoints, first and last time and bytes. Addresses are checked against address and range indicators, and against the names this traffic's DNS answers gave them (contact with a known domain through its address); regular repeated contact with a known destination is flagged as beaconing (NET-BEACON-01).",
  reads: { network: [...CAPTURES, ...zeekLogs("conn"), ...EVE, ...PCAPDROID] },
  records(ctx) {
    const beacons = new BeaconTracker();
    const files = new Set<string>();
    const source = passRecords<FlowRecord>(ctx, "flow", (r) => {
      const m = firstMatch(r, ctx.iocs);
      if (!m) return;
      beacons.add(m.indicator.value, m.indicator.set.name, r.timestamp);
      files.add(r.file);
    });
    return batched(
      (async function* () {
        yield* source.batches;
        for (const d of beacons.detections([...files].join(", "))) ctx.detect(d);
      })(),
    );
  },
  events(r) {
    // Connections that DNS, TLS, QUIC or HTTP records already describe stay out of the timeline.
    if (r.app_protocol && NAMED.has(r.app_protocol)) return [];
    return [{ timestamp: r.timestamp, event: "network_flow", description: `${r.proto.toUpperCase()} ${hostPort(r.src_ip, r.src_port)} → ${hostPort(r.dst_ip, r.dst_port)}${r.server_name ? ` (${r.server_name})` : ""}${r.bytes !== undefined ? `, ${r.bytes.toLocaleString("en")} bytes` : ""}${by(r.app)}` }];
  },
  check(r, ctx) {
    const to = ctx.iocs.ip(r.dst_ip);
    const from = r.src_ip ? ctx.iocs.ip(r.src_ip) : [];
    // A flow that named its server (SNI, Host) is checked by name in the TLS, QUIC and HTTP
    // modules; an unnamed one is tied to the names its address was given.
    const names = r.server_name ? [] : (r.resolved_names ?? []);
    // Most flows match nothing: no detection options are built for them.
    if (to.length === 0 && from.length === 0 && names.length === 0) return [];
    const common = { ...CONTACT, artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = fromMatches(to, { ...common, title: (m) => msg("det.net.flow.to", { set: m.indicator.set.name, value: hostPort(m.matched, r.dst_port), name: r.server_name ? ` (${r.server_name})` : "", by: byApp(r.app) }) });
    out.push(...fromMatches(from, { ...common, title: (m) => msg("det.net.flow.from", { set: m.indicator.set.name, value: hostPort(m.matched, r.src_port), dest: hostPort(r.dst_ip, r.dst_port), by: byApp(r.app) }) }));
    for (const name of names) {
      out.push(
        ...fromMatches(ctx.iocs.domain(name), {
          ...common,
          why: msg("det.net.flow.resolved.why"),
          title: (m) => msg("det.net.flow.resolved", { dest: hostPort(r.dst_ip, r.dst_port), set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }),
        }),
      );
    }
    return out;
  },
});
