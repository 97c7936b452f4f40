// WebKit's Intelligent Tracking Prevention store (observations.db): every registrable domain a
// WebKit view loaded something from, in Safari and in every app that embeds WebKit. Domains stay
// here after history is cleared, which makes it a good place to find exploit-server visits.
import { fromMatches } from "../../core/detection.ts";
import { fromUnixSeconds } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ObservedDomain {
  domain_id: number;
  registrable_domain: string;
  last_seen?: string;
  /** MVT's name for last_seen; null when unknown. */
  last_seen_isodate: string | null;
  had_user_interaction: boolean;
  most_recent_user_interaction?: string;
  /** MVT's fields: the raw column (Unix seconds, -1 for never; null when the column is missing) and its time. */
  most_recent_user_interaction_time: number | null;
  most_recent_user_interaction_time_isodate?: string;
  /** Domains this domain redirected the top frame to, and from which it was redirected. */
  redirects_to?: string[];
  redirects_from?: string[];
  /** Backup domain of the app whose WebKit data this is ("" in a filesystem dump). */
  domain: string;
  /** Path of the observations.db inside the acquisition. */
  path: string;
  /** MVT's fields: the last interaction through a web push notification (raw, and its time). */
  most_recent_web_push_interaction_time: number | null;
  most_recent_web_push_interaction_time_isodate?: string;
}

const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";

export default defineSqliteModule<ObservedDomain>({
  name: "webkit_resource_load_statistics",
  title: "WebKit resource load statistics",
  platform: "ios",
  description:
    "observations.db of Safari and every app using WebKit: each domain web content was loaded from, with top-frame redirects between domains, checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: REL }],
    fs: [
      `private/var/mobile/Containers/Data/Application/*/${REL}`,
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
      `private/var/mobile/${REL}`,
    ],
  },
  requires: { ObservedDomains: ["domainID", "registrableDomain", "lastSeen", "hadUserInteraction"] },
  *rows(db) {
    const mru = db.optional("ObservedDomains", "mostRecentUserInteractionTime");
    const push = db.optional("ObservedDomains", "mostRecentWebPushInteractionTime");
    const redirects = (table: string, from: string, to: string) => {
      const m = new Map<number, string[]>();
      if (!db.has(table, from, to)) return m;
      const sql = `SELECT r."${from}", o.registrableDomain FROM "${table}" r JOIN ObservedDomains o ON o.domainID = r."${to}"`;
      for (const [id, d] of db.rows<[number, string]>(sql)) {
        const list = m.get(id);
        if (list) list.push(d);
        else m.set(id, [d]);
      }
      return m;
    };
    // The redirect tables are small (one row per distinct pair of domains).
    const to = redirects("TopFrameUniqueRedirectsTo", "sourceDomainID", "toDomainID");
    const from = redirects("TopFrameUniqueRedirectsFrom", "targetDomainID", "fromDomainID");
    const sql = `SELECT domainID, registrableDomain, lastSeen, hadUserInteraction, ${mru}, ${push} FROM ObservedDomains ORDER BY domainID`;
    for (const row of db.rows<unknown[]>(sql)) {
      const id = row[0] as number;
      const lastInteraction = row[4] as number | null;
      const lastPush = row[5] as number | null;
      const lastSeen = fromUnixSeconds(row[2] as number | null);
      // -1 means "never"
      const interaction = typeof lastInteraction === "number" && lastInteraction > 0 ? fromUnixSeconds(lastInteraction) : undefined;
      const rec: ObservedDomain = {
        domain_id: id,
        registrable_domain: String(row[1] ?? ""),
        last_seen: lastSeen,
        last_seen_isodate: lastSeen ?? null,
        had_user_interaction: !!row[3],
        most_recent_user_interaction: interaction,
        most_recent_user_interaction_time: lastInteraction ?? null,
        most_recent_user_interaction_time_isodate: interaction,
        domain: db.file.domain ?? "",
        path: db.path,
        most_recent_web_push_interaction_time: lastPush ?? null,
        most_recent_web_push_interaction_time_isodate: typeof lastPush === "number" && lastPush > 0 ? fromUnixSeconds(lastPush) : undefined,
      };
      if (to.has(id)) rec.redirects_to = to.get(id);
      if (from.has(id)) rec.redirects_from = from.get(id);
      yield rec;
    }
  },
  events(r) {
    if (!r.last_seen) return [];
    const app = r.domain ? ` by app in domain ${r.domain}` : "";
    return [{ timestamp: r.last_seen, event: "visit", description: `WebKit resource loaded from ${r.registrable_domain}${app}` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).host(r.registrable_domain);
    if (!hits.length) return [];
    const what = r.domain ? msg("det.what.loaded_webkit_app", { app: r.domain.replace(/^AppDomain-/, "") }) : msg("det.what.loaded_webkit");
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.last_seen, artifact: r.path });
  },
});
