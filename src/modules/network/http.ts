// Plain HTTP requests: method, Host and URL of each request head, checked against URL, domain
// and address indicators.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { HttpRecord } from "../../formats/network/records.ts";
import { by, CONTACT, hostPort } from "./lib/contact.ts";
import { CAPTURES, EVE, PCAPDROID, passRecords, zeekLogs } from "./lib/pass.ts";

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
    if (r.url) out.push(...fromMatches(ctx.iocs.url(r.url), { ...common, title: (m) => `HTTP request to known ${m.indicator.set.name} ${m.indicator.type === "url" ? "URL" : "server"} ${m.matched}${by(r.app)}` }));
    else if (r.host) out.push(...fromMatches(ctx.iocs.domain(r.host), { ...common, title: (m) => `HTTP request to known ${m.indicator.set.name} server ${m.matched}${by(r.app)}` }));
    if (r.server_ip) out.push(...fromMatches(ctx.iocs.ip(r.server_ip), { ...common, title: (m) => `HTTP request to known ${m.indicator.set.name} address ${hostPort(m.matched, r.server_port)}${by(r.app)}` }));
    return out;
  },
});
