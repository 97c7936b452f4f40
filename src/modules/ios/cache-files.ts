// CFNetwork's URL cache (Cache.db) of every app: the URL of each cached HTTP response. Apps and
// system daemons keep these for days, so an exploit delivery URL fetched by any process can be
// found here. Caches are not in iTunes backups: filesystem dumps only.
import { fromMatches } from "../../core/detection.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { parseLooseTimestamp } from "../../core/time.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface CacheResponse {
  entry_id: number;
  version: number | null;
  hash_value: number | null;
  storage_policy: number | null;
  url: string;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  /** The Cache.db this response is in (its folder names the app or daemon). */
  cache_db: string;
}

/**
 * request_key is normally the URL; partitioned caches put a prefix in front of it, so the
 * URL is taken from the first "http(s)://" on.
 */
export function urlOfRequestKey(key: string): string {
  if (/^https?:\/\//i.test(key)) return key;
  const m = /https?:\/\//i.exec(key);
  return m ? key.slice(m.index) : key;
}

export default defineSqliteModule<CacheResponse>({
  name: "cache_files",
  title: "App URL caches (Cache.db)",
  platform: "ios",
  description: "Every Cache.db (CFNetwork URL cache) of apps and system services: the URL of each cached response is checked against indicators.",
  reads: {
    fs: ["private/var/**/Cache.db"],
  },
  requires: { cfurl_cache_response: ["entry_ID", "request_key", "time_stamp"] },
  *rows(db) {
    const col = (c: string) => db.optional("cfurl_cache_response", c);
    const sql = `SELECT entry_ID, ${col("version")}, ${col("hash_value")}, ${col("storage_policy")}, request_key, time_stamp FROM cfurl_cache_response ORDER BY entry_ID`;
    for (const row of db.rows<unknown[]>(sql)) {
      const ts = row[5];
      // CURRENT_TIMESTAMP text, in UTC
      const time = typeof ts === "string" ? parseLooseTimestamp(ts) : undefined;
      yield {
        entry_id: row[0] as number,
        version: (row[1] as number | null) ?? null,
        hash_value: (row[2] as number | null) ?? null,
        storage_policy: (row[3] as number | null) ?? null,
        url: urlOfRequestKey(String(row[4] ?? "")),
        timestamp: time,
        isodate: time ?? null,
        cache_db: db.path,
      };
    }
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "cache_response", description: `${r.cache_db} recorded visit to URL ${r.url}` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).url(r.url);
    if (!hits.length) return [];
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(msg("det.what.url_cache"), m), timestamp: r.timestamp, artifact: r.cache_db });
  },
});
