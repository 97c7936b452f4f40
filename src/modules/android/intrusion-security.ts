// Security-log events from Android intrusion logging (adb shell use, files pushed over adb, app
// starts, keyguard, certificate authorities, ...). Unknown event types are kept as they are.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { IntrusionSecurity } from "../../formats/intrusion-log.ts";
import { INTRUSION_READS, intrusionEvents } from "./lib/intrusion.ts";
import { msg } from "../../core/i18n/index.ts";

export const CA_INSTALLED_RULE = codeRule("android-ca-certificate-installed");

function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

export default defineModule<IntrusionSecurity>({
  name: "intrusion_security_events",
  title: "Security events (intrusion logs)",
  platform: "android",
  description:
    "Security-log events from Android intrusion logging: app names in them are checked against indicators, and added certificate authorities are flagged.",
  reads: INTRUSION_READS,
  records: (ctx) => intrusionEvents(ctx, "security"),
  events(r) {
    return r.isodate ? [{ timestamp: r.isodate, event: "security_event", description: `Security event ${r.tag_name ?? r.tag ?? "unknown"}${r.package_name ? ` (${r.package_name})` : ""}` }] : [];
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const names = new Set(strings(r.data).filter((s) => /^[A-Za-z][\w]*(\.[\w]+)+$/.test(s)));
    if (r.package_name) names.add(r.package_name);
    for (const n of names) out.push(...fromMatches(ctx.iocs.appId(n), { grade: "strong", title: (m) => msg("det.intrusion.security_app", { value: m.matched, tag: String(r.tag_name ?? r.tag) }), artifact: r.file, timestamp: r.isodate }));
    // Its data starts with the result: 0 is a failed install.
    const failed = Array.isArray(r.data) && (r.data[0] === 0 || r.data[0] === "0");
    if (r.tag_name === "CERT_AUTHORITY_INSTALLED" && !failed) {
      out.push(
        heuristic({
          rule: CA_INSTALLED_RULE.id,
          ruleDescription: CA_INSTALLED_RULE.description,
          grade: "weak",
          title: msg("det.intrusion.ca_installed"),
          why: msg("det.intrusion.ca_installed.why"),
          matched: strings(r.data).join(" ").slice(0, 200) || "CERT_AUTHORITY_INSTALLED",
          artifact: r.file,
          timestamp: r.isodate,
        }),
      );
    }
    return out;
  },
});
