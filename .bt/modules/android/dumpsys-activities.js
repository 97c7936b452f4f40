import { defineModule, fromMatches } from "../../core/module.js";
import { DUMPSYS_READS } from "./lib/common.js";
import { resolverEntries } from "./lib/resolver.js";
var dumpsys_activities_default = defineModule({
  name: "dumpsys_activities",
  title: "Activities (intent handlers)",
  platform: "android",
  description: "Activities registered for intents (dumpsys package, Activity Resolver Table): packages are checked against indicators.",
  reads: DUMPSYS_READS,
  records: (ctx) => resolverEntries(ctx, "Activity"),
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app registered an activity: ${m.matched} (${r.intent})`, artifact: r.file });
  }
});
export {
  dumpsys_activities_default as default
};
