// Safari's favicon cache (Favicons.db): the icon of every page Safari showed, and the icons it
// rejected. Icons outlive history entries, so a page can be found here after its visit was
// cleared. Not in iTunes backups: filesystem dumps only.
import { fromMatches } from "../../core/detection.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SafariFavicon {
  url: string;
  icon_url: string;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  /** "valid" (icon_info) or "rejected" (rejected_resources). */
  type: "valid" | "rejected";
  safari_favicon_db_path: string;
}

const REL = "Library/Image Cache/Favicons/Favicons.db";

export default defineSqliteModule<SafariFavicon>({
  name: "safari_favicon",
  title: "Safari favicons",
  platform: "ios",
  description: "Safari's Favicons.db: page URLs and icon URLs of cached and rejected favicons are checked against indicators.",
  reads: {
    fs: [`private/var/mobile/${REL}`, `private/var/mobile/Containers/Data/Application/*/${REL}`],
  },
  requires: { icon_info: ["uuid", "url", "timestamp"], page_url: ["uuid", "url"] },
  *rows(db) {
    for (const row of db.rows<unknown[]>("SELECT p.url, i.url, i.timestamp FROM page_url p JOIN icon_info i ON i.uuid = p.uuid ORDER BY i.timestamp")) {
      const time = fromMacAbsolute(row[2] as number | null);
      yield { url: String(row[0] ?? ""), icon_url: String(row[1] ?? ""), timestamp: time, isodate: time ?? null, type: "valid", safari_favicon_db_path: db.path };
    }
    // Older databases have no rejected_resources table.
    if (db.has("rejected_resources")) {
      db.require({ rejected_resources: ["page_url", "icon_url", "timestamp"] });
      for (const row of db.rows<unknown[]>("SELECT page_url, icon_url, timestamp FROM rejected_resources ORDER BY timestamp")) {
        const time = fromMacAbsolute(row[2] as number | null);
        yield { url: String(row[0] ?? ""), icon_url: String(row[1] ?? ""), timestamp: time, isodate: time ?? null, type: "rejected", safari_favicon_db_path: db.path };
      }
    }
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "safari_favicon", description: `Safari favicon from ${r.url} with icon URL ${r.icon_url} (${r.type})` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const page = checks.url(r.url);
    const hits = page.length ? page : checks.url(r.icon_url);
    if (!hits.length) return [];
    const what = page.length ? msg("det.what.favicon_visited_safari") : msg("det.what.favicon_served_safari");
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.safari_favicon_db_path });
  },
});
