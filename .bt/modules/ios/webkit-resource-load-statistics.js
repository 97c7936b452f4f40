import { defineModule, fromMatches } from "../../core/module.js";
import { fromUnixSeconds } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.js";
const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";
var webkit_resource_load_statistics_default = defineModule({
  name: "webkit_resource_load_statistics",
  title: "WebKit resource load statistics",
  platform: "ios",
  description: "observations.db of Safari and every app using WebKit: each domain web content was loaded from, with top-frame redirects between domains, checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: REL }],
    fs: [
      `private/var/mobile/Containers/Data/Application/*/${REL}`,
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
      `private/var/mobile/${REL}`
    ]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { ObservedDomains: ["domainID", "registrableDomain", "lastSeen", "hadUserInteraction"] });
        const hasMru = h.columns("ObservedDomains").has("mostRecentUserInteractionTime");
        const redirects = (table, from2, to2) => {
          const m = /* @__PURE__ */ new Map();
          if (!h.tables().has(table)) return m;
          const cols = h.columns(table);
          if (!cols.has(from2) || !cols.has(to2)) return m;
          const sql2 = `SELECT r."${from2}", o.registrableDomain FROM "${table}" r JOIN ObservedDomains o ON o.domainID = r."${to2}"`;
          for (const [id, d] of h.db.prepare(sql2).raw(true).iterate()) {
            const list = m.get(id);
            if (list) list.push(d);
            else m.set(id, [d]);
          }
          return m;
        };
        const to = redirects("TopFrameUniqueRedirectsTo", "sourceDomainID", "toDomainID");
        const from = redirects("TopFrameUniqueRedirectsFrom", "targetDomainID", "fromDomainID");
        const sql = `SELECT domainID, registrableDomain, lastSeen, hadUserInteraction, ${hasMru ? "mostRecentUserInteractionTime" : "NULL"} FROM ObservedDomains ORDER BY domainID`;
        for (const row of h.db.prepare(sql).raw(true).iterate()) {
          const id = row[0];
          const mru = row[4];
          const rec = {
            domain_id: id,
            registrable_domain: String(row[1] ?? ""),
            last_seen: fromUnixSeconds(row[2]),
            had_user_interaction: !!row[3],
            // -1 means "never"
            most_recent_user_interaction: typeof mru === "number" && mru > 0 ? fromUnixSeconds(mru) : void 0,
            domain: file.domain ?? "",
            path: file.path
          };
          if (to.has(id)) rec.redirects_to = to.get(id);
          if (from.has(id)) rec.redirects_from = from.get(id);
          yield rec;
        }
      })
    );
  },
  events(r) {
    if (!r.last_seen) return [];
    const app = r.domain ? ` by app in domain ${r.domain}` : "";
    return [{ timestamp: r.last_seen, event: "visit", description: `WebKit resource loaded from ${r.registrable_domain}${app}` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).host(r.registrable_domain);
    if (!hits.length) return [];
    const app = r.domain ? ` (${r.domain.replace(/^AppDomain-/, "")})` : "";
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(`loaded by WebKit${app}`, m), timestamp: r.last_seen, artifact: r.path });
  }
});
export {
  webkit_resource_load_statistics_default as default
};
