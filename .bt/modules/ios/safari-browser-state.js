import { defineModule, fromMatches } from "../../core/module.js";
import { fromMacAbsolute } from "../../core/time.js";
import { requireSchema } from "../../formats/sqlite.js";
import { parsePlist } from "../../formats/plist.js";
import { cachedChecks, eachFile, seenTitle, sqliteRows } from "./lib/web.js";
const BPLIST = Buffer.from("bplist00");
function parseSessionData(blob) {
  const at = blob.indexOf(BPLIST);
  if (at < 0 || at > 64) return void 0;
  const root = parsePlist(blob.subarray(at));
  const entries = dict(dict(root)?.["SessionHistory"])?.["SessionHistoryEntries"];
  if (!Array.isArray(entries)) return [];
  const out = [];
  for (const item of entries) {
    const e = dict(item);
    if (!e) continue;
    const data = e["SessionHistoryEntryData"];
    out.push({
      entry_title: str(e["SessionHistoryEntryTitle"]),
      entry_url: str(e["SessionHistoryEntryURL"]),
      entry_original_url: str(e["SessionHistoryEntryOriginalURL"]),
      data_length: Buffer.isBuffer(data) ? data.length : 0
    });
  }
  return out;
}
function dict(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) ? v : void 0;
}
const str = (v) => typeof v === "string" ? v : void 0;
var safari_browser_state_default = defineModule({
  name: "safari_browser_state",
  title: "Safari open tabs",
  platform: "ios",
  description: "Safari's BrowserState.db: the URL of every open tab and the pages in each tab's back/forward history are checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: "Library/Safari/BrowserState.db" }],
    fs: [
      "private/var/mobile/Library/Safari/BrowserState.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db"
    ]
  },
  records(ctx) {
    return eachFile(
      ctx,
      (file) => sqliteRows(ctx, file, function* (h) {
        requireSchema(h, { tabs: ["title", "url", "last_viewed_time"] });
        const tabCols = h.columns("tabs");
        const visible = tabCols.has("user_visible_url") ? "t.user_visible_url" : "NULL";
        let sql;
        if (h.tables().has("tab_sessions") && h.columns("tab_sessions").has("session_data")) {
          sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, s.session_data
                 FROM tabs t LEFT JOIN tab_sessions s ON s.tab_uuid = t.uuid ORDER BY t.last_viewed_time`;
        } else if (tabCols.has("session_data")) {
          sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, t.session_data FROM tabs t ORDER BY t.last_viewed_time`;
        } else {
          sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, NULL FROM tabs t ORDER BY t.last_viewed_time`;
        }
        let undecoded = 0;
        for (const row of h.db.prepare(sql).raw(true).iterate()) {
          let session = [];
          const blob = row[4];
          if (Buffer.isBuffer(blob) && blob.length > 0) {
            try {
              const parsed = parseSessionData(blob);
              if (parsed) session = parsed;
              else undecoded++;
            } catch {
              undecoded++;
            }
          }
          yield {
            tab_title: row[0] ?? null,
            tab_url: row[1] ?? null,
            tab_visible_url: row[2] ?? null,
            last_viewed_timestamp: fromMacAbsolute(row[3]),
            session_data: session,
            safari_browser_state_db: file.path
          };
        }
        if (undecoded) ctx.warn(`${file.path}: session history of ${undecoded} tab(s) could not be decoded; only their current URLs were checked`);
      })
    );
  },
  events(r) {
    if (!r.last_viewed_timestamp) return [];
    return [{ timestamp: r.last_viewed_timestamp, event: "tab", description: `Safari tab ${r.tab_title ?? ""} - ${r.tab_url ?? ""}`.trim() }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const urls = /* @__PURE__ */ new Set();
    for (const u of [r.tab_url, r.tab_visible_url]) if (u) urls.add(u);
    for (const e of r.session_data) {
      if (e.entry_url) urls.add(e.entry_url);
      if (e.entry_original_url) urls.add(e.entry_original_url);
    }
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    for (const u of urls) {
      const hits = checks.url(u).filter((m) => {
        const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.name}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      if (hits.length) {
        const where = u === r.tab_url || u === r.tab_visible_url ? "open in a Safari tab" : "in a Safari tab's history";
        out.push(...fromMatches(hits, { grade: "medium", title: (m) => seenTitle(where, m), timestamp: r.last_viewed_timestamp, artifact: r.safari_browser_state_db }));
      }
    }
    return out;
  }
});
export {
  safari_browser_state_default as default,
  parseSessionData
};
