// Safari's BrowserState.db: the open tabs, each with its back/forward list (the session data
// blob), so pages left open or navigated through in a tab are checked too.
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { parsePlist, type PlistValue } from "../../formats/plist.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SessionEntry {
  entry_title?: string;
  entry_url?: string;
  entry_original_url?: string;
  data_length: number;
}

export interface SafariTab {
  tab_title: string | null;
  tab_url: string | null;
  tab_visible_url: string | null;
  last_viewed_timestamp?: string;
  session_data: SessionEntry[];
  safari_browser_state_db: string;
}

const BPLIST = Buffer.from("bplist00");

/**
 * The session blob is a small header (4 bytes on the iOS versions seen) followed by a binary
 * plist; the plist is located by its magic rather than by a fixed offset so header changes do
 * not lose the URLs. Returns undefined when the blob holds no plist (e.g. compressed formats).
 */
export function parseSessionData(blob: Buffer): SessionEntry[] | undefined {
  const at = blob.indexOf(BPLIST);
  if (at < 0 || at > 64) return undefined;
  const root = parsePlist(blob.subarray(at));
  const entries = dict(dict(root)?.["SessionHistory"])?.["SessionHistoryEntries"];
  if (!Array.isArray(entries)) return [];
  const out: SessionEntry[] = [];
  for (const item of entries) {
    const e = dict(item);
    if (!e) continue;
    const data = e["SessionHistoryEntryData"];
    out.push({
      entry_title: str(e["SessionHistoryEntryTitle"]),
      entry_url: str(e["SessionHistoryEntryURL"]),
      entry_original_url: str(e["SessionHistoryEntryOriginalURL"]),
      data_length: Buffer.isBuffer(data) ? data.length : 0,
    });
  }
  return out;
}

function dict(v: PlistValue | undefined): { [k: string]: PlistValue } | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) ? (v as { [k: string]: PlistValue }) : undefined;
}
const str = (v: PlistValue | undefined) => (typeof v === "string" ? v : undefined);

export default defineSqliteModule<SafariTab>({
  name: "safari_browser_state",
  title: "Safari open tabs",
  platform: "ios",
  description:
    "Safari's BrowserState.db: the URL of every open tab and the pages in each tab's back/forward history are checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: "Library/Safari/BrowserState.db" }],
    fs: [
      "private/var/mobile/Library/Safari/BrowserState.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
    ],
  },
  requires: { tabs: ["title", "url", "last_viewed_time"] },
  *rows(db, ctx) {
    const visible = db.optional("tabs", "user_visible_url", "t");
    // iOS 12 and later keep the session blob in tab_sessions; older versions in tabs.
    let sql: string;
    if (db.has("tab_sessions", "session_data")) {
      sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, s.session_data
             FROM tabs t LEFT JOIN tab_sessions s ON s.tab_uuid = t.uuid ORDER BY t.last_viewed_time`;
    } else if (db.has("tabs", "session_data")) {
      sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, t.session_data FROM tabs t ORDER BY t.last_viewed_time`;
    } else {
      sql = `SELECT t.title, t.url, ${visible}, t.last_viewed_time, NULL FROM tabs t ORDER BY t.last_viewed_time`;
    }
    let undecoded = 0;
    // Title and URLs stored as BLOBs are read as text (see asText), so they are still checked.
    const undecodable = { count: 0 };
    for (const row of db.rows<unknown[]>(sql)) {
      let session: SessionEntry[] = [];
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
        tab_title: asText(row[0]),
        tab_url: asText(row[1], undecodable),
        tab_visible_url: asText(row[2], undecodable),
        last_viewed_timestamp: fromMacAbsolute(row[3] as number | null),
        session_data: session,
        safari_browser_state_db: db.path,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "tab URL(s)");
    if (w) ctx.warn(w);
    if (undecoded) ctx.warn(`${db.path}: session history of ${undecoded} tab(s) could not be decoded; only their current URLs were checked`);
  },
  events(r) {
    if (!r.last_viewed_timestamp) return [];
    return [{ timestamp: r.last_viewed_timestamp, event: "tab", description: `Safari tab ${r.tab_title ?? ""} - ${r.tab_url ?? ""}`.trim() }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const urls = new Set<string>();
    for (const u of [r.tab_url, r.tab_visible_url]) if (u) urls.add(u);
    for (const e of r.session_data) {
      if (e.entry_url) urls.add(e.entry_url);
      if (e.entry_original_url) urls.add(e.entry_original_url);
    }
    const out: DetectionInput[] = [];
    const seen = new Set<string>();
    for (const u of urls) {
      const hits = checks.url(u).filter((m) => {
        const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.name}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      if (hits.length) {
        const where = u === r.tab_url || u === r.tab_visible_url ? msg("det.what.safari_tab_open") : msg("det.what.safari_tab_history");
        out.push(...fromMatches(hits, { grade: "medium", title: (m) => seenTitle(where, m), timestamp: r.last_viewed_timestamp, artifact: r.safari_browser_state_db }));
      }
    }
    return out;
  },
});
