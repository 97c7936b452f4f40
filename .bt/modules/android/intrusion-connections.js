import { defineModule, fromMatches } from "../../core/module.js";
import { INTRUSION_READS, intrusionEvents } from "./lib/intrusion.js";
var intrusion_connections_default = defineModule({
  name: "intrusion_connections",
  title: "Network connections (intrusion logs)",
  platform: "android",
  description: "Network connections from Android intrusion logging: destination IPs are checked against indicators.",
  reads: INTRUSION_READS,
  records: (ctx) => intrusionEvents(ctx, "connect"),
  events(r) {
    return r.isodate ? [{ timestamp: r.isodate, event: "network_connection", description: `Connection to ${r.ip}${r.port !== void 0 ? ":" + r.port : ""}${r.package_name ? ` by ${r.package_name}` : ""}` }] : [];
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.ip(r.ip), { grade: "medium", title: (m) => `Connection to a known malicious address: ${m.matched}${r.port !== void 0 ? ":" + r.port : ""}`, artifact: r.file, timestamp: r.isodate });
  }
});
export {
  intrusion_connections_default as default
};
