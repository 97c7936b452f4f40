// DNS lookups from Android intrusion logging: every hostname an app resolved, with the answers.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { IntrusionDns } from "../../formats/intrusion-log.ts";
import { INTRUSION_READS, intrusionEvents } from "./lib/intrusion.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<IntrusionDns>({
  name: "intrusion_dns",
  title: "DNS lookups (intrusion logs)",
  platform: "android",
  description: "DNS lookups from Android intrusion logging: hostnames and resolved addresses are checked against indicators.",
  reads: INTRUSION_READS,
  records: (ctx) => intrusionEvents(ctx, "dns"),
  events(r) {
    return r.isodate ? [{ timestamp: r.isodate, event: "dns_lookup", description: `DNS lookup: ${r.hostname}${r.package_name ? ` by ${r.package_name}` : ""}` }] : [];
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.domain(r.hostname), { grade: "medium", title: (m) => msg("det.intrusion.dns_domain", { value: m.matched }), artifact: r.file, timestamp: r.isodate });
    for (const ip of r.ips) out.push(...fromMatches(ctx.iocs.ip(ip), { grade: "medium", title: (m) => msg("det.intrusion.dns_answer", { value: m.matched, host: r.hostname }), artifact: r.file, timestamp: r.isodate }));
    return out;
  },
});
