import { defineModule, fromMatches } from "../../core/module.js";
import { fromWebKit } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.js";
const REL = "Library/Application Support/Google/Chrome/*/Favicons";
var chrome_favicon_default = defineModule({
  name: "chrome_favicon",
  title: "Chrome favicons",
  platform: "ios",
  description: "Chrome for iOS's Favicons database: the page URL and icon URL of every cached favicon are checked against indicators.",
  reads: {
    backup: [{ domain: "AppDomain-com.google.chrome.ios", path: REL }],
    fs: [`private/var/mobile/Containers/Data/Application/*/${REL}`]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { icon_mapping: ["page_url", "icon_id"], favicons: ["id", "url"], favicon_bitmaps: ["icon_id", "last_updated"] });
        const requested = h.columns("favicon_bitmaps").has("last_requested") ? "b.last_requested" : "0";
        const stmt = h.db.prepare(
          `SELECT m.page_url, f.url, b.last_updated, ${requested}
             FROM icon_mapping m JOIN favicon_bitmaps b ON b.icon_id = m.icon_id JOIN favicons f ON f.id = m.icon_id
             ORDER BY m.id`
        ).raw(true);
        for (const row of stmt.iterate()) {
          const updated = Number(row[2] ?? 0);
          yield {
            url: row[0] ?? "",
            icon_url: row[1] ?? "",
            timestamp: fromWebKit(updated || Number(row[3] ?? 0)),
            chrome_favicon_db: file.path
          };
        }
      })
    );
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "new_favicon", description: `Chrome favicon ${r.icon_url} from ${r.url}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const page = checks.url(r.url);
    const hits = page.length ? page : checks.url(r.icon_url);
    if (!hits.length) return [];
    const what = page.length ? "visited in Chrome (favicon cache)" : "served a favicon to Chrome";
    const out = fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.chrome_favicon_db });
    return out;
  }
});
export {
  chrome_favicon_default as default
};
