import { test } from "node:test";
import type { Shard } from "../../../../src/core/shard.ts";
import assert from "node:assert/strict";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import mod, { type SafariVisit } from "../../../../src/modules/ios/safari-history.ts";
import { mac, matcherFromValues, SAFARI_HISTORY_SCHEMA, safariHistoryDb, sqliteImage } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const iocs = matcherFromValues({ domain: ["evil-exploit.net"] }, "Pegasus");
const none = matcherFromValues({}, "Empty");

function backup(files: { relativePath: string; data: Buffer; domain?: string }[]) {
  return memoryView({ kind: "ios_backup", platform: "ios", files: files.map((f) => ({ domain: f.domain ?? "HomeDomain", ...f })) });
}

test("safari_history: records, events and indicator match from the default History.db", async () => {
  const db = safariHistoryDb([
    { id: 1, url: "https://www.wikipedia.org/", time: "2023-05-01T10:00:00.000Z" },
    { id: 2, url: "https://cdn.evil-exploit.net/x", time: "2023-05-01T10:05:00.250Z" },
  ]);
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), iocs);
  assertMvtFields("safari_history", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 2);
  const recs = out.records as SafariVisit[];
  assert.deepEqual(
    recs.map((r) => [r.id, r.url, r.visit_id, r.timestamp, r.safari_history_db]),
    [
      [1, "https://www.wikipedia.org/", 1, "2023-05-01T10:00:00.000Z", "HomeDomain/Library/Safari/History.db"],
      [2, "https://cdn.evil-exploit.net/x", 2, "2023-05-01T10:05:00.250Z", "HomeDomain/Library/Safari/History.db"],
    ],
  );
  assert.equal(out.events.length, 2);
  assert.equal(out.events[1].event, "safari_history");
  assert.match(out.events[1].description, /cdn\.evil-exploit\.net/);
  assert.equal(out.events[1].detected, true);
  assert.equal(out.events[0].detected, false);
  assert.equal(out.detections.length, 1);
  const d = out.detections[0];
  assert.equal(d.grade, "medium");
  assert.equal(d.kind, "indicator");
  assert.equal(d.matched_indicator?.value, "evil-exploit.net");
  assert.equal(d.artifact, "HomeDomain/Library/Safari/History.db");
  assert.equal(d.timestamp, "2023-05-01T10:05:00.250Z");
  assert.match(d.title, /Pegasus domain visited in Safari/);
});

test("safari_history: reads every Safari profile and names the file of each record", async () => {
  const main = safariHistoryDb([{ id: 1, url: "https://a.example/", time: "2023-01-01T00:00:00Z" }]);
  const work = safariHistoryDb([{ id: 1, url: "https://evil-exploit.net/", time: "2023-01-02T00:00:00Z" }]);
  const prof = "Library/Safari/Profiles/0F1C2D3E-1111-2222-3333-444455556666/History.db";
  const out = await collectModule(
    mod,
    backup([
      { relativePath: "Library/Safari/History.db", data: main },
      { domain: "AppDomain-com.apple.mobilesafari", relativePath: prof, data: work },
      { relativePath: "Library/Safari/Bookmarks.db", data: main },
    ]),
    iocs,
  );
  assert.equal(out.coverage.records, 2);
  const files = (out.records as SafariVisit[]).map((r) => r.safari_history_db).sort();
  assert.deepEqual(files, ["AppDomain-com.apple.mobilesafari/" + prof, "HomeDomain/Library/Safari/History.db"]);
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].artifact, "AppDomain-com.apple.mobilesafari/" + prof);
});

test("safari_history: filesystem dump paths, including the Safari app container", async () => {
  const db = safariHistoryDb([{ id: 1, url: "https://b.example/", time: "2024-02-01T00:00:00Z" }]);
  const view = memoryView({
    kind: "ios_fs",
    platform: "ios",
    files: [
      { path: "private/var/mobile/Containers/Data/Application/3B6E0C4A-0000-4000-8000-000000000001/Library/Safari/History.db", data: db },
      { path: "private/var/mobile/Library/Safari/History.db", data: db },
    ],
  });
  const out = await collectModule(mod, view, none);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 2);
});

const redirect = (from: string, to: string, ms: number) =>
  safariHistoryDb([
    { id: 10, url: from, time: "2023-03-03T03:03:03.000Z", dest: 11 },
    { id: 11, url: to, time: new Date(Date.parse("2023-03-03T03:03:03.000Z") + ms).toISOString(), source: 10 },
  ]);

test("safari-fast-redirect: must flag a sub-second HTTP redirect to another domain (weak)", async () => {
  const db = redirect("http://news.example.com/story", "https://tracker.other-site.org/landing", 350);
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), none);
  const h = out.detections.filter((d) => d.kind === "heuristic");
  assert.equal(h.length, 1);
  assert.equal(h[0].rule?.id, "safari-fast-redirect");
  assert.equal(h[0].grade, "weak");
  assert.match(h[0].title, /example\.com to other-site\.org in 350 ms/);
  assert.equal(h[0].matched, "http://news.example.com/story -> https://tracker.other-site.org/landing");
  assert.ok(h[0].why);
  const rec = (out.records as SafariVisit[])[0];
  assert.equal(rec.redirect_destination, 11);
  assert.equal(rec.redirect_destination_url, "https://tracker.other-site.org/landing");
  assert.equal(rec.redirect_elapsed_ms, 350);
});

test("safari-fast-redirect: medium when one end of the redirect is a known indicator", async () => {
  const db = redirect("http://news.example.com/story", "https://x.evil-exploit.net/p", 120);
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), iocs);
  const h = out.detections.filter((d) => d.kind === "heuristic");
  assert.equal(h.length, 1);
  assert.equal(h[0].grade, "medium");
  assert.equal(out.detections.filter((d) => d.kind === "indicator").length, 1);
});

test("safari-fast-redirect: must not flag same-domain, slow, or HTTPS-origin redirects", async () => {
  for (const db of [
    // http → https upgrade on the same registrable domain
    redirect("http://example.co.uk/", "https://www.example.co.uk/", 80),
    // another domain, but after more than a second
    redirect("http://news.example.com/", "https://other-site.org/", 1500),
    // HTTPS cannot be rewritten on the network: ordinary link-shortener behaviour
    redirect("https://t.co/abc", "https://other-site.org/", 90),
  ]) {
    const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), none);
    assert.equal(out.coverage.records, 2);
    assert.deepEqual(out.detections, []);
  }
});

test("safari_history: wrong schema fails the module with a one-line reason naming the file", async () => {
  const bad = sqliteImage("CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);");
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: bad }]), iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/Safari/History.db: unexpected schema: no table history_visits");
  assert.ok(!out.coverage.reason!.includes("\n"));
});

test("safari_history: one corrupt profile database is a warning, the others are checked", async () => {
  const good = safariHistoryDb([{ id: 1, url: "https://evil-exploit.net/", time: "2023-01-02T00:00:00Z" }]);
  const out = await collectModule(
    mod,
    backup([
      { relativePath: "Library/Safari/History.db", data: good },
      { relativePath: "Library/Safari/Profiles/AAAA/History.db", data: Buffer.from("SQLite format 3\0 but then garbage") },
    ]),
    iocs,
  );
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 1);
  assert.equal(out.detections.length, 1);
  assert.equal(out.warnings.length, 1);
  assert.match(out.warnings[0], /^HomeDomain\/Library\/Safari\/Profiles\/AAAA\/History\.db: /);
});

test("safari_history: one matcher reused on two acquisitions with the same paths gives each its own answers", async () => {
  const clean = safariHistoryDb([{ id: 1, url: "https://clean.example/", time: "2023-01-01T00:00:00Z" }]);
  const dirty = safariHistoryDb([{ id: 1, url: "https://evil-exploit.net/", time: "2023-01-01T00:00:00Z" }]);
  const first = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: clean }]), iocs);
  const second = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: dirty }]), iocs);
  assert.equal(first.detections.length, 0);
  assert.equal(second.detections.length, 1);
});

test("safari_history: an old History.db without redirect columns is still read", async () => {
  const db = sqliteImage(
    `CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, visit_count INTEGER NOT NULL);
     CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL, visit_time REAL NOT NULL, title TEXT NULL);
     INSERT INTO history_items VALUES (1, 'http://evil-exploit.net/', 1);
     INSERT INTO history_visits VALUES (1, 1, 400000000.5, 'x');`,
  );
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), iocs);
  assert.equal(out.coverage.status, "checked");
  assert.deepEqual(out.records, [{ id: 1, url: "http://evil-exploit.net/", visit_id: 1, timestamp: "2013-09-04T15:06:40.500Z", isodate: "2013-09-04T15:06:40.500Z", redirect_source: null, redirect_destination: null, safari_history_db: "HomeDomain/Library/Safari/History.db" }]);
  assert.equal(out.detections.length, 1);
});

test("safari_history: visits read with the items' URLs in memory equal the SQLite join, in every case", async () => {
  const { default: Database } = await import("better-sqlite3");
  const { visitRows } = await import("../../../../src/modules/ios/safari-history.ts");
  const { SqliteDb } = await import("../../../../src/modules/lib/sqlite.ts");
  const { openSqliteBuffer } = await import("../../../../src/formats/sqlite.ts");
  // The database as a module sees it, whole or as the part of a parallel run given by `shard`.
  const opened: { close(): void }[] = [];
  const sqliteDb = (db: InstanceType<typeof Database>, shard?: Shard) => {
    const h = openSqliteBuffer(db.serialize(), "History.db");
    opened.push(h);
    return new SqliteDb(h, { path: "History.db" }, shard);
  };
  const raw = new Database(":memory:");
  raw.exec(`CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT);
    CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL, redirect_source INTEGER, redirect_destination INTEGER);`);
  const item = raw.prepare("INSERT INTO history_items VALUES (?, ?)");
  for (let i = 1; i <= 40; i++) item.run(i * 3, i === 7 ? null : i === 8 ? "" : `https://site${i}.example/${'"'.repeat(i % 3)}\u00e9`);
  const visit = raw.prepare("INSERT INTO history_visits VALUES (?, ?, ?, ?, ?)");
  // Visits out of item order, a visit of a deleted item (999), a NULL item, gaps in the ids.
  for (let v = 1; v <= 1500; v++) visit.run(v * 2, v % 97 === 0 ? 999 : v % 101 === 0 ? null : ((v * 7) % 40) * 3 + 3, 700000000 + v / 3, v % 5 ? null : v - 1, null);
  const db = sqliteDb(raw);
  const redirects = ["v.redirect_source", "v.redirect_destination"];
  const joined = [...visitRows(db, redirects, { items: 0, chars: 0 })];
  const mapped = [...visitRows(db, redirects)];
  assert.ok(joined.length > 1400 && joined.length < 1500, `${joined.length} joined rows`);
  assert.deepEqual(mapped, joined);
  // The parts of a parallel run, read with the URLs in memory and joined; and limits that stop the map part-way (items, then characters).
  const second = sqliteDb(raw, { index: 1, count: 3 });
  assert.deepEqual([...visitRows(second, redirects)], [...visitRows(second, redirects, { items: 0, chars: 0 })]);
  const parts = [0, 1, 2].map((index) => [...visitRows(sqliteDb(raw, { index, count: 3 }), redirects)]);
  assert.deepEqual(parts.flat(), joined);
  assert.ok(parts.every((p) => p.length > 0));
  assert.deepEqual([...visitRows(db, redirects, { items: 20, chars: 1e9 })], joined);
  assert.deepEqual([...visitRows(db, redirects, { items: 1e9, chars: 200 })], joined);
  // The join is what decides when ids repeat (a table where id is not the key).
  const oddRaw = new Database(":memory:");
  oddRaw.exec(`CREATE TABLE history_items (id INTEGER, url TEXT); CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL);
    INSERT INTO history_items VALUES (1, 'https://a.example/'), (1, 'https://b.example/'); INSERT INTO history_visits VALUES (1, 1, 5), (2, 1, 6);`);
  const odd = sqliteDb(oddRaw);
  const none = ["NULL", "NULL"];
  assert.deepEqual([...visitRows(odd, none)], [...visitRows(odd, none, { items: 0, chars: 0 })]);
  assert.equal([...visitRows(odd, none)].length, 4);
  for (const h of opened) h.close();
});


test("safari_history: a URL stored as a BLOB is checked and its fast redirect read, never a TypeError", async () => {
  // The URL came as bytes: it was never checked, and the redirect check threw
  // "url.charCodeAt is not a function".
  const db = sqliteImage(SAFARI_HISTORY_SCHEMA, (d) => {
    const item = d.prepare("INSERT INTO history_items (id, url, visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) VALUES (?, ?, 1, x'', 0, 0)");
    item.run(1, Buffer.from("http://cdn.evil-exploit.net/x"));
    item.run(2, Buffer.from("http://www.example.org/"));
    const t = mac("2023-05-01T10:00:00Z");
    d.prepare("INSERT INTO history_visits (id, history_item, visit_time, redirect_source, redirect_destination) VALUES (1, 1, ?, NULL, 2), (2, 2, ?, 1, NULL)").run(t, t + 0.25);
  });
  const out = await collectModule(mod, backup([{ relativePath: "Library/Safari/History.db", data: db }]), iocs);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const recs = out.records as SafariVisit[];
  assert.deepEqual(recs.map((r) => [r.url, r.redirect_destination_url]), [["http://cdn.evil-exploit.net/x", "http://www.example.org/"], ["http://www.example.org/", undefined]]);
  assert.deepEqual(out.detections.map((d) => d.matched), ["cdn.evil-exploit.net", "http://cdn.evil-exploit.net/x -> http://www.example.org/"]);
  assert.deepEqual(out.warnings, []);
});
