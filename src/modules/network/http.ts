// Plain HTTP requests: method, Host and URL of each request head, checked against URL, domain
// and address indicators.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { HttpRecord } from "../../formats/network/records.ts";
import { by, byApp, CONTACT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<HttpRecord>({
  name: "http",
  title: "HTTP requests",
  platform: "network",
  description: "Unencrypted HTTP requests: the URL (with its Host) and the server address are checked against URL, domain and address indicators (contact).",
  reads: { network: [...CAPTURES, ...zeekLogs("http"), ...EVE, ...PCAPDROID] },
  records: (ctx) => passRecords<HttpRecord>(ctx, "http"),
  events(r) {
    return [{ timestamp: r.timestamp, event: "http_request", description: `HTTP ${r.method ?? "request"} ${r.url ?? r.host ?? hostPort(r.server_ip, r.server_port)}${by(r.app)}` }];
  },
  check(r, ctx) {
    const common = { ...CONTACT, artifact: r.file, timestamp: r.timestamp };
    const out: DetectionInput[] = [];
    if (r.url) out.push(...fromMatches(ctx.iocs.url(r.url), { ...common, title: (m) => msg(m.indicator.type === "url" ? "det.net.http.url" : "det.net.http.server", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    else if (r.host) out.push(...fromMatches(ctx.iocs.domain(r.host), { ...common, title: (m) => msg("det.net.http.server", { set: m.indicator.set.name, value: m.matched, by: byApp(r.app) }) }));
    if (r.server_ip) out.push(...fromMatches(ctx.iocs.ip(r.server_ip), { ...common, title: (m) => msg("det.net.http.address", { set: m.indicator.set.name, value: hostPort(m.matched, r.server_port), by: byApp(r.app) }) }));
    return out;
  },
});
