// The SQLite readers of the iOS modules, one target per module, on damaged databases: seeds are
// the corpus's real databases (MVT's test backup, the iLEAPP reference image), the databases the
// tests and the demo build in code, and for every module a small database found by asking it
// (discoverDatabase), so each target has seeds without ../shared.
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeDataUsageDb, writeSafariHistoryDb, writeSmsDb, writeWhatsAppDb } from "../../src/demo/synthetic.ts";
import type { AcquisitionKind } from "../../src/acquisitions/view.ts";
import { keychainAnalyticsDb } from "../../test/helpers/ios-fs-builder.ts";
import { processUsageDb } from "../../test/helpers/system-fixtures.ts";
import { makeAttributedBody, mac, sqliteImage, SMS_SCHEMA } from "../../test/helpers/messaging-views.ts";
import { BROWSER_STATE_SCHEMA, observationsDb, safariHistoryDb } from "../../test/helpers/web-fixtures.ts";
import { flipBit, overwriteRange, setInt, truncate } from "../engine/bytes.ts";
import { SQLITE_MUTATORS } from "../engine/sqlite.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles } from "./corpus.ts";
import { discoverDatabase, moduleTarget } from "./module-target.ts";
import { scratchDir } from "./scratch.ts";

const MUTATORS = [...SQLITE_MUTATORS, ...SQLITE_MUTATORS, flipBit, setInt, truncate, overwriteRange];
const MVT = "mvt-artifacts/ios_backup";
const SLICES = "real-ios-slices/josh_ios15_ffs/private/var/mobile";
const APPGROUP = `${SLICES}/Containers/Shared/AppGroup/694FBBC5-2E69-480A-A25B-FF8CC038BEF8`;
const mvtFile = (id: string) => `${MVT}/${id.slice(0, 2)}/${id}`;

const START = Date.UTC(2021, 5, 1);
const END = Date.UTC(2021, 6, 1);
/** A database a demo writer makes at a path, read back. */
export function written(name: string, write: (path: string) => void): Buffer {
  // A folder of its own: the builders add to a database already there (seeds built twice in one process).
  const p = join(mkdtempSync(join(scratchDir(), "seed-")), name);
  write(p);
  return readFileSync(p);
}

function smsDb(): Buffer {
  return sqliteImage(SMS_SCHEMA, (db) => {
    db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+15555550123', 'iMessage'), (2, 'spy@evil.example', 'iMessage')").run();
    const m = db.prepare("INSERT INTO message (guid, text, attributedBody, handle_id, date, is_from_me, service) VALUES (?, ?, ?, ?, ?, ?, 'iMessage')");
    m.run("g1", "see https://evil.example/a", null, 1, mac("2021-07-02T08:41:12Z") * 1e9, 0);
    m.run("g2", null, makeAttributedBody("body https://free247downloads.com/x"), 2, mac("2021-07-03T08:41:12Z"), 1);
    db.prepare("INSERT INTO attachment (ROWID, guid, original_guid, filename, mime_type, created_date) VALUES (1, 'a1', 'a1', '~/Library/SMS/Attachments/x.heic', 'image/heic', 600000000)").run();
    db.prepare("INSERT INTO message_attachment_join VALUES (1, 1)").run();
  });
}

interface Spec {
  module: string;
  kind?: AcquisitionKind;
  corpus?: string[];
  built?: () => Buffer[];
  place?: { path?: string; domain?: string; relativePath?: string };
}

const SPECS: Spec[] = [
  { module: "sms", corpus: [mvtFile("3d0d7e5fb2ce288813306e4d4636395e047a3d28")], built: () => [smsDb(), written("sms.db", (p) => writeSmsDb(p, { messages: 20, linkShare: 0.5, start: START, end: END }))] },
  { module: "sms_attachments", corpus: [mvtFile("3d0d7e5fb2ce288813306e4d4636395e047a3d28")], built: () => [smsDb()] },
  { module: "calls" },
  { module: "contacts", corpus: [`${SLICES}/Library/AddressBook/AddressBook.sqlitedb`] },
  { module: "calendar", corpus: [mvtFile("2041457d5fe04d39d0ab481178355df6781e6858")] },
  { module: "interactionc", corpus: [mvtFile("1f5a521220a3ad80ebfdc196978df8e7a2e49dee")] },
  {
    module: "tcc",
    corpus: [mvtFile("64d0019cb3d46bfc8cce545a8ba54b93e7ea9347")],
    // iOS 14's schema, one row a known spyware process, one an ordinary app.
    built: () => [
      sqliteImage("CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, auth_value INTEGER, auth_reason INTEGER, last_modified INTEGER)", (db) => {
        db.prepare("INSERT INTO access VALUES ('kTCCServiceMicrophone', 'bh', 1, 2, 4, 625000000), ('kTCCServiceCamera', 'com.example.app', 0, 0, 2, 625000100)").run();
      }),
    ],
  },
  {
    module: "datausage",
    corpus: [mvtFile("0d609c54856a9bb2d56729df1d68f2958a88426b")],
    built: () => [
      processUsageDb([{ id: 1, name: "bh", first: "2021-07-02T08:44:00Z" }, { id: 2, name: "com.apple.mobilesafari/Safari", bundle: "com.apple.mobilesafari", first: "2021-07-01T08:00:00Z" }], [{ id: 1, proc: 1, at: "2021-07-02T08:45:00Z", wifiIn: 10 }, { id: 2, proc: null, at: "2021-07-02T08:46:00Z" }]),
      written("DataUsage.sqlite", (p) => writeDataUsageDb(p, { processes: 10, start: START, end: END, planted: [{ name: "bh", at: START + 1000 }] })),
    ],
  },
  { module: "netusage", kind: "ios_fs", built: () => [processUsageDb([{ id: 1, name: "roleaboutd", first: "2021-07-02T08:44:00Z" }], [{ id: 1, proc: 1, at: "2021-07-02T08:45:00Z" }])] },
  { module: "whatsapp", corpus: [mvtFile("7c7fba66680ef796b916b067077cc246adacf01d"), `${APPGROUP}/ChatStorage.sqlite`], built: () => [written("ChatStorage.sqlite", (p) => writeWhatsAppDb(p, { messages: 10, start: START, end: END }))] },
  { module: "whatsapp_chat_sessions", corpus: [mvtFile("7c7fba66680ef796b916b067077cc246adacf01d"), `${APPGROUP}/ChatStorage.sqlite`], built: () => [written("ChatStorage.sqlite", (p) => writeWhatsAppDb(p, { messages: 10, start: START, end: END }))] },
  { module: "whatsapp_contacts", corpus: [mvtFile("b8548dc30aa1030df0ce18ef08b882cf7ab5212f"), `${APPGROUP}/ContactsV2.sqlite`] },
  { module: "whatsapp_lid" },
  {
    module: "safari_history",
    built: () => [
      safariHistoryDb([{ id: 1, url: "https://urlpush.net/r/1", time: "2021-07-02T08:42:03Z" }, { id: 2, url: "https://www.wikipedia.org/", time: "2021-07-02T08:42:04Z", source: 1 }]),
      written("History.db", (p) => writeSafariHistoryDb(p, { visits: 20, start: START, end: END })),
    ],
  },
  { module: "safari_browser_state", corpus: [mvtFile("3a47b0981ed7c10f3e2800aa66bac96a3b5db28e")], built: () => [sqliteImage(BROWSER_STATE_SCHEMA)] },
  { module: "safari_favicon", kind: "ios_fs" },
  { module: "webkit_resource_load_statistics", corpus: [mvtFile("6e9d0cb750a70e7fa10943c134a5f021dab327e7")], built: () => [observationsDb([{ d: "evil.example", seen: "2021-07-02T08:42:03Z", interacted: "2021-07-02T08:43:00Z" }, { d: "ok.example", seen: "2021-07-02T08:40:00Z" }], [[1, 2]])] },
  { module: "chrome_history" },
  { module: "chrome_favicon" },
  { module: "firefox_history" },
  { module: "firefox_favicon" },
  { module: "cache_files", kind: "ios_fs" },
  { module: "shortcuts" },
  { module: "keychain_analytics", kind: "ios_fs", built: () => [keychainAnalyticsDb([{ timestamp: 700000000, data: Buffer.from("bplist00") }, { timestamp: 700000100, data: null }])] },
  { module: "ios_versions", kind: "ios_fs", place: { path: "private/var/Keychains/Analytics/fuzz.db" }, built: () => [keychainAnalyticsDb([{ timestamp: 700000000, data: null }])] },
];

export const iosDatabaseTargets: Target[] = SPECS.map((s) => {
  const kind = s.kind ?? "ios_backup";
  return moduleTarget({
    module: s.module,
    kind,
    place: s.place,
    mutators: MUTATORS,
    seeds: async (corpus) => {
      const found = s.place ? undefined : await discoverDatabase(s.module, kind);
      return [...(s.built?.() ?? []), ...(found ? [found] : []), ...corpusFiles(corpus, ...(s.corpus ?? []))];
    },
  });
});
