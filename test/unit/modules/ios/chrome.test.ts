import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import history, { type ChromeVisit } from "../../../../src/modules/ios/chrome-history.ts";
import favicon, { type ChromeFavicon } from "../../../../src/modules/ios/chrome-favicon.ts";
import { matcherFromValues, sqliteImage, webkit } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const DOMAIN = "AppDomain-com.google.chrome.ios";
const DIR = "Library/Application Support/Google/Chrome/Default";
const iocs = matcherFromValues({ domain: ["stalk-panel.io"], url: ["https://plain.example/exact-payload"] }, "Stalkerware");

// Chrome's History tables as Chrome for iOS (M100+) writes them, trimmed to the columns that matter.
const HISTORY_SCHEMA = `
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,visit_time INTEGER NOT NULL,from_visit INTEGER,transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,visit_duration INTEGER DEFAULT 0 NOT NULL,incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,opener_visit INTEGER);
`;
const FAVICONS_SCHEMA = `
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY,page_url LONGVARCHAR NOT NULL,icon_id INTEGER,page_url_type INTEGER DEFAULT 0);
CREATE TABLE favicons(id INTEGER PRIMARY KEY,url LONGVARCHAR NOT NULL,icon_type INTEGER DEFAULT 1);
CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY,icon_id INTEGER NOT NULL,last_updated INTEGER DEFAULT 0,image_data BLOB,width INTEGER DEFAULT 0,height INTEGER DEFAULT 0,last_requested INTEGER NOT NULL DEFAULT 0);
`;

const view = (name: string, data: Buffer) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: DOMAIN, relativePath: `${DIR}/${name}`, data }] });

test("chrome_history: visits with WebKit times, URL and domain indicators (must flag / must not flag)", async () => {
  const db = sqliteImage(HISTORY_SCHEMA, (d) => {
    const u = d.prepare("INSERT INTO urls (id, url, title, last_visit_time) VALUES (?, ?, ?, 0)");
    u.run(1, "https://www.example.com/", "Example");
    u.run(2, "https://login.stalk-panel.io/dashboard", "Panel");
    u.run(3, "https://plain.example/exact-payload", "x");
    u.run(4, "https://plain.example/other", "y");
    const v = d.prepare("INSERT INTO visits (id, url, visit_time, from_visit) VALUES (?, ?, ?, ?)");
    v.run(1, 1, webkit("2021-10-18T12:00:00.123Z"), 0);
    v.run(2, 2, webkit("2021-10-18T12:01:00Z"), 1);
    v.run(3, 3, webkit("2021-10-18T12:02:00Z"), 0);
    v.run(4, 4, webkit("2021-10-18T12:03:00Z"), 0);
  });
  const out = await collectModule(history, view("History", db), iocs);
  assertMvtFields("chrome_history", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 4);
  const recs = out.records as ChromeVisit[];
  assert.deepEqual(recs[0], { id: 1, url: "https://www.example.com/", visit_id: 1, timestamp: "2021-10-18T12:00:00.123Z", isodate: "2021-10-18T12:00:00.123Z", redirect_source: null, chrome_history_db: `${DOMAIN}/${DIR}/History` });
  assert.equal(recs[1].redirect_source, 1);
  assert.deepEqual(out.detections.map((d) => [d.matched_indicator?.type, d.grade]), [["domain", "medium"], ["url", "medium"]]);
  assert.match(out.detections[0].title, /Stalkerware domain visited in Chrome: login\.stalk-panel\.io/);
  assert.deepEqual(out.events.map((e) => e.detected), [false, true, true, false]);
  assert.equal(out.events[1].event, "visit");
});

test("chrome_history: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(history, view("History", sqliteImage("CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT);")), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${DOMAIN}/${DIR}/History: unexpected schema: no table visits`);
});

test("chrome_favicon: page and icon URLs; the icon URL alone can match", async () => {
  const db = sqliteImage(FAVICONS_SCHEMA, (d) => {
    d.prepare("INSERT INTO favicons VALUES (1, 'https://www.example.com/favicon.ico', 1)").run();
    d.prepare("INSERT INTO favicons VALUES (2, 'https://cdn.stalk-panel.io/i.png', 1)").run();
    d.prepare("INSERT INTO icon_mapping VALUES (1, 'https://www.example.com/', 1, 0)").run();
    d.prepare("INSERT INTO icon_mapping VALUES (2, 'https://innocent-looking.example/', 2, 0)").run();
    d.prepare("INSERT INTO favicon_bitmaps (id, icon_id, last_updated, last_requested) VALUES (1, 1, ?, 0)").run(webkit("2021-05-05T05:05:05Z"));
    d.prepare("INSERT INTO favicon_bitmaps (id, icon_id, last_updated, last_requested) VALUES (2, 2, 0, ?)").run(webkit("2021-06-06T06:06:06Z"));
  });
  const out = await collectModule(favicon, view("Favicons", db), iocs);
  assertMvtFields("chrome_favicon", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as ChromeFavicon[];
  assert.deepEqual(recs.map((r) => [r.url, r.icon_url, r.timestamp]), [
    ["https://www.example.com/", "https://www.example.com/favicon.ico", "2021-05-05T05:05:05.000Z"],
    ["https://innocent-looking.example/", "https://cdn.stalk-panel.io/i.png", "2021-06-06T06:06:06.000Z"],
  ]);
  assert.equal(out.detections.length, 1);
  assert.match(out.detections[0].title, /served a favicon to Chrome: cdn\.stalk-panel\.io/);
  assert.equal(out.events[0].event, "new_favicon");
});

test("chrome_favicon: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(favicon, view("Favicons", sqliteImage("CREATE TABLE favicons (id INTEGER, url TEXT);")), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${DOMAIN}/${DIR}/Favicons: unexpected schema: no table icon_mapping`);
});

test("chrome_history: every Chrome profile folder is read", async () => {
  const db = (url: string) =>
    sqliteImage(HISTORY_SCHEMA, (d) => {
      d.prepare("INSERT INTO urls (id, url, title, last_visit_time) VALUES (1, ?, '', 0)").run(url);
      d.prepare("INSERT INTO visits (id, url, visit_time, from_visit) VALUES (1, 1, ?, 0)").run(webkit("2024-01-01T00:00:00Z"));
    });
  const view = memoryView({
    kind: "ios_backup",
    platform: "ios",
    files: [
      { domain: DOMAIN, relativePath: `${DIR}/History`, data: db("https://a.example/") },
      { domain: DOMAIN, relativePath: "Library/Application Support/Google/Chrome/Profile 1/History", data: db("https://login.stalk-panel.io/") },
    ],
  });
  const out = await collectModule(history, view, iocs);
  assert.equal(out.coverage.records, 2);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].artifact, `${DOMAIN}/Library/Application Support/Google/Chrome/Profile 1/History`);
});

test("chrome_history and chrome_favicon: URLs stored as BLOBs are checked, bytes that are not text flagged", async () => {
  const h = sqliteImage(HISTORY_SCHEMA, (d) => {
    const u = d.prepare("INSERT INTO urls (id, url, title, last_visit_time) VALUES (?, ?, 'x', 0)");
    u.run(1, Buffer.from("https://login.stalk-panel.io/dashboard"));
    u.run(2, Buffer.from([0xff, 0xfe]));
    d.prepare("INSERT INTO visits (id, url, visit_time, from_visit) VALUES (1, 1, ?, 0), (2, 2, ?, 0)").run(webkit("2021-10-18T12:00:00Z"), webkit("2021-10-18T12:01:00Z"));
  });
  const out = await collectModule(history, view("History", h), iocs);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.deepEqual((out.records as ChromeVisit[]).map((r) => r.url), ["https://login.stalk-panel.io/dashboard", "\ufffd\ufffd"]);
  assert.deepEqual(out.detections.map((d) => d.matched), ["login.stalk-panel.io"]);
  assert.deepEqual(out.warnings, [`${DOMAIN}/${DIR}/History: 1 URL(s) stored as bytes that are neither UTF-8 nor an archived string: read with replacement characters`]);
  const f = sqliteImage(FAVICONS_SCHEMA, (d) => {
    d.prepare("INSERT INTO favicons (id, url) VALUES (1, ?)").run(Buffer.from("https://cdn.example/icon.png"));
    d.prepare("INSERT INTO icon_mapping (id, page_url, icon_id) VALUES (1, ?, 1)").run(Buffer.from("https://stalk-panel.io/"));
    d.prepare("INSERT INTO favicon_bitmaps (id, icon_id, last_updated) VALUES (1, 1, ?)").run(webkit("2021-10-18T12:00:00Z"));
  });
  const fav = await collectModule(favicon, view("Favicons", f), iocs);
  assert.deepEqual((fav.records as ChromeFavicon[]).map((r) => [r.url, r.icon_url]), [["https://stalk-panel.io/", "https://cdn.example/icon.png"]]);
  assert.deepEqual(fav.detections.map((d) => d.matched), ["stalk-panel.io"]);
});
