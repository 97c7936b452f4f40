// Safari's favicon cache (Favicons.db): the icon of every page Safari showed, and the icons it
// rejected. Icons outlive history entries, so a page can be found here after its visit was
// cleared. Not in iTunes backups: filesystem dumps only.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { requireSchema } from "../../formats/sqlite.ts";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SafariFavicon {
  url: string;
  icon_url: string;
  timestamp?: string;
  /** "valid" (icon_info) or "rejected" (rejected_resources). */
  type: "valid" | "rejected";
  safari_favicon_db_path: string;
}

const REL = "Library/Image Cache/Favicons/Favicons.db";

export default defineModule<SafariFavicon>({
  name: "safari_favicon",
  title: "Safari favicons",
  platform: "ios",
  description: "Safari's Favicons.db: page URLs and icon URLs of cached and rejected favicons are checked against indicators.",
  reads: {
    fs: [`private/var/mobile/${REL}`, `private/var/mobile/Containers/Data/Application/*/${REL}`],
  },
  records(ctx) {
    return eachFile(ctx, (file) =>
      sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { icon_info: ["uuid", "url", "timestamp"], page_url: ["uuid", "url"] });
        const valid = h.db
          .prepare("SELECT p.url, i.url, i.timestamp FROM page_url p JOIN icon_info i ON i.uuid = p.uuid ORDER BY i.timestamp")
          .raw(true);
        for (const row of valid.iterate() as IterableIterator<unknown[]>) {
          yield { url: String(row[0] ?? ""), icon_url: String(row[1] ?? ""), timestamp: fromMacAbsolute(row[2] as number | null), type: "valid", safari_favicon_db_path: file.path };
        }
        // Older databases have no rejected_resources table.
        if (h.tables().has("rejected_resources")) {
          requireSchema(h, { rejected_resources: ["page_url", "icon_url", "timestamp"] });
          const rejected = h.db.prepare("SELECT page_url, icon_url, timestamp FROM rejected_resources ORDER BY timestamp").raw(true);
          for (const row of rejected.iterate() as IterableIterator<unknown[]>) {
            yield { url: String(row[0] ?? ""), icon_url: String(row[1] ?? ""), timestamp: fromMacAbsolute(row[2] as number | null), type: "rejected", safari_favicon_db_path: file.path };
          }
        }
      }),
    );
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
