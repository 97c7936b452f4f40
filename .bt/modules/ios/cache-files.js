import { defineModule, fromMatches } from "../../core/module.js";
import { parseLooseTimestamp } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.js";
function urlOfRequestKey(key) {
  if (/^https?:\/\//i.test(key)) return key;
  const m = /https?:\/\//i.exec(key);
  return m ? key.slice(m.index) : key;
}
var cache_files_default = defineModule({
  name: "cache_files",
  title: "App URL caches (Cache.db)",
  platform: "ios",
  description: "Every Cache.db (CFNetwork URL cache) of apps and system services: the URL of each cached response is checked against indicators.",
  reads: {
    fs: ["private/var/**/Cache.db"]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { cfurl_cache_response: ["entry_ID", "request_key", "time_stamp"] });
        const cols = h.columns("cfurl_cache_response");
        const col = (c) => cols.has(c) ? c : "NULL";
        const stmt = h.db.prepare(`SELECT entry_ID, ${col("version")}, ${col("hash_value")}, ${col("storage_policy")}, request_key, time_stamp FROM cfurl_cache_response ORDER BY entry_ID`).raw(true);
        for (const row of stmt.iterate()) {
          const ts = row[5];
          yield {
            entry_id: row[0],
            version: row[1] ?? null,
            hash_value: row[2] ?? null,
            storage_policy: row[3] ?? null,
            url: urlOfRequestKey(String(row[4] ?? "")),
            // CURRENT_TIMESTAMP text, in UTC
            timestamp: typeof ts === "string" ? parseLooseTimestamp(ts) : void 0,
            cache_db: file.path
          };
        }
      })
    );
  },
  events(r) {
    if (!r.timestamp) return [];
    return [{ timestamp: r.timestamp, event: "cache_response", description: `${r.cache_db} recorded visit to URL ${r.url}` }];
  },
  check(r, ctx) {
    const hits = cachedChecks(ctx).url(r.url);
    if (!hits.length) return [];
    return fromMatches(hits, { grade: "medium", title: (m) => seenTitle("fetched (URL cache)", m), timestamp: r.timestamp, artifact: r.cache_db });
  }
});
export {
  cache_files_default as default,
  urlOfRequestKey
};
