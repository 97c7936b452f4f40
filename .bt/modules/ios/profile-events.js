import { defineModule, fromMatches } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { fromDate } from "../../core/time.js";
import { isDict, plistToJson, readPlistDict } from "./lib/plist-values.js";
var profile_events_default = defineModule({
  name: "profile_events",
  title: "Configuration profile installs and removals",
  platform: "ios",
  description: "Reads MCProfileEvents.plist, the log of configuration profile installs and removals with the process that did each (also for profiles removed since). Each operation is a timeline event; known malicious profile ids and spyware process names are flagged.",
  reads: {
    backup: [{ domain: "*", path: "Library/ConfigurationProfiles/MCProfileEvents.plist" }],
    fs: [
      "private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/MCProfileEvents.plist",
      "private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist"
    ]
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const plist = await readPlistDict(ctx.view, file);
      const events = plist["ProfileEvents"];
      if (events === void 0) continue;
      if (!Array.isArray(events)) throw new VigilError("unexpected plist: ProfileEvents is not an array", { file: file.path, code: "schema" });
      for (const ev of events) {
        if (!isDict(ev)) continue;
        for (const [profileId, body] of Object.entries(ev)) {
          if (!isDict(body)) continue;
          const rec = {};
          let timestamp = null;
          for (const [k, v] of Object.entries(body)) {
            const key = k.toLowerCase();
            if (key === "timestamp") timestamp = v instanceof Date ? fromDate(v) ?? null : null;
            else rec[key] = plistToJson(v);
          }
          yield {
            ...rec,
            profile_id: profileId,
            timestamp,
            operation: typeof rec.operation === "string" ? rec.operation : "",
            process: typeof rec.process === "string" ? rec.process : "",
            source: file.path
          };
        }
      }
    }
  },
  events(r) {
    if (!r.timestamp) return [];
    return [
      {
        timestamp: r.timestamp,
        event: "profile_operation",
        description: `Process ${r.process || "?"} started operation ${r.operation || "?"} of configuration profile ${r.profile_id}`
      }
    ];
  },
  check(r, ctx) {
    const byProfile = ctx.iocs.configurationProfile(r.profile_id);
    const byProcess = r.process ? ctx.iocs.process(r.process) : [];
    return [
      ...fromMatches(byProfile, {
        grade: "strong",
        title: (m) => `Known malicious configuration profile ${m.matched} was ${r.operation === "remove" ? "removed" : "installed"} (${m.indicator.set.name})`,
        why: "The profile log shows the profile on this device, even if it was removed since.",
        timestamp: r.timestamp ?? void 0,
        artifact: r.source
      }),
      ...fromMatches(byProcess, {
        grade: "strong",
        title: (m) => `Known spyware process ${m.matched} changed configuration profile ${r.profile_id} (${m.indicator.set.name})`,
        why: "The profile log names the process that ran the operation on this device.",
        timestamp: r.timestamp ?? void 0,
        artifact: r.source
      })
    ];
  }
});
export {
  profile_events_default as default
};
