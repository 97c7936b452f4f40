import { test } from "node:test";
import assert from "node:assert/strict";
import bplistCreator from "bplist-creator";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import mod, { type SafariTab } from "../../../../src/modules/ios/safari-browser-state.ts";
import { BROWSER_STATE_SCHEMA, mac, matcherFromValues, sqliteImage } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const iocs = matcherFromValues({ domain: ["bad-landing.com"] }, "Predator");

function sessionBlob(urls: string[]): Buffer {
  const plist = bplistCreator({
    SessionHistory: {
      SessionHistoryCurrentIndex: urls.length - 1,
      SessionHistoryEntries: urls.map((u, i) => ({
        SessionHistoryEntryURL: u,
        SessionHistoryEntryOriginalURL: u,
        SessionHistoryEntryTitle: `Page ${i}`,
        SessionHistoryEntryData: Buffer.alloc(12 + i),
      })),
    },
    SessionHistoryVersion: 1,
  });
  // Safari writes a 4-byte header before the plist.
  return Buffer.concat([Buffer.from([0, 0, 0, 2]), plist]);
}

function db(tabs: { title: string; url: string; time: string; session?: Buffer | null }[]): Buffer {
  return sqliteImage(BROWSER_STATE_SCHEMA, (d) => {
    d.prepare("INSERT INTO browser_windows (id, uuid) VALUES (1, 'W')").run();
    const t = d.prepare("INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time, browser_window_uuid, browser_window_id) VALUES (?, ?, ?, ?, ?, ?, 'W', 1)");
    const s = d.prepare("INSERT INTO tab_sessions (tab_uuid, session_data) VALUES (?, ?)");
    tabs.forEach((tab, i) => {
      t.run(`T${i}`, tab.title, tab.url, tab.url, i, mac(tab.time));
      s.run(`T${i}`, tab.session ?? null);
    });
  });
}

const view = (data: Buffer) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "Library/Safari/BrowserState.db", data }] });

test("safari_browser_state: tabs with their session history, events and a match inside the back list", async () => {
  const data = db([
    { title: "News", url: "https://news.example/", time: "2022-06-01T08:00:00Z", session: sessionBlob(["https://start.example/", "http://x.bad-landing.com/p", "https://news.example/"]) },
    { title: "Wiki", url: "https://wiki.example/", time: "2022-06-01T09:00:00Z", session: null },
  ]);
  const out = await collectModule(mod, view(data), iocs);
  assertMvtFields("safari_browser_state", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 2);
  const [a, b] = out.records as SafariTab[];
  assert.equal(a.tab_title, "News");
  assert.equal(a.last_viewed_timestamp, "2022-06-01T08:00:00.000Z");
  assert.deepEqual(a.session_data.map((e) => e.entry_url), ["https://start.example/", "http://x.bad-landing.com/p", "https://news.example/"]);
  assert.equal(a.session_data[1].data_length, 13);
  assert.equal(a.safari_browser_state_db, "HomeDomain/Library/Safari/BrowserState.db");
  assert.deepEqual(b.session_data, []);
  assert.deepEqual(out.events.map((e) => [e.event, e.detected]), [["tab", true], ["tab", false]]);
  assert.equal(out.detections.length, 1, "URL and original URL of the same entry give one detection");
  assert.equal(out.detections[0].grade, "medium");
  assert.match(out.detections[0].title, /Predator domain in a Safari tab's history: x\.bad-landing\.com/);
});

test("safari_browser_state: the open tab's URL is checked (must flag), clean tabs are not (must not flag)", async () => {
  const flagged = await collectModule(mod, view(db([{ title: "x", url: "https://bad-landing.com/", time: "2022-01-01T00:00:00Z" }])), iocs);
  assert.equal(flagged.detections.length, 1);
  assert.match(flagged.detections[0].title, /open in a Safari tab/);
  const clean = await collectModule(mod, view(db([{ title: "x", url: "https://not-bad-landing.com/", time: "2022-01-01T00:00:00Z" }])), iocs);
  assert.deepEqual(clean.detections, []);
});

test("safari_browser_state: an undecodable session blob is a warning, the tab URL is still checked", async () => {
  const out = await collectModule(mod, view(db([{ title: "x", url: "https://bad-landing.com/", time: "2022-01-01T00:00:00Z", session: Buffer.from("\0\0\0\x02zlib-or-something") }])), iocs);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.detections.length, 1);
  assert.match(out.warnings[0], /session history of 1 tab\(s\) could not be decoded/);
});

test("safari_browser_state: wrong schema fails with a one-line reason naming the file", async () => {
  const out = await collectModule(mod, view(sqliteImage("CREATE TABLE tabs (id INTEGER, title TEXT);")), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/Safari/BrowserState.db: unexpected schema: table tabs lacks url, last_viewed_time");
});

test("safari_browser_state: iOS 11 and earlier keep session_data in tabs", async () => {
  const data = sqliteImage(
    `CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, title TEXT, url TEXT, user_visible_url TEXT, order_index INTEGER NOT NULL, last_viewed_time REAL DEFAULT NULL, session_data BLOB DEFAULT NULL)`,
    (d) => d.prepare("INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time, session_data) VALUES ('A', 'Old', 'https://old.example/', 'https://old.example/', 0, ?, ?)").run(mac("2017-03-01T00:00:00Z"), sessionBlob(["https://bad-landing.com/a", "https://old.example/"])),
  );
  const out = await collectModule(mod, view(data), iocs);
  assert.equal(out.coverage.status, "checked");
  assert.deepEqual((out.records[0] as SafariTab).session_data.map((e) => e.entry_url), ["https://bad-landing.com/a", "https://old.example/"]);
  assert.equal(out.detections.length, 1);
});

test("safari_browser_state: a tab URL stored as a BLOB is checked, not skipped", async () => {
  const data = sqliteImage(BROWSER_STATE_SCHEMA, (d) => {
    d.prepare("INSERT INTO browser_windows (id, uuid) VALUES (1, 'w')").run();
    d.prepare("INSERT INTO tabs (uuid, title, url, order_index, last_viewed_time, browser_window_uuid, browser_window_id) VALUES ('t', ?, ?, 0, ?, 'w', 1)")
      .run(Buffer.from("Landing"), Buffer.from("https://www.bad-landing.com/p"), mac("2023-01-01T00:00:00Z"));
  });
  const out = await collectModule(mod, memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "Library/Safari/BrowserState.db", data }] }), iocs);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.deepEqual((out.records as SafariTab[]).map((r) => [r.tab_title, r.tab_url]), [["Landing", "https://www.bad-landing.com/p"]]);
  assert.deepEqual(out.detections.map((d) => d.matched), ["www.bad-landing.com"]);
});
