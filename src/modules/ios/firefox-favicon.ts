// Firefox for iOS's favicon cache in browser.db, joined to the history entry it belongs to.
import { fromMatches } from "../../core/detection.ts";
import { fromUnixAuto } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { msg } from "../../core/i18n/index.ts";

export interface FirefoxFavicon {
  id: number;
  /** Icon URL. */
  url: string;
  width: number | null;
  height: number | null;
  type: number | null;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  history_id: number;
  history_url: string;
  firefox_favicon_db: string;
}

const GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox";

export default defineSqliteModule<FirefoxFavicon>({
  name: "firefox_favicon",
  title: "Firefox favicons",
  platform: "ios",
  description: "Firefox for iOS's favicon cache (browser.db): icon URLs and the pages they were shown for are checked against indicators.",
  reads: {
    backup: [{ domain: GROUP, path: "profile.profile/browser.db" }],
    fs: ["private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db", "private/var/mobile/profile.profile/browser.db"],
  },
  requires: { favicons: ["id", "url", "width", "height", "type", "date"], favicon_sites: ["siteID", "faviconID"], history: ["id", "url"] },
  *rows(db, ctx) {
    // URLs stored as BLOBs are read as text (see asText), so they are still checked.
    const undecodable = { count: 0 };
    const sql = `SELECT f.id, f.url, f.width, f.height, f.type, f.date, h.id, h.url
      FROM favicons f JOIN favicon_sites s ON s.faviconID = f.id JOIN history h ON h.id = s.siteID`;
    for (const row of db.rows<unknown[]>(sql)) {
      const time = fromUnixAuto(row[5] as number | null);
      yield {
        id: row[0] as number,
        url: asText(row[1], undecodable) ?? "",
        width: (row[2] as number | null) ?? null,
        height: (row[3] as number | null) ?? null,
        type: (row[4] as number | null) ?? null,
        timestamp: time,
        isodate: time ?? null,
        history_id: row[6] as number,
        history_url: asText(row[7], undecodable) ?? "",
        firefox_favicon_db: db.path,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "URL(s)");
    if (w) ctx.warn(w);
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "firefox_favicon", description: `Firefox favicon ${r.url} when visiting ${r.history_url}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const page = checks.url(r.history_url);
    const hits = page.length ? page : checks.url(r.url);
    if (!hits.length) return [];
    const what = page.length ? msg("det.what.favicon_visited_firefox") : msg("det.what.favicon_served_firefox");
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.firefox_favicon_db });
  },
});
