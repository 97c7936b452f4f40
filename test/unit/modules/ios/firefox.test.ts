import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import history, { type FirefoxVisit } from "../../../../src/modules/ios/firefox-history.ts";
import favicon, { type FirefoxFavicon } from "../../../../src/modules/ios/firefox-favicon.ts";
import { matcherFromValues, sqliteImage, unix } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox";
const iocs = matcherFromValues({ domain: ["c2-relay.info"] }, "Pegasus");

// browser.db of Firefox for iOS (v1–v100 era), the tables the modules read.
const BROWSER_DB = `
CREATE TABLE domains (id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL UNIQUE, showOnTopSites TINYINT NOT NULL DEFAULT 1);
CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE, CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));
CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));
CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);
CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE, UNIQUE (siteID, faviconID));
`;
// places.db of current Firefox for iOS (Mozilla application-services), trimmed.
const PLACES_DB = `
CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, title LONGVARCHAR, visit_count_local INTEGER NOT NULL DEFAULT 0, visit_count_remote INTEGER NOT NULL DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL, typed INTEGER DEFAULT 0 NOT NULL, frecency INTEGER DEFAULT -1 NOT NULL, last_visit_date_local INTEGER NOT NULL DEFAULT 0, last_visit_date_remote INTEGER NOT NULL DEFAULT 0, guid TEXT NOT NULL UNIQUE, foreign_count INTEGER DEFAULT 0 NOT NULL, url_hash INTEGER DEFAULT 0 NOT NULL, description TEXT, preview_image_url TEXT, origin_id INTEGER, sync_status TINYINT NOT NULL DEFAULT 1, sync_change_counter INTEGER NOT NULL DEFAULT 0);
CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, is_local INTEGER NOT NULL, from_visit INTEGER, place_id INTEGER NOT NULL, visit_date INTEGER NOT NULL, visit_type INTEGER NOT NULL);
`;

function browserDb(): Buffer {
  return sqliteImage(BROWSER_DB, (d) => {
    const h = d.prepare("INSERT INTO history (id, guid, url, title, is_deleted, should_upload) VALUES (?, ?, ?, ?, 0, 1)");
    h.run(1, "g1", "https://www.mozilla.org/", "Mozilla");
    h.run(2, "g2", "http://c2-relay.info/a", "");
    const v = d.prepare("INSERT INTO visits (id, siteID, date, type, is_local) VALUES (?, ?, ?, ?, 1)");
    v.run(1, 1, unix("2021-11-30T10:00:00Z") * 1e6, 1);
    v.run(2, 2, unix("2021-11-30T10:00:02.5Z") * 1e6, 2);
    const f = d.prepare("INSERT INTO favicons (id, url, width, height, type, date) VALUES (?, ?, 32, 32, 1, ?)");
    f.run(1, "https://www.mozilla.org/favicon.ico", unix("2021-11-30T10:00:01Z"));
    f.run(2, "https://img.c2-relay.info/f.ico", unix("2021-11-30T10:00:03Z"));
    d.prepare("INSERT INTO favicon_sites (siteID, faviconID) VALUES (1, 1), (1, 2)").run();
  });
}
const view = (name: string, data: Buffer) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: GROUP, relativePath: `profile.profile/${name}`, data }] });

test("firefox_history: browser.db visits (µs times) and indicator match", async () => {
  const out = await collectModule(history, view("browser.db", browserDb()), iocs);
  assertMvtFields("firefox_history", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as FirefoxVisit[];
  assert.deepEqual(recs[1], { id: 2, timestamp: "2021-11-30T10:00:02.500Z", isodate: "2021-11-30T10:00:02.500Z", url: "http://c2-relay.info/a", title: "", is_local: 1, type: 2, firefox_history_db: `${GROUP}/profile.profile/browser.db` });
  assert.equal(out.detections.length, 1);
  assert.match(out.detections[0].title, /Pegasus domain visited in Firefox: c2-relay\.info/);
  assert.deepEqual(out.events.map((e) => [e.event, e.detected]), [["firefox_history", false], ["firefox_history", true]]);
});

test("firefox_history: places.db (ms times) of current versions", async () => {
  const db = sqliteImage(PLACES_DB, (d) => {
    d.prepare("INSERT INTO moz_places (id, url, title, guid) VALUES (1, 'https://c2-relay.info/', 't', 'aaaaaaaaaaaa'), (2, 'https://ok.example/', NULL, 'bbbbbbbbbbbb')").run();
    d.prepare("INSERT INTO moz_historyvisits (id, is_local, from_visit, place_id, visit_date, visit_type) VALUES (1, 1, NULL, 2, ?, 1), (2, 1, 1, 1, ?, 5)").run(Date.parse("2024-01-01T00:00:00Z"), Date.parse("2024-01-01T00:00:01Z"));
  });
  const out = await collectModule(history, view("places.db", db), iocs);
  assert.equal(out.coverage.records, 2);
  const recs = out.records as FirefoxVisit[];
  assert.equal(recs[0].timestamp, "2024-01-01T00:00:00.000Z");
  assert.equal(recs[1].type, 5);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].artifact, `${GROUP}/profile.profile/places.db`);
});

test("firefox_history: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(history, view("browser.db", sqliteImage("CREATE TABLE history (id INTEGER, url TEXT);")), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${GROUP}/profile.profile/browser.db: unexpected schema: neither visits (browser.db) nor moz_historyvisits (places.db)`);
});

test("firefox_favicon: icons joined to their pages; icon-only matches are flagged, clean icons are not", async () => {
  const out = await collectModule(favicon, view("browser.db", browserDb()), iocs);
  assertMvtFields("firefox_favicon", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as FirefoxFavicon[];
  assert.equal(recs.length, 2);
  assert.deepEqual(recs[0], { id: 1, url: "https://www.mozilla.org/favicon.ico", width: 32, height: 32, type: 1, timestamp: "2021-11-30T10:00:01.000Z", isodate: "2021-11-30T10:00:01.000Z", history_id: 1, history_url: "https://www.mozilla.org/", firefox_favicon_db: `${GROUP}/profile.profile/browser.db` });
  assert.equal(out.detections.length, 1);
  assert.match(out.detections[0].title, /served a favicon to Firefox: img\.c2-relay\.info/);
});

test("firefox_favicon: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(favicon, view("browser.db", sqliteImage(PLACES_DB)), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${GROUP}/profile.profile/browser.db: unexpected schema: no table favicons`);
});

test("firefox_history and firefox_favicon: URLs stored as BLOBs are checked, not skipped", async () => {
  const data = sqliteImage(BROWSER_DB, (d) => {
    d.prepare("INSERT INTO history (id, guid, url, title, is_deleted, should_upload) VALUES (1, 'g1', ?, ?, 0, 1)").run(Buffer.from("https://x.c2-relay.info/a"), Buffer.from("Relay"));
    d.prepare("INSERT INTO visits (id, siteID, date, type, is_local) VALUES (1, 1, ?, 1, 1)").run(unix("2022-03-01T10:00:00Z") * 1e6);
    d.prepare("INSERT INTO favicons (id, url, width, height, type, date) VALUES (1, ?, 16, 16, 1, ?)").run(Buffer.from("https://cdn.c2-relay.info/i.png"), unix("2022-03-01T10:00:00Z"));
    d.prepare("INSERT INTO favicon_sites (siteID, faviconID) VALUES (1, 1)").run();
  });
  const files = [{ domain: GROUP, relativePath: "profile.profile/browser.db", data }];
  const h = await collectModule(history, memoryView({ kind: "ios_backup", platform: "ios", files }), iocs);
  assert.equal(h.coverage.status, "checked", h.coverage.reason);
  assert.deepEqual((h.records as FirefoxVisit[]).map((r) => [r.url, r.title]), [["https://x.c2-relay.info/a", "Relay"]]);
  assert.deepEqual(h.detections.map((d) => d.matched), ["x.c2-relay.info"]);
  const f = await collectModule(favicon, memoryView({ kind: "ios_backup", platform: "ios", files }), iocs);
  assert.deepEqual((f.records as FirefoxFavicon[]).map((r) => [r.url, r.history_url]), [["https://cdn.c2-relay.info/i.png", "https://x.c2-relay.info/a"]]);
  assert.deepEqual(f.detections.map((d) => d.matched), ["x.c2-relay.info"]);
});
