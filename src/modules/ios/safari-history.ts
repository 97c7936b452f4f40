// Safari's History.db: every page visit, with the redirect links between visits. Since iOS 17
// each Safari profile keeps its own History.db under Library/Safari/Profiles/<UUID>/.
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { defineSqliteModule, type SqliteDb } from "../lib/sqlite.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { cachedChecks, seenTitle } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SafariVisit {
  id: number;
  url: string;
  visit_id: number;
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
  redirect_source: number | null;
  redirect_destination: number | null;
  /** URL of the visit this one redirected to, when Safari recorded the redirect. */
  redirect_destination_url?: string;
  /** Time between this visit and the visit it redirected to. */
  redirect_elapsed_ms?: number;
  /** Which History.db the visit comes from (default profile or another Safari profile). */
  safari_history_db: string;
}

export const FAST_REDIRECT_RULE = codeRule("safari-fast-redirect");
const FAST_REDIRECT_WHY = msg("det.safari_history.fast_redirect.why");

/** Most history items whose URLs are held in memory, and their most characters (see visitRows). */
export const ITEM_MAP_LIMITS = { items: 150_000, chars: 12_000_000 };

/**
 * The visits as rows [item id, URL, visit id, visit_time, redirect_source, redirect_destination]
 * in visit id order: visits joined to their history item (a visit whose item is gone is left
 * out). Joining in SQLite costs a B-tree search per visit, most of the reading time of a big
 * history (bench/NOTES.md); the items' URLs are read once into a map instead, when they are few
 * enough (`limits`: memory stays bounded however big the history is) and their ids are unique.
 * Otherwise SQLite joins.
 */
export function* visitRows(db: SqliteDb, redirects: string[], limits = ITEM_MAP_LIMITS): Generator<unknown[]> {
  const urls = itemUrls(db, limits);
  if (!urls) {
    yield* db.paged({
      columns: ["i.id", "i.url", "v.id", "v.visit_time", ...redirects],
      from: "FROM history_visits v JOIN history_items i ON i.id = v.history_item",
      key: "v.id",
      keyColumn: 2,
      split: "history_visits v",
    });
    return;
  }
  for (const row of db.paged({ columns: ["v.history_item", "v.id", "v.visit_time", ...redirects], from: "FROM history_visits v", key: "v.id", keyColumn: 1, split: "history_visits v" })) {
    const url = urls.get(row[0] as number);
    if (url === undefined) continue;
    yield [row[0], url, row[1], row[2], row[3], row[4]];
  }
}

/** id -> URL of every history item, or undefined when they exceed `limits` or an id repeats. */
function itemUrls(db: SqliteDb, limits: { items: number; chars: number }): Map<number, unknown> | undefined {
  try {
    return readItemUrls(db, limits);
  } catch {
    return undefined; // an odd table (no rowid): SQLite joins, and reports any real problem
  }
}

function readItemUrls(db: SqliteDb, limits: { items: number; chars: number }): Map<number, unknown> | undefined {
  const count = db.raw.prepare("SELECT count(*) FROM history_items").pluck().get() as number;
  if (count > limits.items) return undefined;
  const urls = new Map<number, unknown>();
  let chars = 0;
  // Paged by rowid, so that every row is seen even if `id` were not the table's key.
  for (const [, id, url] of db.paged({ columns: ["rowid", "id", "url"], from: "FROM history_items", key: "rowid", keyColumn: 0 })) {
    if (typeof id !== "number" || urls.has(id)) return undefined;
    chars += typeof url === "string" ? url.length : 64;
    if (chars > limits.chars || urls.size >= limits.items) return undefined;
    urls.set(id, url ?? null);
  }
  return urls;
}

export default defineSqliteModule<SafariVisit>({
  name: "safari_history",
  title: "Safari browsing history",
  platform: "ios",
  description:
    "Safari's History.db (every profile): visited URLs are checked against indicators, and sub-second plain-HTTP redirects to another domain are flagged as possible network injection.",
  reads: {
    backup: [
      { domain: "*", path: "Library/Safari/History.db" },
      { domain: "*", path: "Library/Safari/Profiles/*/History.db" },
    ],
    fs: [
      "private/var/mobile/Library/Safari/History.db",
      "private/var/mobile/Library/Safari/Profiles/*/History.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
      "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db",
    ],
  },
  shardable: true,
  requires: { history_items: ["id", "url"], history_visits: ["id", "history_item", "visit_time"] },
  *rows(db, ctx) {
    const hasRedirects = db.has("history_visits", "redirect_source", "redirect_destination");
    // Visits come in rowid order, which is the order Safari inserted them (chronological);
    // sorting 500k rows by visit_time would cost more than the whole check, and the
    // timeline is sorted later anyway.
    const redirects = hasRedirects ? ["v.redirect_source", "v.redirect_destination"] : ["NULL", "NULL"];
    // Redirect destinations are looked up one by one: few visits redirect, and a LEFT JOIN
    // over every visit costs more than these point lookups.
    const dest = db.raw
      .prepare("SELECT dv.visit_time, di.url FROM history_visits dv JOIN history_items di ON di.id = dv.history_item WHERE dv.id = ?")
      .raw(true);
    // A URL stored as a BLOB is read as text (see asText), so it is still checked.
    const undecodable = { count: 0 };
    for (const row of visitRows(db, redirects)) {
      const time = fromMacAbsolute(row[3] as number | null);
      const rec: SafariVisit = {
        id: row[0] as number,
        url: asText(row[1], undecodable) ?? "",
        visit_id: row[2] as number,
        timestamp: time,
        isodate: time ?? null,
        redirect_source: (row[4] as number | null) ?? null,
        redirect_destination: (row[5] as number | null) ?? null,
        safari_history_db: db.path,
      };
      if (rec.redirect_destination !== null) {
        const d = dest.get(rec.redirect_destination) as [unknown, unknown] | undefined;
        const destUrl = d && asText(d[1]);
        if (d && destUrl !== null && destUrl !== undefined) {
          rec.redirect_destination_url = destUrl;
          if (typeof d[0] === "number" && typeof row[3] === "number") rec.redirect_elapsed_ms = Math.round((d[0] - row[3]) * 1000);
        }
      }
      yield rec;
    }
    const w = undecodableWarning(db.path, undecodable.count, "URL(s)");
    if (w) ctx.warn(w);
  },
  events(r) {
    if (!r.timestamp) return [];
    const redirect = r.redirect_destination_url ? ` (redirected to ${r.redirect_destination_url})` : "";
    return [{ timestamp: r.timestamp, event: "safari_history", description: `Safari visit to ${r.url}${redirect}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const hits = checks.urlById(r.safari_history_db, r.id, r.url);
    const out: DetectionInput[] = hits.length
      ? fromMatches(hits, { grade: "medium", title: (m) => seenTitle(msg("det.what.visited_safari"), m), timestamp: r.timestamp, artifact: r.safari_history_db })
      : [];
    const dest = r.redirect_destination_url;
    if (
      dest &&
      r.redirect_elapsed_ms !== undefined &&
      r.redirect_elapsed_ms >= 0 &&
      r.redirect_elapsed_ms < 1000 &&
      // Only unencrypted HTTP can be rewritten on the network, as MVT assumes too.
      /^http:\/\//i.test(r.url)
    ) {
      const from = checks.registrableDomain(r.url);
      const to = checks.registrableDomain(dest);
      if (from && to && from !== to) {
        const known = hits.length > 0 || checks.url(dest).length > 0;
        out.push(
          heuristic({
            rule: FAST_REDIRECT_RULE.id,
            ruleDescription: FAST_REDIRECT_RULE.description,
            grade: known ? "medium" : "weak",
            title: msg("det.safari_history.fast_redirect", { from, to, ms: r.redirect_elapsed_ms }),
            why: FAST_REDIRECT_WHY,
            matched: `${r.url} -> ${dest}`,
            timestamp: r.timestamp,
            artifact: r.safari_history_db,
          }),
        );
      }
    }
    return out;
  },
});
