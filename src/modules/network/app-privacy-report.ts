// The iPhone App Privacy Report: which app contacted which domain, and when apps used the
// camera, microphone, location or contacts. A known domain here names the app that contacted it.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import type { AppActivityRecord } from "../../formats/network/records.ts";
import { CONTACT } from "./lib/contact.ts";
import { APP_PRIVACY_REPORT, passRecords } from "./lib/pass.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<AppActivityRecord>({
  name: "app_privacy_report",
  title: "App Privacy Report (iPhone)",
  platform: "network",
  description: "The App Privacy Report an iPhone saves from Settings: each domain an app contacted (checked against domain indicators, naming the app) and each use of the camera, microphone, location or contacts; app ids are checked against app indicators.",
  reads: { network: APP_PRIVACY_REPORT },
  records: (ctx) => passRecords<AppActivityRecord>(ctx, "app_activity"),
  events(r) {
    if (r.kind === "network") {
      return [{ timestamp: r.first_timestamp ?? r.timestamp, event: "app_network_activity", description: `${r.bundle_id ?? "An app"} contacted ${r.domain ?? "?"}${r.hits ? ` (${r.hits} times until ${r.timestamp})` : ""}${r.context ? ` while showing ${r.context}` : ""}` }];
    }
    return [{ timestamp: r.timestamp, event: "app_access", description: `${r.bundle_id ?? "An app"} ${r.access_kind === "intervalEnd" ? "stopped using" : "used"} ${r.category ?? "a protected resource"}` }];
  },
  check(r, ctx) {
    const common = { artifact: r.file, timestamp: r.first_timestamp ?? r.timestamp };
    const out: DetectionInput[] = [];
    const app = r.bundle_id ?? msg("det.net.apr.an_app");
    if (r.domain) out.push(...fromMatches(ctx.iocs.domain(r.domain), { ...common, ...CONTACT, why: msg("det.net.apr.domain.why"), title: (m) => msg("det.net.apr.domain", { app, set: m.indicator.set.name, value: m.matched }) }));
    if (r.context) out.push(...fromMatches(ctx.iocs.domain(r.context), { ...common, ...CONTACT, why: msg("det.net.apr.website.why"), title: (m) => msg("det.net.apr.website", { app, set: m.indicator.set.name, value: m.matched }) }));
    if (r.bundle_id) out.push(...fromMatches(ctx.iocs.appId(r.bundle_id), { ...common, grade: "strong", why: msg("det.net.apr.app.why"), title: (m) => msg("det.net.apr.app", { set: m.indicator.set.name, value: m.matched }) }));
    return out;
  },
});
