// Synthetic iOS databases with the real schemas (the columns iOS writes), for `vigil demo` and
// `npm run bench`. Sizes are parameters so the demo stays tiny and the benchmark gets big.
// Rows are deterministic (a seeded generator), so two runs produce identical files.
import Database from "better-sqlite3";

const MAC_EPOCH_S = Date.UTC(2001, 0, 1) / 1000;
/** Mac absolute seconds for a Unix time in ms. */
export function macSeconds(unixMs: number): number {
  return unixMs / 1000 - MAC_EPOCH_S;
}

/** A small deterministic PRNG (mulberry32), so generated acquisitions are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = OFF");
  return db;
}

const SITES = ["www.wikipedia.org", "news.example.org", "www.bbc.co.uk", "maps.example.com", "mail.example.net", "shop.example.com", "www.lemonde.fr", "docs.example.org"];
const WORDS = ["hello", "see you", "call me", "on my way", "thanks", "meeting at 5", "ok", "sounds good", "where are you?", "happy birthday"];

export interface Planted {
  /** Received SMS text holding an exploit link. */
  smsLinks?: { text: string; at: number }[];
  /** Safari visits of known-bad URLs. */
  visits?: { url: string; at: number; redirectTo?: string }[];
  /** Process names in DataUsage. */
  processes?: { name: string; at: number }[];
}

/** Library/SMS/sms.db: message + handle (+ chat tables iOS has, left empty). */
export function writeSmsDb(path: string, opts: { messages: number; linkShare?: number; start: number; end: number; planted?: Planted["smsLinks"]; seed?: number }): void {
  const r = rng(opts.seed ?? 1);
  const db = open(path);
  db.exec(`
    CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
    CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_downgraded INTEGER DEFAULT 0, thread_originator_guid TEXT);
    CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, chat_identifier TEXT, service_name TEXT);
    CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
    CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
    CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
  `);
  const handles = 200;
  const insH = db.prepare("INSERT INTO handle (id, country, service) VALUES (?, 'us', ?)");
  const insM = db.prepare("INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_from_me, is_read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)");
  db.transaction(() => {
    for (let i = 0; i < handles; i++) insH.run(`+1555${String(1000000 + i).slice(1)}`, i % 3 ? "iMessage" : "SMS");
    const linkShare = opts.linkShare ?? 0.33;
    const span = opts.end - opts.start;
    for (let i = 0; i < opts.messages; i++) {
      const at = opts.start + (span * i) / Math.max(opts.messages, 1);
      const word = WORDS[Math.floor(r() * WORDS.length)];
      const text = r() < linkShare ? `${word} https://${SITES[Math.floor(r() * SITES.length)]}/p/${i}` : word;
      const h = 1 + Math.floor(r() * handles);
      const fromMe = r() < 0.5 ? 1 : 0;
      // Real sms.db dates have digits below the millisecond (a CFAbsoluteTime times 1e9), not
      // round milliseconds; the part below the millisecond leaves isodate unchanged.
      const ns = BigInt(Math.round(macSeconds(at) * 1000)) * 1_000_000n + BigInt(((i * 7919) % 997) * 1000 + ((i * 31) % 1000) + 1);
      insM.run(`G-${i}`, text, h, h % 3 ? "iMessage" : "SMS", "e:", ns, fromMe ? 0 : ns + 5_000_000_000n, fromMe);
    }
    for (const [k, p] of (opts.planted ?? []).entries()) {
      const ns = BigInt(Math.round(macSeconds(p.at) * 1000)) * 1_000_000n;
      insM.run(`PLANTED-${k}`, p.text, 1, "SMS", "p:", ns, ns, 0);
    }
  })();
  db.close();
}

/** Library/Safari/History.db: history_items + history_visits (with redirect columns). */
export function writeSafariHistoryDb(path: string, opts: { visits: number; start: number; end: number; planted?: Planted["visits"]; seed?: number }): void {
  const r = rng(opts.seed ?? 2);
  const db = open(path);
  db.exec(`
    CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, domain_expansion TEXT NULL, visit_count INTEGER NOT NULL, daily_visit_counts BLOB NOT NULL, weekly_visit_counts BLOB NULL, autocomplete_triggers BLOB NULL, should_recompute_derived_visit_counts INTEGER NOT NULL, visit_count_score INTEGER NOT NULL, status_code INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE, visit_time REAL NOT NULL, title TEXT NULL, load_successful BOOLEAN NOT NULL DEFAULT 1, http_non_get BOOLEAN NOT NULL DEFAULT 0, synthesized BOOLEAN NOT NULL DEFAULT 0, redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE, redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE, origin INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0, attributes INTEGER NOT NULL DEFAULT 0, score INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT, start_time REAL NOT NULL, end_time REAL NOT NULL, url TEXT, generation INTEGER NOT NULL DEFAULT 0);
  `);
  const insI = db.prepare("INSERT INTO history_items (url, domain_expansion, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES (?, ?, 1, x'', 0, 100)");
  const insV = db.prepare("INSERT INTO history_visits (history_item, visit_time, title, redirect_source, redirect_destination) VALUES (?, ?, ?, ?, ?)");
  const link = db.prepare("UPDATE history_visits SET redirect_destination = ? WHERE id = ?");
  db.transaction(() => {
    // Distinct URLs are a fraction of visits, as in real history (people revisit pages).
    const distinct = Math.max(1, Math.floor(opts.visits / 4));
    for (let i = 0; i < distinct; i++) {
      const site = SITES[i % SITES.length];
      insI.run(`https://${site}/article/${i}`, site.replace(/^www\./, "").split(".")[0]);
    }
    const span = opts.end - opts.start;
    for (let i = 0; i < opts.visits; i++) {
      const at = opts.start + (span * i) / Math.max(opts.visits, 1);
      insV.run(1 + Math.floor(r() * distinct), macSeconds(at), `Page ${i}`, null, null);
    }
    for (const p of opts.planted ?? []) {
      const item = Number(insI.run(p.url, null).lastInsertRowid);
      const v1 = Number(insV.run(item, macSeconds(p.at), "", null, null).lastInsertRowid);
      if (p.redirectTo) {
        const item2 = Number(insI.run(p.redirectTo, null).lastInsertRowid);
        const v2 = Number(insV.run(item2, macSeconds(p.at + 400), "", v1, null).lastInsertRowid);
        link.run(v2, v1);
      }
    }
  })();
  db.close();
}

const DAEMONS = ["locationd", "mDNSResponder", "nsurlsessiond", "apsd", "identityservicesd", "itunesstored", "com.apple.WebKit.Networking", "trustd", "softwareupdated", "assistantd", "cloudd", "Mail", "MobileSafari", "Maps", "Music", "WhatsApp", "Signal", "Telegram"];

/** Library/Databases/DataUsage.sqlite: ZPROCESS + ZLIVEUSAGE as Core Data writes them. */
export function writeDataUsageDb(path: string, opts: { processes: number; start: number; end: number; planted?: Planted["processes"]; seed?: number }): void {
  const r = rng(opts.seed ?? 3);
  const db = open(path);
  db.exec(`
    CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);
    CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT);
    CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
  `);
  const insP = db.prepare("INSERT INTO ZPROCESS (Z_PK, Z_ENT, Z_OPT, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?, 9, 1, ?, ?, ?, ?)");
  const insL = db.prepare("INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZHASPROCESS, ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT) VALUES (?, 5, 1, 0, ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    const span = opts.end - opts.start;
    let pk = 0;
    const add = (name: string, bundle: string | null, at: number) => {
      pk++;
      insP.run(pk, macSeconds(at), macSeconds(at + 3_600_000), bundle, name);
      insL.run(pk, pk, macSeconds(at + 3_600_000), Math.floor(r() * 1e6), Math.floor(r() * 1e5), Math.floor(r() * 1e5), Math.floor(r() * 1e4));
    };
    for (let i = 0; i < opts.processes; i++) {
      const name = DAEMONS[i % DAEMONS.length];
      add(i < DAEMONS.length ? name : `${name}/${i}`, i % 2 ? `com.example.app${i}` : null, opts.start + (span * i) / Math.max(opts.processes, 1));
    }
    for (const p of opts.planted ?? []) add(p.name, null, p.at);
  })();
  db.close();
}

/** ChatStorage.sqlite of WhatsApp: ZWAMESSAGE + ZWACHATSESSION (+ media items). */
export function writeWhatsAppDb(path: string, opts: { messages: number; start: number; end: number; seed?: number }): void {
  const r = rng(opts.seed ?? 4);
  const db = open(path);
  db.exec(`
    CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR, ZLASTMESSAGEDATE TIMESTAMP, ZMESSAGECOUNTER INTEGER, ZSESSIONTYPE INTEGER);
    CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZCHATSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID VARCHAR, ZTEXT VARCHAR, ZSTANZAID VARCHAR, ZPUSHNAME VARCHAR);
    CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZMESSAGE INTEGER, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTITLE VARCHAR, ZFILESIZE INTEGER);
  `);
  const insS = db.prepare("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZCONTACTJID, ZPARTNERNAME, ZLASTMESSAGEDATE, ZMESSAGECOUNTER, ZSESSIONTYPE) VALUES (?, 3, 1, ?, ?, ?, 0, 0)");
  const insM = db.prepare("INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZCHATSESSION, ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZTOJID, ZTEXT, ZSTANZAID) VALUES (?, 9, 1, ?, 8, 0, ?, ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    const sessions = 100;
    for (let s = 1; s <= sessions; s++) insS.run(s, `1555000${String(s).padStart(4, "0")}@s.whatsapp.net`, `Contact ${s}`, macSeconds(opts.end));
    const span = opts.end - opts.start;
    for (let i = 1; i <= opts.messages; i++) {
      const s = 1 + Math.floor(r() * sessions);
      const jid = `1555000${String(s).padStart(4, "0")}@s.whatsapp.net`;
      const fromMe = r() < 0.5 ? 1 : 0;
      const at = macSeconds(opts.start + (span * i) / Math.max(opts.messages, 1));
      const text = r() < 0.2 ? `look https://${SITES[i % SITES.length]}/w/${i}` : WORDS[i % WORDS.length];
      insM.run(i, fromMe, s, at, at, fromMe ? null : jid, fromMe ? jid : null, text, `ST${i}`);
    }
  })();
  db.close();
}
