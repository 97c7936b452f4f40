// MCProfileEvents.plist: the log of configuration profile installs and removals, with the
// process that did each. It keeps events of profiles removed since, which the stubs do not.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { IndicatorMatch } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import { isDict, plistToJson, readPlistDict, type JsonValue } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";

export type ProfileEventRecord = {
  profile_id: string;
  timestamp: string | null;
  operation: string;
  process: string;
  source: string;
} & Record<string, JsonValue>;

export default defineModule<ProfileEventRecord>({
  name: "profile_events",
  title: "Configuration profile installs and removals",
  platform: "ios",
  description:
    "Reads MCProfileEvents.plist, the log of configuration profile installs and removals with the process that did each (also for profiles removed since). Each operation is a timeline event; known malicious profile ids and spyware process names are flagged.",
  reads: {
    backup: [{ domain: "*", path: "Library/ConfigurationProfiles/MCProfileEvents.plist" }],
    fs: [
      "private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/MCProfileEvents.plist",
      "private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist",
    ],
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const plist = await readPlistDict(ctx.view, file);
      const events = plist["ProfileEvents"];
      if (events === undefined) continue;
      if (!Array.isArray(events)) throw new VigilError("unexpected plist: ProfileEvents is not an array", { file: file.path, code: "schema" });
      for (const ev of events) {
        // Each event is a one-key dictionary: profile identifier → {timestamp, operation, process}.
        if (!isDict(ev)) continue;
        for (const [profileId, body] of Object.entries(ev)) {
          if (!isDict(body)) continue;
          const rec: Record<string, JsonValue> = {};
          let timestamp: string | null = null;
          for (const [k, v] of Object.entries(body)) {
            const key = k.toLowerCase();
            if (key === "timestamp") timestamp = v instanceof Date ? (fromDate(v) ?? null) : null;
            else rec[key] = plistToJson(v);
          }
          yield {
            ...rec,
            profile_id: profileId,
            timestamp,
            operation: typeof rec.operation === "string" ? rec.operation : "",
            process: typeof rec.process === "string" ? rec.process : "",
            source: file.path,
          } as ProfileEventRecord;
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
        description: `Process ${r.process || "?"} started operation ${r.operation || "?"} of configuration profile ${r.profile_id}`,
      },
    ];
  },
  check(r, ctx) {
    const byProfile = ctx.iocs.configurationProfile(r.profile_id);
    const byProcess: IndicatorMatch[] = r.process ? ctx.iocs.process(r.process) : [];
    return [
      ...fromMatches(byProfile, {
        grade: "strong",
        title: (m) => msg(r.operation === "remove" ? "det.profile_events.removed" : "det.profile_events.installed", { value: m.matched, set: m.indicator.set.name }),
        why: msg("det.profile_events.profile.why"),
        timestamp: r.timestamp ?? undefined,
        artifact: r.source,
      }),
      ...fromMatches(byProcess, {
        grade: "strong",
        title: (m) => msg("det.profile_events.process", { value: m.matched, profile: r.profile_id, set: m.indicator.set.name }),
        why: msg("det.profile_events.process.why"),
        timestamp: r.timestamp ?? undefined,
        artifact: r.source,
      }),
    ];
  },
});
