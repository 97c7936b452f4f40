import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { fromMacAbsolute } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { cachedChecks, eachFile, pagedRows, seenTitle, sqliteRows } from "./lib/web.js";
const FAST_REDIRECT_RULE = {
  id: "safari-fast-redirect",
  description: "A plain-HTTP page visit that Safari recorded as redirected, in under one second, to a page on another registrable domain."
};
const FAST_REDIRECT_WHY = "Network injection attacks (as used to deliver Pegasus) rewrite an unencrypted HTTP response so the browser is sent at once to exploit infrastructure on another domain. Many such redirects are harmless (link shorteners, captive portals); the destination is worth a look.";
var safari_history_default = defineModule({
  name: "safari_history",
  title: "Safari browsing history",
  platform: "ios",
  description: "Safari's History.db (every profile): visited URLs are checked against indicators, and sub-second plain-HTTP redirects to another domain are flagged as possible network injection.",
  reads: {
    backup: [
      { domain: "*", path: "Library/Safari/History.db" },
      { domain: "*", path: "Library/Safari/Profiles/*/History.db" }
    ],
    fs: [
      "private/var/mobile/Library/Safari/History.db",
      "private/var/mobile/Library/Safari/Profiles/*/History.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"
    ]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { history_items: ["id", "url"], history_visits: ["id", "history_item", "visit_time"] });
        const cols = h.columns("history_visits");
        const hasRedirects = cols.has("redirect_source") && cols.has("redirect_destination");
        const select = `SELECT i.id, i.url, v.id, v.visit_time, ${hasRedirects ? "v.redirect_source, v.redirect_destination" : "NULL, NULL"}
             FROM history_visits v JOIN history_items i ON i.id = v.history_item WHERE v.id > ?`;
        const dest = h.db.prepare("SELECT dv.visit_time, di.url FROM history_visits dv JOIN history_items di ON di.id = dv.history_item WHERE dv.id = ?").raw(true);
        for (const row of pagedRows(h, select, "v.id", 2)) {
          const rec = {
            id: row[0],
            url: row[1] ?? "",
            visit_id: row[2],
            timestamp: fromMacAbsolute(row[3]),
            redirect_source: row[4] ?? null,
            redirect_destination: row[5] ?? null,
            safari_history_db: file.path
          };
          if (rec.redirect_destination !== null) {
            const d = dest.get(rec.redirect_destination);
            if (d && d[1] !== null) {
              rec.redirect_destination_url = d[1];
              if (typeof d[0] === "number" && typeof row[3] === "number") rec.redirect_elapsed_ms = Math.round((d[0] - row[3]) * 1e3);
            }
          }
          yield rec;
        }
      })
    );
  },
  events(r) {
    if (!r.timestamp) return [];
    const redirect = r.redirect_destination_url ? ` (redirected to ${r.redirect_destination_url})` : "";
    return [{ timestamp: r.timestamp, event: "safari_history", description: `Safari visit to ${r.url}${redirect}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const hits = checks.urlById(r.safari_history_db, r.id, r.url);
    const out = hits.length ? fromMatches(hits, { grade: "medium", title: (m) => seenTitle("visited in Safari", m), timestamp: r.timestamp, artifact: r.safari_history_db }) : [];
    const dest = r.redirect_destination_url;
    if (dest && r.redirect_elapsed_ms !== void 0 && r.redirect_elapsed_ms >= 0 && r.redirect_elapsed_ms < 1e3 && // Only unencrypted HTTP can be rewritten on the network, as MVT assumes too.
    /^http:\/\//i.test(r.url)) {
      const from = checks.registrableDomain(r.url);
      const to = checks.registrableDomain(dest);
      if (from && to && from !== to) {
        const known = hits.length > 0 || checks.url(dest).length > 0;
        out.push(
          heuristic({
            rule: FAST_REDIRECT_RULE.id,
            ruleDescription: FAST_REDIRECT_RULE.description,
            grade: known ? "medium" : "weak",
            title: `Safari was redirected from ${from} to ${to} in ${r.redirect_elapsed_ms} ms`,
            why: FAST_REDIRECT_WHY,
            matched: `${r.url} -> ${dest}`,
            timestamp: r.timestamp,
            artifact: r.safari_history_db
          })
        );
      }
    }
    return out;
  }
});
export {
  FAST_REDIRECT_RULE,
  safari_history_default as default
};
