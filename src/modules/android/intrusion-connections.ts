// Network connections from Android intrusion logging: destination address and port per app.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { IntrusionConnect } from "../../formats/intrusion-log.ts";
import { INTRUSION_READS, intrusionEvents } from "./lib/intrusion.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<IntrusionConnect>({
  name: "intrusion_connections",
  title: "Network connections (intrusion logs)",
  platform: "android",
  description: "Network connections from Android intrusion logging: destination IPs are checked against indicators.",
  reads: INTRUSION_READS,
  records: (ctx) => intrusionEvents(ctx, "connect"),
  events(r) {
    return r.isodate ? [{ timestamp: r.isodate, event: "network_connection", description: `Connection to ${r.ip}${r.port !== undefined ? ":" + r.port : ""}${r.package_name ? ` by ${r.package_name}` : ""}` }] : [];
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.ip(r.ip), { grade: "medium", title: (m) => msg("det.intrusion.connection", { value: `${m.matched}${r.port !== undefined ? ":" + r.port : ""}` }), artifact: r.file, timestamp: r.isodate });
  },
});
