// Chrome for iOS keeps a desktop-Chrome History database in its app container.
import { fromMatches } from "../../core/detection.ts";
import { fromWebKit } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { chromeProfileFile, cachedChecks, seenTitle } from "./lib/web.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ChromeVisit {
  id: number;
  url: string;
  visit_id: number;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  /** The visit this one came from (visits.from_visit): the referring or redirecting page. */
  redirect_source: number | null;
  chrome_history_db: string;
}

// "Default", and one folder per extra Chrome profile.

export default defineSqliteModule<ChromeVisit>({
  name: "chrome_history",
  title: "Chrome browsing history",
  platform: "ios",
  description: "Chrome for iOS's History database: every visited URL is checked against indicators.",
  reads: chromeProfileFile("History"),
  requires: { urls: ["id", "url"], visits: ["id", "url", "visit_time", "from_visit"] },
  *rows(db, ctx) {
    // A URL stored as a BLOB is read as text (see asText), so it is still checked.
    const undecodable = { count: 0 };
    // Rowid order is insertion (chronological) order; see safari_history for why no sort.
    const query = { columns: ["u.id", "u.url", "v.id", "v.visit_time", "v.from_visit"], from: "FROM visits v JOIN urls u ON u.id = v.url", key: "v.id", keyColumn: 2 };
    for (const row of db.paged(query)) {
      const from = row[4] as number | null;
      const time = fromWebKit(row[3] as number | bigint | null);
      yield {
        id: row[0] as number,
        url: asText(row[1], undecodable) ?? "",
        visit_id: row[2] as number,
        timestamp: time,
        isodate: time ?? null,
        redirect_source: from ? from : null,
        chrome_history_db: db.path,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "URL(s)");
    if (w) ctx.warn(w);
  },
  events(r) {
    if (!r.timestamp) return [];
    const from = r.redirect_source ? `, from visit ${r.redirect_source}` : "";
    return [{ timestamp: r.timestamp, event: "visit", description: `Chrome visit to ${r.url} (visit ID ${r.visit_id}${from})` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).urlById(r.chrome_history_db, r.id, r.url);
    if (!hits.length) return [];
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(msg("det.what.visited_chrome"), m), timestamp: r.timestamp, artifact: r.chrome_history_db });
  },
});
