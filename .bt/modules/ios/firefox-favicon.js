import { defineModule, fromMatches } from "../../core/module.js";
import { fromUnixAuto } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.js";
const GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox";
var firefox_favicon_default = defineModule({
  name: "firefox_favicon",
  title: "Firefox favicons",
  platform: "ios",
  description: "Firefox for iOS's favicon cache (browser.db): icon URLs and the pages they were shown for are checked against indicators.",
  reads: {
    backup: [{ domain: GROUP, path: "profile.profile/browser.db" }],
    fs: ["private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db", "private/var/mobile/profile.profile/browser.db"]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { favicons: ["id", "url", "width", "height", "type", "date"], favicon_sites: ["siteID", "faviconID"], history: ["id", "url"] });
        const stmt = h.db.prepare(
          `SELECT f.id, f.url, f.width, f.height, f.type, f.date, h.id, h.url
             FROM favicons f JOIN favicon_sites s ON s.faviconID = f.id JOIN history h ON h.id = s.siteID`
        ).raw(true);
        for (const row of stmt.iterate()) {
          yield {
            id: row[0],
            url: row[1] ?? "",
            width: row[2] ?? null,
            height: row[3] ?? null,
            type: row[4] ?? null,
            timestamp: fromUnixAuto(row[5]),
            history_id: row[6],
            history_url: row[7] ?? "",
            firefox_favicon_db: file.path
          };
        }
      })
    );
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
    const what = page.length ? "visited in Firefox (favicon cache)" : "served a favicon to Firefox";
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.firefox_favicon_db });
  }
});
export {
  firefox_favicon_default as default
};
