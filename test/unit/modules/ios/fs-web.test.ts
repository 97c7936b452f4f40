import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { VigilError } from "../../../../src/core/errors.ts";
import cacheFiles, { type CacheResponse, urlOfRequestKey } from "../../../../src/modules/ios/cache-files.ts";
import safariFavicon, { type SafariFavicon } from "../../../../src/modules/ios/safari-favicon.ts";
import indexeddb from "../../../../src/modules/ios/webkit-indexeddb.ts";
import localstorage from "../../../../src/modules/ios/webkit-localstorage.ts";
import svs from "../../../../src/modules/ios/webkit-safariviewservice.ts";
import { parseWebKitOriginFile, type WebKitOriginRecord } from "../../../../src/modules/ios/lib/web.ts";
import { mac, matcherFromValues, sqliteImage, webkitOriginFile } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const APP = "private/var/mobile/Containers/Data/Application/5F1A2B3C-0000-4000-8000-00000000000A";
const iocs = matcherFromValues({ domain: ["infection-server.com"] }, "Pegasus");
const fs = (files: MemoryFile[]) => memoryView({ kind: "ios_fs", platform: "ios", files });

// CFNetwork's Cache.db (iOS 13+), the response table.
const CACHE_SCHEMA = `
CREATE TABLE cfurl_cache_schema_version(schema_version INTEGER);
CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);
CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object BLOB, request_object BLOB, proto_props BLOB, user_info BLOB);
CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS INTEGER, receiver_data BLOB);
`;
function cacheDb(rows: [string, string][]): Buffer {
  return sqliteImage(CACHE_SCHEMA, (d) => {
    const ins = d.prepare("INSERT INTO cfurl_cache_response (version, hash_value, storage_policy, request_key, time_stamp) VALUES (0, ?, 0, ?, ?)");
    rows.forEach(([url, ts], i) => ins.run(1000 + i, url, ts));
  });
}

test("cache_files: every Cache.db under app and system caches; cached URLs are checked", async () => {
  const view = fs([
    { path: `${APP}/Library/Caches/com.example.app/Cache.db`, data: cacheDb([["https://api.example.com/v1/feed", "2021-10-18 12:30:50"], ["https://infection-server.com/x.js", "2021-10-18 12:31:00"]]) },
    { path: "private/var/mobile/Library/Caches/com.apple.nsurlsessiond/Cache.db", data: cacheDb([["&partition=x&https://cdn.example.org/img.png", "2021-10-19 00:00:00"]]) },
    { path: `${APP}/Library/Caches/com.example.app/NotCache.db`, data: cacheDb([["https://infection-server.com/", "2021-10-18 12:31:00"]]) },
  ]);
  const out = await collectModule(cacheFiles, view, iocs);
  assertMvtFields("cache_files", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 3);
  const recs = out.records as CacheResponse[];
  const hit = recs.find((r) => r.url.includes("infection"))!;
  assert.deepEqual(hit, { entry_id: 2, version: 0, hash_value: 1001, storage_policy: 0, url: "https://infection-server.com/x.js", timestamp: "2021-10-18T12:31:00.000Z", isodate: "2021-10-18T12:31:00.000Z", cache_db: `${APP}/Library/Caches/com.example.app/Cache.db` });
  assert.ok(recs.some((r) => r.url === "https://cdn.example.org/img.png"));
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].grade, "medium");
  assert.equal(out.detections[0].artifact, `${APP}/Library/Caches/com.example.app/Cache.db`);
  assert.equal(out.events.filter((e) => e.event === "cache_response").length, 3);
});

test("cache_files: request keys with a partition prefix give the URL", () => {
  assert.equal(urlOfRequestKey("https://a.example/"), "https://a.example/");
  assert.equal(urlOfRequestKey("&&top=https://b.example/&https://c.example/x"), "https://b.example/&https://c.example/x");
  assert.equal(urlOfRequestKey("no-url"), "no-url");
});

test("cache_files: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(cacheFiles, fs([{ path: `${APP}/Library/Caches/x/Cache.db`, data: sqliteImage("CREATE TABLE cfurl_cache_response (entry_ID INTEGER);") }]), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${APP}/Library/Caches/x/Cache.db: unexpected schema: table cfurl_cache_response lacks request_key, time_stamp`);
});

// Safari's Favicons.db.
const FAVICONS_SCHEMA = `
CREATE TABLE icon_info (uuid TEXT NOT NULL PRIMARY KEY, url TEXT NOT NULL, timestamp REAL NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, has_generated_representations INTEGER NOT NULL DEFAULT 0);
CREATE TABLE page_url (uuid TEXT NOT NULL, url TEXT NOT NULL PRIMARY KEY);
CREATE TABLE rejected_resources (page_url TEXT NOT NULL PRIMARY KEY, icon_url TEXT NOT NULL, timestamp REAL NOT NULL);
`;
test("safari_favicon: valid and rejected icons; page match and icon-only match", async () => {
  const db = sqliteImage(FAVICONS_SCHEMA, (d) => {
    d.prepare("INSERT INTO icon_info VALUES ('U1', 'https://www.example.com/favicon.ico', ?, 32, 32, 0)").run(mac("2022-02-02T02:02:02Z"));
    d.prepare("INSERT INTO icon_info VALUES ('U2', 'https://static.example.net/i.ico', ?, 16, 16, 0)").run(mac("2022-02-03T00:00:00Z"));
    d.prepare("INSERT INTO page_url VALUES ('U1', 'https://www.example.com/')").run();
    d.prepare("INSERT INTO page_url VALUES ('U2', 'https://infection-server.com/landing')").run();
    d.prepare("INSERT INTO rejected_resources VALUES ('https://blog.example.org/', 'https://i.infection-server.com/f.ico', ?)").run(mac("2022-02-04T00:00:00Z"));
  });
  const path = `${APP}/Library/Image Cache/Favicons/Favicons.db`;
  const out = await collectModule(safariFavicon, fs([{ path, data: db }]), iocs);
  assertMvtFields("safari_favicon", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as SafariFavicon[];
  assert.deepEqual(recs.map((r) => [r.type, r.url, r.timestamp]), [
    ["valid", "https://www.example.com/", "2022-02-02T02:02:02.000Z"],
    ["valid", "https://infection-server.com/landing", "2022-02-03T00:00:00.000Z"],
    ["rejected", "https://blog.example.org/", "2022-02-04T00:00:00.000Z"],
  ]);
  assert.equal(recs[0].safari_favicon_db_path, path);
  assert.deepEqual(out.detections.map((d) => d.title), [
    "Known Pegasus domain visited in Safari (favicon cache): infection-server.com",
    "Known Pegasus domain served a favicon to Safari: i.infection-server.com",
  ]);
});

test("safari_favicon: wrong schema fails with a one-line reason naming the file", async () => {
  const path = "private/var/mobile/Library/Image Cache/Favicons/Favicons.db";
  const out = await collectModule(safariFavicon, fs([{ path, data: sqliteImage("CREATE TABLE icon_info (uuid TEXT);") }]), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `${path}: unexpected schema: table icon_info lacks url, timestamp`);
});

const T1 = "2023-07-01T10:00:00.000Z";
const T2 = "2023-07-02T10:00:00.000Z";

test("webkit_indexeddb: origin folders (first and third party) become records; indicator origins are flagged", async () => {
  const base = `${APP}/Library/WebKit/WebsiteData/IndexedDB`;
  const out = await collectModule(
    indexeddb,
    fs([
      { path: `${base}/v1/https_www.example.com_0/db1/IndexedDB.sqlite3`, data: "x", modified: T1 },
      { path: `${base}/v1/https_www.example.com_0/db1/IndexedDB.sqlite3-wal`, data: "x", modified: T2 },
      { path: `${base}/v1/https_news.example_0/https_track.infection-server.com_8443/db/IndexedDB.sqlite3`, data: "x", modified: T1 },
      { path: `${base}/v1/Journal.txt`, data: "x" },
    ]),
    iocs,
  );
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as WebKitOriginRecord[];
  assert.deepEqual(recs.map((r) => [r.folder, r.url, r.timestamp]), [
    [`${base}/v1`, "https://www.example.com", T2],
    [`${base}/v1`, "https://news.example", T1],
    [`${base}/v1/https_news.example_0`, "https://track.infection-server.com:8443", T1],
  ]);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].matched, "track.infection-server.com");
  assert.equal(out.events[0].event, "webkit_indexeddb");
});

test("webkit_indexeddb: backups list the same folders per app domain", async () => {
  const view = memoryView({
    kind: "ios_backup",
    platform: "ios",
    files: [
      { domain: "AppDomain-com.google.Gmail", relativePath: "Library/WebKit/WebsiteData/IndexedDB/v1/https_mail.google.com_0/IndexedDB.sqlite3", data: "x" },
      { domain: "AppDomain-com.example", relativePath: "Library/WebKit/WebsiteData/IndexedDB/v0/https_infection-server.com_0.indexeddb.leveldb/x", data: "x" },
    ],
  });
  const out = await collectModule(indexeddb, view, iocs);
  assertMvtFields("webkit_indexeddb", out.records);
  assert.deepEqual((out.records as WebKitOriginRecord[]).map((r) => r.url), ["https://mail.google.com"]);
  assert.equal(out.detections.length, 0, "names that are not WebKit origin names are not guessed at");
});

test("webkit_local_storage: .localstorage files name their origins", async () => {
  const base = `${APP}/Library/WebKit/WebsiteData/LocalStorage`;
  const out = await collectModule(
    localstorage,
    fs([
      { path: `${base}/https_infection-server.com_0.localstorage`, data: "x", modified: T1 },
      { path: `${base}/https_infection-server.com_0.localstorage-wal`, data: "x", modified: T2 },
      { path: `${base}/http_localhost_8080.localstorage`, data: "x", modified: T1 },
      { path: `${base}/StorageTracker.db`, data: "x" },
    ]),
    iocs,
  );
  const recs = out.records as WebKitOriginRecord[];
  assert.deepEqual(recs.map((r) => [r.url, r.timestamp]), [["https://infection-server.com", T2], ["http://localhost:8080", T1]]);
  assert.equal(out.detections.length, 1);
  assert.match(out.detections[0].title, /stored LocalStorage data in a WebKit view: infection-server\.com/);
  assert.equal(out.detections[0].artifact, base);
});

test("webkit_safari_view_service: origins in SafariViewService's website data", async () => {
  const base = `${APP}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData`;
  const out = await collectModule(
    svs,
    fs([
      { path: `${base}/LocalStorage/https_infection-server.com_0.localstorage`, data: "x", modified: T1 },
      { path: `${base}/IndexedDB/v1/https_safe.example_0/IndexedDB.sqlite3`, data: "x", modified: T1 },
      { path: `${APP}/Library/WebKit/WebsiteData/LocalStorage/https_other.example_0.localstorage`, data: "x" },
    ]),
    iocs,
  );
  assertMvtFields("webkit_safari_view_service", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.deepEqual((out.records as WebKitOriginRecord[]).map((r) => r.url).sort(), ["https://infection-server.com", "https://safe.example"]);
  assert.equal(out.detections.length, 1);
  assert.match(out.detections[0].title, /opened in an in-app Safari view/);
});

test("webkit folder modules: a listing error fails the module with its one-line reason", async () => {
  for (const mod of [indexeddb, localstorage, svs]) {
    const view = fs([{ path: `${APP}/x`, data: "x" }]);
    view.find = async () => {
      throw new VigilError("cannot list folder: permission denied", { file: `${APP}/Library/WebKit` });
    };
    const out = await collectModule(mod, view, iocs);
    assert.equal(out.coverage.status, "failed");
    assert.equal(out.coverage.reason, `${APP}/Library/WebKit: cannot list folder: permission denied`);
  }
});

test("WebKit origin files (iOS 16+ layout) decode to top and frame origins", () => {
  assert.deepEqual(parseWebKitOriginFile(webkitOriginFile(["https", "www.example.com"])), { top: "https://www.example.com", client: "https://www.example.com" });
  assert.deepEqual(parseWebKitOriginFile(webkitOriginFile(["https", "news.example"], ["http", "ads.example", 8080], true)), { top: "https://news.example", client: "http://ads.example:8080" });
  assert.equal(parseWebKitOriginFile(Buffer.from("garbage that is not an origin")), undefined);
  assert.equal(parseWebKitOriginFile(webkitOriginFile(["https", "a.example"]).subarray(0, 20)), undefined);
});

test("webkit_indexeddb and webkit_local_storage: iOS 16+ Default/<hash>/<hash>/ folders with origin files", async () => {
  const D = `${APP}/Library/WebKit/WebsiteData/Default`;
  const files: MemoryFile[] = [
    { path: `${D}/TOPA/TOPA/origin`, data: webkitOriginFile(["https", "www.example.com"]) },
    { path: `${D}/TOPA/TOPA/LocalStorage/localstorage.sqlite3`, data: "x", modified: T1 },
    { path: `${D}/TOPB/FRM1/origin`, data: webkitOriginFile(["https", "news.example"], ["https", "tracker.infection-server.com"]) },
    { path: `${D}/TOPB/FRM1/IndexedDB/HASH/IndexedDB.sqlite3`, data: "x", modified: T2 },
    { path: `${D}/TOPC/TOPC/origin`, data: Buffer.from("corrupt") },
    { path: `${D}/TOPC/TOPC/IndexedDB/HASH/IndexedDB.sqlite3`, data: "x", modified: T1 },
    // storage without its origin file: nothing to name it by
    { path: `${D}/TOPD/TOPD/IndexedDB/HASH/IndexedDB.sqlite3`, data: "x", modified: T1 },
  ];
  const idb = await collectModule(indexeddb, fs(files), iocs);
  assert.equal(idb.coverage.status, "checked");
  assert.deepEqual(idb.records, [{ folder: `${D}/TOPB/FRM1`, url: "https://tracker.infection-server.com", top_origin: "https://news.example", timestamp: T2, isodate: T2 }]);
  assert.equal(idb.detections.length, 1);
  assert.equal(idb.detections[0].matched, "tracker.infection-server.com");
  assert.deepEqual(idb.warnings, [`${D}/TOPC/TOPC/origin: not a WebKit origin file`]);
  const ls = await collectModule(localstorage, fs(files), iocs);
  assertMvtFields("webkit_local_storage", ls.records);
  assert.deepEqual(ls.records, [{ folder: `${D}/TOPA/TOPA`, url: "https://www.example.com", timestamp: T1, isodate: T1 }]);
  assert.deepEqual(ls.detections, []);
});

test("webkit_safari_view_service: iOS 16+ layout, any storage type counts", async () => {
  const D = `${APP}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/Default`;
  const out = await collectModule(
    svs,
    fs([
      { path: `${D}/H1/H1/origin`, data: webkitOriginFile(["https", "infection-server.com"]) },
      { path: `${D}/H1/H1/CacheStorage/salt`, data: "x", modified: T1 },
    ]),
    iocs,
  );
  assert.deepEqual((out.records as WebKitOriginRecord[]).map((r) => r.url), ["https://infection-server.com"]);
  assert.equal(out.detections.length, 1);
});
