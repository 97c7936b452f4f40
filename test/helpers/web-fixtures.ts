// Fixtures for the browser and web-data module tests: databases and plists built in code.
export { matcherFromValues } from "../../src/indicators/matcher.ts";

import { sqliteImage } from "./sqlite-image.ts";
export { sqliteImage };

const MAC_EPOCH = Date.UTC(2001, 0, 1);
/** Seconds since 2001-01-01 for an ISO time. */
export const mac = (iso: string) => (Date.parse(iso) - MAC_EPOCH) / 1000;
/** Microseconds since 1601-01-01 (Chrome/WebKit time). */
export const webkit = (iso: string) => (Date.parse(iso) - Date.UTC(1601, 0, 1)) * 1000;
export const unix = (iso: string) => Date.parse(iso) / 1000;

/** History.db as iOS 15–17 Safari writes it (tables the module reads, with their real columns). */
export const SAFARI_HISTORY_SCHEMA = `
CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, domain_expansion TEXT NULL,
  visit_count INTEGER NOT NULL, daily_visit_counts BLOB NOT NULL, weekly_visit_counts BLOB NULL, autocomplete_triggers BLOB NULL,
  should_recompute_derived_visit_counts INTEGER NOT NULL, visit_count_score INTEGER NOT NULL, status_code INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,
  visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1, http_non_get BOOLEAN NOT NULL DEFAULT 0,
  synthesized BOOLEAN NOT NULL DEFAULT 0, redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,
  redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE, origin INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 0, attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL DEFAULT 0);
CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC);
CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT, start_time REAL NOT NULL, end_time REAL NOT NULL, url TEXT, generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value);
`;

export interface Visit { id: number; url: string; time: string; source?: number; dest?: number }
/** A History.db holding these visits (one history_items row per distinct URL). */
export function safariHistoryDb(visits: Visit[]): Buffer {
  return sqliteImage(SAFARI_HISTORY_SCHEMA, (db) => {
    const items = new Map<string, number>();
    const addItem = db.prepare("INSERT INTO history_items (url, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES (?, 1, x'', 0, 0)");
    const addVisit = db.prepare("INSERT INTO history_visits (id, history_item, visit_time, redirect_source, redirect_destination) VALUES (?, ?, ?, ?, ?)");
    db.pragma("foreign_keys = OFF");
    db.transaction(() => {
      for (const v of visits) {
        let item = items.get(v.url);
        if (item === undefined) {
          item = Number(addItem.run(v.url).lastInsertRowid);
          items.set(v.url, item);
        }
        addVisit.run(v.id, item, mac(v.time), v.source ?? null, v.dest ?? null);
      }
    })();
  });
}

/** BrowserState.db as iOS 12+ Safari writes it. */
export const BROWSER_STATE_SCHEMA = `
CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL,type INTEGER DEFAULT 0,active_document_index INTEGER DEFAULT 0,active_private_document_index INTEGER DEFAULT 0,active_document_is_valid BOOL DEFAULT 1,tab_state_successfully_loaded BOOL DEFAULT 0,legacy_plist_file_version INTEGER DEFAULT 0, scene_id TEXT,CONSTRAINT uuid_type_index UNIQUE(uuid, type));
CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT 0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT 0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT 0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL,FOREIGN KEY(browser_window_id) REFERENCES browser_windows(id) ON DELETE CASCADE);
CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL UNIQUE,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0,FOREIGN KEY(tab_uuid) REFERENCES tabs(uuid) ON DELETE CASCADE ON UPDATE CASCADE);
`;

/** observations.db (WebKit ITP store) tables the module reads, as iOS 14+ writes them. */
export const OBSERVATIONS_SCHEMA = `
CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,isScheduledForAllButCookieDataRemoval INTEGER NOT NULL);
CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(sourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(targetDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE OperatingDates (year INTEGER NOT NULL, month INTEGER NOT NULL, monthDay INTEGER NOT NULL);
`;

export function observationsDb(domains: { d: string; seen: string; interacted?: string }[], redirects: [number, number][] = []): Buffer {
  return sqliteImage(OBSERVATIONS_SCHEMA, (db) => {
    const ins = db.prepare("INSERT INTO ObservedDomains VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0)");
    domains.forEach((x, i) => ins.run(i + 1, x.d, Math.floor(unix(x.seen)), x.interacted ? 1 : 0, x.interacted ? unix(x.interacted) : -1));
    for (const [a, b] of redirects) {
      db.prepare("INSERT INTO TopFrameUniqueRedirectsTo VALUES (?, ?)").run(a, b);
      db.prepare("INSERT INTO TopFrameUniqueRedirectsFrom VALUES (?, ?)").run(b, a);
    }
  });
}

/** The "origin" file of WebKit's iOS 16+ storage layout (WTF::Persistence encoding). */
export function webkitOriginFile(top: [string, string, number?], client: [string, string, number?] = top, utf16Host = false): Buffer {
  const parts: Buffer[] = [];
  const str = (s: string, wide = false) => {
    const len = Buffer.alloc(5);
    len.writeUInt32LE(s.length, 0);
    len[4] = wide ? 0 : 1;
    parts.push(len, Buffer.from(s, wide ? "utf16le" : "latin1"));
  };
  for (const [proto, host, port] of [top, client]) {
    str(proto);
    str(host, utf16Host);
    if (port === undefined) parts.push(Buffer.from([0]));
    else {
      const b = Buffer.alloc(3);
      b[0] = 1;
      b.writeUInt16LE(port, 1);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}
