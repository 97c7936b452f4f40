// Firefox for iOS history: browser.db (history + visits) in older versions, places.db (the
// shared Mozilla "places" store: moz_places + moz_historyvisits) in current ones.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { fromUnixAuto } from "../../core/time.ts";
import { VigilError } from "../../core/errors.ts";
import { requireSchema } from "../../formats/sqlite.ts";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface FirefoxVisit {
  /** Visit id. */
  id: number;
  timestamp?: string;
  url: string;
  title: string | null;
  is_local: number | null;
  /** Firefox visit (transition) type. */
  type: number | null;
  firefox_history_db: string;
}

const GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox";

export default defineModule<FirefoxVisit>({
  name: "firefox_history",
  title: "Firefox browsing history",
  platform: "ios",
  description: "Firefox for iOS's history (browser.db, and places.db in current versions): every visited URL is checked against indicators.",
  reads: {
    backup: [
      { domain: GROUP, path: "profile.profile/browser.db" },
      { domain: GROUP, path: "profile.profile/places.db" },
    ],
    fs: [
      "private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db",
      "private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/places.db",
      "private/var/mobile/profile.profile/browser.db",
    ],
  },
  records(ctx) {
    return eachFile(ctx, (file) =>
      sqliteRows(ctx, file, function* (h) {
        let sql: string;
        if (h.tables().has("moz_historyvisits")) {
          requireSchema(h, { moz_places: ["id", "url", "title"], moz_historyvisits: ["id", "place_id", "visit_date", "visit_type", "is_local"] });
          sql = `SELECT v.id, v.visit_date, p.url, p.title, v.is_local, v.visit_type
                 FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id`;
        } else if (h.tables().has("visits")) {
          requireSchema(h, { history: ["id", "url", "title"], visits: ["id", "siteID", "date", "type", "is_local"] });
          sql = "SELECT v.id, v.date, h.url, h.title, v.is_local, v.type FROM visits v JOIN history h ON h.id = v.siteID";
        } else {
          throw new VigilError("unexpected schema: neither visits (browser.db) nor moz_historyvisits (places.db)", { file: file.path, code: "schema" });
        }
        for (const row of h.db.prepare(sql).raw(true).iterate() as IterableIterator<unknown[]>) {
          yield {
            id: row[0] as number,
            // browser.db stores microseconds, places.db milliseconds: the magnitude tells.
            timestamp: fromUnixAuto(row[1] as number | null),
            url: (row[2] as string | null) ?? "",
            title: (row[3] as string | null) ?? null,
            is_local: (row[4] as number | null) ?? null,
            type: (row[5] as number | null) ?? null,
            firefox_history_db: file.path,
          };
        }
      }),
    );
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "firefox_history", description: `Firefox visit with ID ${r.id} to URL: ${r.url}` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).url(r.url);
    if (!hits.length) return [];
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(msg("det.what.visited_firefox"), m), timestamp: r.timestamp, artifact: r.firefox_history_db });
  },
});
