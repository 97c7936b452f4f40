import { createInterface } from "node:readline";
import { describeError } from "../../core/errors.js";
import { defineModule } from "../../core/module.js";
import { fromOffsetDateTime, fromUnixAuto } from "../../core/time.js";
import { splitOsVersion } from "../../formats/ips.js";
import { parsePlist } from "../../formats/plist.js";
import { isDict } from "./lib/plist-values.js";
async function firstLine(stream) {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const l of rl) return l;
  } finally {
    rl.close();
    stream.destroy?.();
  }
  return void 0;
}
var ios_versions_default = defineModule({
  name: "ios_versions",
  title: "iOS version history (analytics)",
  platform: "ios",
  description: "Lists the iOS versions and builds the phone ran and when each first appeared, from the analytics journals and the keychain analytics databases. Nothing is flagged here; the history dates a finding against the iOS versions exploits targeted.",
  reads: {
    fs: ["private/var/db/analyticsd/Analytics-Journal-*.ips", "private/var/Keychains/Analytics/*.db"]
  },
  async *records(ctx) {
    const first = /* @__PURE__ */ new Map();
    const note = (r) => {
      const key = `${r.os_version ?? ""}\0${r.build ?? ""}`;
      const had = first.get(key);
      if (!had || r.isodate < had.isodate) first.set(key, r);
    };
    for (const f of ctx.files) {
      try {
        if (f.path.endsWith(".ips")) {
          const line = await firstLine(await ctx.view.openStream(f));
          if (!line) continue;
          const head = JSON.parse(line);
          const at = fromOffsetDateTime(typeof head.timestamp === "string" ? head.timestamp : void 0);
          const os = splitOsVersion(typeof head.os_version === "string" ? head.os_version : void 0);
          if (at && (os.version || os.build)) note({ isodate: at, os_version: os.version, build: os.build, source: "analytics_journal" });
        } else {
          const h = await ctx.view.openSqlite(f);
          try {
            for (const table of ["hard_failures", "soft_failures", "all_events"]) {
              if (!h.tables().has(table) || !h.columns(table).has("data")) continue;
              for (const row of h.db.prepare(`SELECT timestamp, data FROM "${table}"`).iterate()) {
                if (!row.data || !Buffer.isBuffer(row.data)) continue;
                let v;
                try {
                  v = parsePlist(row.data);
                } catch {
                  continue;
                }
                const b = isDict(v) ? v.build : void 0;
                const build = typeof b === "string" ? b : void 0;
                const at = fromUnixAuto(row.timestamp ?? void 0);
                if (build && at) note({ isodate: at, build, source: "keychain_analytics" });
              }
            }
          } finally {
            h.close();
          }
        }
      } catch (e) {
        ctx.warn(`${f.path}: ${describeError(e)}`);
      }
    }
    const out = [...first.values()].sort((a, b) => a.isodate < b.isodate ? -1 : a.isodate > b.isodate ? 1 : 0);
    yield* out;
  },
  events: (r) => [
    { timestamp: r.isodate, event: "ios_version", description: `iOS ${r.os_version ?? "version unknown"}${r.build ? ` (${r.build})` : ""} first seen (${r.source.replace("_", " ")})` }
  ]
});
export {
  ios_versions_default as default
};
