// The "Activity Resolver Table" of dumpsys package: which app's activity handles which intent.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { ResolverEntry } from "../../formats/dumpsys/resolver.ts";
import { dumpsysReads } from "./lib/common.ts";
import { resolverEntries } from "./lib/resolver.ts";
import { msg } from "../../core/i18n/index.ts";

export type ActivityRecord = ResolverEntry & { file: string };

export default defineModule<ActivityRecord>({
  name: "dumpsys_activities",
  title: "Activities (intent handlers)",
  platform: "android",
  description: "Activities registered for intents (dumpsys package, Activity Resolver Table): packages are checked against indicators.",
  reads: dumpsysReads("package"),
  records: (ctx) => resolverEntries(ctx, "Activity"),
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.activities.known", { value: m.matched, intent: r.intent }), artifact: r.file });
  },
});
