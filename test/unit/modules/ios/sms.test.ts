import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonArrayWriter } from "../../../../src/report/json-writer.ts";
import sms from "../../../../src/modules/ios/sms.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { attributedBodyText } from "../../../../src/modules/ios/lib/attributed-body.ts";
import { SMS_SCHEMA, backup, fsDump, mac, makeAttributedBody, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const ns = (iso: string) => BigInt(Math.round(mac(iso))) * 1_000_000_000n;

function smsDb(): Buffer {
  return sqliteImage(SMS_SCHEMA, (db) => {
    const h = db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (?, ?, ?)");
    h.run(1, "+41791234567", "iMessage");
    h.run(2, "+41797654321", "SMS");
    h.run(3, "bogaardlisa803@gmail.com", "iMessage");
    h.run(4, "+14155550100", "iMessage");
    const m = db.prepare(
      "INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, service, account, date, date_read, is_from_me, is_read) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    );
    m.run(1, "G1", "Please click here https://badbadbad.example.org/x?id=1.", null, 1, "iMessage", "e:me@icloud.com", ns("2021-07-01T10:00:00Z"), ns("2021-07-01T10:05:00Z"), 0, 1);
    m.run(2, "G2", "have a look at evil-mention.com tonight", null, 2, "SMS", null, ns("2021-07-02T10:00:00Z"), 0, 0, 0);
    m.run(3, "G3", "did you get this? https://badbadbad.example.org/x", null, 4, "iMessage", null, ns("2021-07-03T10:00:00Z"), 0, 1, 0);
    m.run(4, "G4", null, null, 3, "iMessage", null, ns("2021-07-04T10:00:00Z"), 0, 0, 0);
    m.run(5, "G5", "ALERT: State-sponsored attackers may be targeting your iPhone\nApple believes you are being targeted... https://support.apple.com/en-us/HT212960", null, 4, "iMessage", null, ns("2021-11-23T20:00:00Z"), 0, 0, 0);
    m.run(6, "G6", "Apple is sending alerts about a mercenary spyware attack to journalists https://techcrunch.com/2024/04/10/apple", null, 2, "iMessage", null, ns("2024-04-11T10:00:00Z"), 0, 0, 0);
    m.run(7, "G7", null, makeAttributedBody("iOS 16 keeps this text here: https://example.com/ok"), 1, "iMessage", null, ns("2023-01-01T00:00:00Z"), 0, 0, 0);
    m.run(8, "G8", "to the group", null, 0, "iMessage", null, ns("2023-01-02T00:00:00Z"), 0, 1, 0);
    m.run(9, "G9", "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone (copied for you)", null, 4, "iMessage", null, ns("2024-04-12T00:00:00Z"), 0, 1, 0);
  });
}

const iocs = () =>
  matcherFromValues({ domain: ["badbadbad.example.org", "evil-mention.com"], email: ["bogaardlisa803@gmail.com"] }, "Pegasus test");

test("sms: records, links, events and graded detections", async () => {
  const view = backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDb() }]);
  const out = await collectModule(sms, view, iocs());
  assertMvtFields("sms", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.equal(out.records.length, 9);
  const byGuid = new Map((out.records as any[]).map((r) => [r.guid, r]));
  const r1 = byGuid.get("G1");
  assert.equal(r1.phone_number, "+41791234567");
  assert.equal(r1.direction, "received");
  assert.equal(r1.isodate, "2021-07-01T10:00:00.000Z");
  assert.equal(r1.isodate_read, "2021-07-01T10:05:00.000Z");
  assert.deepEqual(r1.links, ["https://badbadbad.example.org/x?id=1"]);
  assert.equal(byGuid.get("G4").text, "");
  assert.equal(byGuid.get("G7").text, "iOS 16 keeps this text here: https://example.com/ok");
  assert.equal(byGuid.get("G7").text_source, "attributedBody");
  assert.deepEqual(byGuid.get("G7").links, ["https://example.com/ok"]);
  assert.equal(byGuid.get("G8").phone_number, null, "a message without handle is kept");

  // Events: one per message plus a read event for the read received message.
  assert.equal(out.events.filter((e) => e.event === "sms_received").length, 6);
  assert.equal(out.events.filter((e) => e.event === "sms_sent").length, 3);
  const read = out.events.filter((e) => e.event === "sms_read");
  assert.equal(read.length, 1);
  assert.equal(read[0].timestamp, "2021-07-01T10:05:00.000Z");
  assert.ok(out.events.find((e) => e.timestamp === "2021-07-01T10:00:00.000Z")!.detected);

  const d = out.detections;
  const link = d.filter((x) => x.kind === "indicator" && x.matched_indicator?.value === "badbadbad.example.org");
  assert.equal(link.length, 2);
  assert.equal(link.find((x) => (x.record as any).guid === "G1")!.grade, "medium", "received link");
  assert.equal(link.find((x) => (x.record as any).guid === "G3")!.grade, "weak", "sent link");
  assert.equal(link[0].artifact, "HomeDomain/Library/SMS/sms.db");
  const mention = d.filter((x) => x.matched_indicator?.value === "evil-mention.com");
  assert.equal(mention.length, 1);
  assert.equal(mention[0].grade, "weak");
  const acct = d.filter((x) => x.matched_indicator?.type === "email");
  assert.equal(acct.length, 1);
  assert.equal(acct[0].grade, "medium");
  assert.equal((acct[0].record as any).guid, "G4");

  const alerts = d.filter((x) => x.rule?.id === "apple-threat-notification");
  assert.deepEqual(alerts.map((x) => (x.record as any).guid), ["G5"], "G6 (news about alerts) and G9 (sent) must not flag");
  assert.equal(alerts[0].grade, "medium");
  assert.equal(alerts[0].timestamp, "2021-11-23T20:00:00.000Z");
  assert.equal(d.length, 5);
});

test("sms: the threat notification rule also knows the 2024 wording and needs apple.com for body-only quotes", async () => {
  const db = sqliteImage(SMS_SCHEMA, (db) => {
    db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, 'x', 'iMessage')").run();
    const m = db.prepare("INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES (?,?,1,'iMessage',?,0)");
    m.run("A", "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone", ns("2024-04-10T19:00:00Z"));
    m.run("B", "Apple detected that you are being targeted by a mercenary spyware attack. https://support.apple.com/102174", ns("2024-04-10T19:00:00Z"));
    m.run("C", "Apple detected that you are being targeted by a mercenary spyware attack. https://apple.com.evil.example/102174", ns("2024-04-10T19:00:00Z"));
    m.run("D", "ALERT! our sale is on https://shop.example.com", ns("2024-04-10T19:00:00Z"));
  });
  const out = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]), matcherFromValues({}));
  assert.deepEqual(out.detections.map((x) => (x.record as any).guid).sort(), ["A", "B"]);
});

test("sms: reads the filesystem path of a full-filesystem dump", async () => {
  const view = fsDump([{ path: "private/var/mobile/Library/SMS/sms.db", data: smsDb() }]);
  const out = await collectModule(sms, view, iocs());
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.records.length, 9);
  assert.equal(out.detections[0].artifact, "private/var/mobile/Library/SMS/sms.db");
});

test("sms: absent, wrong schema and truncated database", async () => {
  const absent = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/Other.db", data: "x" }]), iocs());
  assert.equal(absent.coverage.status, "absent");

  const wrong = sqliteImage("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, date INTEGER, is_from_me INTEGER);");
  const out = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: wrong }]), iocs());
  assert.equal(out.coverage.status, "failed");
  assert.match(out.coverage.reason!, /^HomeDomain\/Library\/SMS\/sms\.db: unexpected schema: table message lacks handle_id$/);
  assert.ok(!out.coverage.reason!.includes("\n"));

  const trunc = smsDb().subarray(0, 60);
  const out2 = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: trunc }]), iocs());
  assert.equal(out2.coverage.status, "failed");
  assert.match(out2.coverage.reason!, /^HomeDomain\/Library\/SMS\/sms\.db: truncated SQLite database/);
});

test("attributedBody decoder: long texts and junk", () => {
  const long = "é".repeat(300) + " https://x.example/";
  assert.equal(attributedBodyText(makeAttributedBody(long)), long);
  assert.equal(attributedBodyText(Buffer.from("not a typedstream at all, just bytes")), undefined);
  const cut = makeAttributedBody("x".repeat(100));
  assert.equal(attributedBodyText(cut.subarray(0, cut.length - 50)), undefined, "length beyond the end");
  assert.equal(attributedBodyText(null), undefined);
});

test("sms: an exact URL indicator grades the received link medium, and a domain-only set still finds links", async () => {
  const view = backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDb() }]);
  const byUrl = await collectModule(sms, view, matcherFromValues({ url: ["https://badbadbad.example.org/x?id=1"] }));
  assert.deepEqual(byUrl.detections.filter((d) => d.kind === "indicator").map((d) => [(d.record as any).guid, d.grade, d.matched_indicator!.type]), [["G1", "medium", "url"]]);
  const none = await collectModule(sms, view, matcherFromValues({ domain: ["not-present.example"] }));
  assert.equal(none.detections.filter((d) => d.kind === "indicator").length, 0);
});

test("sms: mentions of IPs, IDN hosts and scheme URLs survive the cheap pre-filter", async () => {
  const db = sqliteImage(SMS_SCHEMA, (db) => {
    db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, 'x', 'SMS')").run();
    const m = db.prepare("INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES (?,?,1,'SMS',0,0)");
    m.run("IP", "connect to 203.0.113.5 now");
    m.run("IDN", "look at https://bücher.example/x please");
    m.run("PLAIN", "Ok. See you at 8. Thanks!");
  });
  const out = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]), matcherFromValues({ ipv4: ["203.0.113.5"], domain: ["xn--bcher-kva.example"] }));
  assert.deepEqual(out.detections.map((d) => (d.record as any).guid).sort(), ["IDN", "IP"]);
});

test("sms: older databases (dates in seconds, no attributedBody or optional columns) still read", async () => {
  const db = sqliteImage(
    `CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT);
     CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0);`,
    (db) => {
      db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+331234', 'SMS')").run();
      db.prepare("INSERT INTO message (guid, text, handle_id, service, date, date_read, is_from_me) VALUES ('OLD', 'hi https://old.example/', 1, 'SMS', ?, 0, 0)").run(Math.round(mac("2016-05-01T12:00:00Z")));
    },
  );
  const out = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]), matcherFromValues({ domain: ["old.example"] }));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records[0] as any;
  assert.equal(r.isodate, "2016-05-01T12:00:00.000Z");
  assert.equal(r.isodate_read, null);
  assert.equal(r.account, null);
  assert.equal(out.detections.length, 1);
});

test("sms: dates beyond 2^53 are kept exact, as MVT writes them; others stay numbers", async () => {
  const db = sqliteImage(SMS_SCHEMA, (db) => {
    db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+41791234567', 'iMessage')").run();
    const m = db.prepare("INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (?,?,?,?,?,?,?)");
    m.run(1, "NS", "nanoseconds", 1, "iMessage", 644198407603940123n, 0);
    m.run(2, "S", "seconds (iOS 10)", 1, "iMessage", 644198407, 0);
    m.run(3, "R", "stored as a real", 1, "iMessage", 644198407.5, 0);
    m.run(4, "NEG", "before 2001, in nanoseconds", 1, "iMessage", -9007199254740993n, 0);
    m.run(5, "MAX", "the largest integer SQLite holds", 1, "iMessage", 9223372036854775807n, 0);
    m.run(6, "MIN", "the smallest", 1, "iMessage", -9223372036854775808n, 0);
    m.run(7, "R17", "a real needing 17 digits", 1, "iMessage", 644198438.0320001, 0);
    m.run(8, "TXT", "a date stored as text", 1, "iMessage", "2021-06-01", 0);
    m.run(9, "NUL", "no date", 1, "iMessage", null, 0);
    m.run(10, "BLOB", "a date stored as bytes", 1, "iMessage", Buffer.from([1, 2, 3]), 0);
    m.run(11, "INF", "an infinite real", 1, "iMessage", Infinity, 0);
  });
  const out = await collectModule(sms, backup([{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: db }]), iocs());
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const date = new Map((out.records as any[]).map((r) => [r.guid, r.date]));
  assert.deepEqual(Object.fromEntries(date), {
    NS: "644198407603940123",
    S: 644198407,
    R: 644198407.5,
    NEG: "-9007199254740993",
    MAX: "9223372036854775807",
    MIN: "-9223372036854775808",
    R17: 644198438.0320001,
    TXT: "2021-06-01",
    NUL: null,
    BLOB: Buffer.from([1, 2, 3]),
    INF: Infinity,
  });
  const isodate = new Map((out.records as any[]).map((r) => [r.guid, r.isodate]));
  assert.equal(isodate.get("NS"), "2021-06-01T00:00:07.603Z");
  assert.equal(isodate.get("R17"), "2021-06-01T00:00:38.032Z");
  for (const g of ["TXT", "NUL", "BLOB", "INF"]) assert.equal(isodate.get(g), null, g);
  // Written as the module's JSON file is: exact numbers.
  const dir = mkdtempSync(join(tmpdir(), "vigil-sms-"));
  try {
    const w = new JsonArrayWriter(join(dir, "sms.json"), false, sms.exactIntegers);
    for (const r of out.records) w.write(r);
    w.close();
    const text = readFileSync(join(dir, "sms.json"), "utf8");
    for (const want of ['"date":644198407603940123,', '"date":644198407,', '"date":644198407.5,', '"date":-9007199254740993,', '"date":9223372036854775807,', '"date":-9223372036854775808,', '"date":644198438.0320001,', '"date":null,', '"date":"AQID",']) {
      assert.ok(text.includes(want), want);
    }
    JSON.parse(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
