import { defineModule, fromMatches } from "../../core/module.js";
import { fromWebKit } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, pagedRows, seenTitle, sqliteRows } from "./lib/web.js";
const REL = "Library/Application Support/Google/Chrome/*/History";
var chrome_history_default = defineModule({
  name: "chrome_history",
  title: "Chrome browsing history",
  platform: "ios",
  description: "Chrome for iOS's History database: every visited URL is checked against indicators.",
  reads: {
    backup: [{ domain: "AppDomain-com.google.chrome.ios", path: REL }],
    fs: [`private/var/mobile/Containers/Data/Application/*/${REL}`]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { urls: ["id", "url"], visits: ["id", "url", "visit_time", "from_visit"] });
        const select = "SELECT u.id, u.url, v.id, v.visit_time, v.from_visit FROM visits v JOIN urls u ON u.id = v.url WHERE v.id > ?";
        for (const row of pagedRows(h, select, "v.id", 2)) {
          const from = row[4];
          yield {
            id: row[0],
            url: row[1] ?? "",
            visit_id: row[2],
            timestamp: fromWebKit(row[3]),
            redirect_source: from ? from : null,
            chrome_history_db: file.path
          };
        }
      })
    );
  },
  events(r) {
    if (!r.timestamp) return [];
    const from = r.redirect_source ? `, from visit ${r.redirect_source}` : "";
    return [{ timestamp: r.timestamp, event: "visit", description: `Chrome visit to ${r.url} (visit ID ${r.visit_id}${from})` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).urlById(r.chrome_history_db, r.id, r.url);
    if (!hits.length) return [];
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle("visited in Chrome", m), timestamp: r.timestamp, artifact: r.chrome_history_db });
  }
});
export {
  chrome_history_default as default
};
