// Firefox for iOS history: browser.db (history + visits) in older versions, places.db (the
// shared Mozilla "places" store: moz_places + moz_historyvisits) in current ones.
import { fromMatches } from "../../core/detection.ts";
import { fromUnixAuto } from "../../core/time.ts";
import { VigilError } from "../../core/errors.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { msg } from "../../core/i18n/index.ts";

export interface FirefoxVisit {
  /** Visit id. */
  id: number;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  url: string;
  title: string | null;
  is_local: number | null;
  /** Firefox visit (transition) type. */
  type: number | null;
  firefox_history_db: string;
}

const GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox";

export default defineSqliteModule<FirefoxVisit>({
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
  *rows(db, ctx) {
    let sql: string;
    if (db.has("moz_historyvisits")) {
      db.require({ moz_places: ["id", "url", "title"], moz_historyvisits: ["id", "place_id", "visit_date", "visit_type", "is_local"] });
      sql = `SELECT v.id, v.visit_date, p.url, p.title, v.is_local, v.visit_type
             FROM moz_historyvisits v JOIN moz_places p ON p.id = v.place_id`;
    } else if (db.has("visits")) {
      db.require({ history: ["id", "url", "title"], visits: ["id", "siteID", "date", "type", "is_local"] });
      sql = "SELECT v.id, v.date, h.url, h.title, v.is_local, v.type FROM visits v JOIN history h ON h.id = v.siteID";
    } else {
      throw new VigilError("unexpected schema: neither visits (browser.db) nor moz_historyvisits (places.db)", { file: db.path, code: "schema" });
    }
    // A URL stored as a BLOB is read as text (see asText), so it is still checked.
    const undecodable = { count: 0 };
    for (const row of db.rows<unknown[]>(sql)) {
      const time = fromUnixAuto(row[1] as number | null);
      yield {
        id: row[0] as number,
        // browser.db stores microseconds, places.db milliseconds: the magnitude tells.
        timestamp: time,
        isodate: time ?? null,
        url: asText(row[2], undecodable) ?? "",
        title: asText(row[3]),
        is_local: (row[4] as number | null) ?? null,
        type: (row[5] as number | null) ?? null,
        firefox_history_db: db.path,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "URL(s)");
    if (w) ctx.warn(w);
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
