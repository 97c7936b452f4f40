// Chrome for iOS's Favicons database: the icon of every page Chrome showed, with the page URL.
// Icons outlive history entries, so a page can be found here after its visit was deleted.
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromWebKit } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { chromeProfileFile, cachedChecks, seenTitle } from "./lib/web.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ChromeFavicon {
  url: string;
  icon_url: string;
  /** When the icon was last updated (or, when never, last requested). */
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  chrome_favicon_db: string;
}

// "Default", and one folder per extra Chrome profile.

export default defineSqliteModule<ChromeFavicon>({
  name: "chrome_favicon",
  title: "Chrome favicons",
  platform: "ios",
  description: "Chrome for iOS's Favicons database: the page URL and icon URL of every cached favicon are checked against indicators.",
  reads: chromeProfileFile("Favicons"),
  requires: { icon_mapping: ["page_url", "icon_id"], favicons: ["id", "url"], favicon_bitmaps: ["icon_id", "last_updated"] },
  *rows(db, ctx) {
    // URLs stored as BLOBs are read as text (see asText), so they are still checked.
    const undecodable = { count: 0 };
    const requested = db.has("favicon_bitmaps", "last_requested") ? "b.last_requested" : "0";
    const sql = `SELECT m.page_url, f.url, b.last_updated, ${requested}
      FROM icon_mapping m JOIN favicon_bitmaps b ON b.icon_id = m.icon_id JOIN favicons f ON f.id = m.icon_id
      ORDER BY m.id`;
    for (const row of db.rows<unknown[]>(sql)) {
      const updated = Number(row[2] ?? 0);
      const time = fromWebKit(updated || Number(row[3] ?? 0));
      yield {
        url: asText(row[0], undecodable) ?? "",
        icon_url: asText(row[1], undecodable) ?? "",
        timestamp: time,
        isodate: time ?? null,
        chrome_favicon_db: db.path,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "URL(s)");
    if (w) ctx.warn(w);
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "new_favicon", description: `Chrome favicon ${r.icon_url} from ${r.url}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const page = checks.url(r.url);
    // The page is what the user visited; the icon URL only counts when the page did not match.
    const hits = page.length ? page : checks.url(r.icon_url);
    if (!hits.length) return [];
    const what = page.length ? msg("det.what.favicon_visited_chrome") : msg("det.what.favicon_served_chrome");
    const out: DetectionInput[] = fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.chrome_favicon_db });
    return out;
  },
});
