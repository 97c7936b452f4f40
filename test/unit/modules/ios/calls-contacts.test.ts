import { test } from "node:test";
import assert from "node:assert/strict";
import calls from "../../../../src/modules/ios/calls.ts";
import contacts from "../../../../src/modules/ios/contacts.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const CALLS_SCHEMA = `CREATE TABLE ZCALLRECORD ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZJUNKCONFIDENCE INTEGER, ZJUNKIDENTIFICATIONCATEGORY INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR )`;

test("calls: records, services, directions, events and e-mail indicators", async () => {
  const db = sqliteImage(CALLS_SCHEMA, (db) => {
    const i = db.prepare("INSERT INTO ZCALLRECORD (ZDATE, ZDURATION, ZADDRESS, ZSERVICE_PROVIDER, ZORIGINATED, ZANSWERED, ZCALLTYPE, ZLOCATION, ZUNIQUE_ID) VALUES (?,?,?,?,?,?,?,?,?)");
    i.run(mac("2022-03-01T08:00:00Z"), 62.5, "+41791234567", "com.apple.Telephony", 1, 1, 1, "Switzerland", "U1");
    i.run(mac("2022-03-02T08:00:00Z"), 0, Buffer.from("bogaardlisa803@gmail.com"), "com.apple.FaceTime", 0, 0, 8, null, "U2");
    i.run(mac("2022-03-03T08:00:00Z"), 12, "14155550100", "net.whatsapp.WhatsApp", 0, 1, 1, null, "U3");
    i.run(mac("2022-03-04T08:00:00Z"), 5, "friend@example.org", "com.apple.FaceTime", 1, 1, 16, null, "U4");
  });
  const out = await collectModule(calls, backup([{ domain: "HomeDomain", relativePath: "Library/CallHistoryDB/CallHistory.storedata", data: db }]), matcherFromValues({ email: ["bogaardlisa803@gmail.com"] }));
  assertMvtFields("calls", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 4);
  assert.deepEqual(r.map((x) => x.service), ["Phone", "FaceTime", "WhatsApp", "FaceTime"]);
  assert.deepEqual(r.map((x) => x.direction), ["outgoing", "incoming", "incoming", "outgoing"]);
  assert.equal(r[0].isodate, "2022-03-01T08:00:00.000Z");
  assert.equal(r[0].duration, 62.5);
  assert.equal(r[1].number, "bogaardlisa803@gmail.com", "BLOB address decoded");
  assert.equal(r[1].answered, false);
  assert.equal(out.events.length, 4);
  assert.match(out.events[0].description, /Phone call outgoing to \+41791234567/);
  assert.equal(out.detections.length, 1, "only the listed account; friend@example.org must not flag");
  assert.equal(out.detections[0].grade, "medium");
  assert.equal(out.detections[0].timestamp, "2022-03-02T08:00:00.000Z");
});

test("calls: older schema without ZORIGINATED/ZCALLTYPE still reads; wrong schema fails", async () => {
  const old = sqliteImage("CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR)", (db) => {
    db.prepare("INSERT INTO ZCALLRECORD (ZDATE, ZDURATION, ZADDRESS) VALUES (?, 3, '+1')").run(mac("2015-01-01T00:00:00Z"));
  });
  const ok = await collectModule(calls, backup([{ domain: "HomeDomain", relativePath: "Library/CallHistoryDB/CallHistory.storedata", data: old }]), matcherFromValues({}));
  assert.equal(ok.coverage.status, "checked");
  assert.equal((ok.records[0] as any).direction, null);
  assert.equal((ok.records[0] as any).service, "Phone");

  const bad = sqliteImage("CREATE TABLE ZCALL (Z_PK INTEGER PRIMARY KEY)");
  const out = await collectModule(calls, backup([{ domain: "HomeDomain", relativePath: "Library/CallHistoryDB/CallHistory.storedata", data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/CallHistoryDB/CallHistory.storedata: unexpected schema: no table ZCALLRECORD");
});

const AB_SCHEMA = `
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER, CompositeNameFallback TEXT, ExternalIdentifier TEXT, ExternalModificationTag TEXT, ExternalUUID TEXT, StoreID INTEGER, DisplayName TEXT, ExternalRepresentation BLOB, FirstSortSection TEXT, LastSortSection TEXT, FirstSortLanguageIndex INTEGER DEFAULT 2147483647, LastSortLanguageIndex INTEGER DEFAULT 2147483647, PersonLink INTEGER DEFAULT -1, ImageURI TEXT, IsPreferredName INTEGER DEFAULT 1, guid TEXT);
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT);
`;

test("contacts: one record per value, weak e-mail and URL indicators", async () => {
  const db = sqliteImage(AB_SCHEMA, (db) => {
    const p = db.prepare("INSERT INTO ABPerson (ROWID, First, Last, Organization, CreationDate, ModificationDate) VALUES (?,?,?,?,?,?)");
    p.run(1, "Lisa", "Bogaard", null, mac("2020-01-01T00:00:00Z"), mac("2020-02-01T00:00:00Z"));
    p.run(2, null, null, "ACME", null, null);
    p.run(3, "Nobody", null, null, null, null);
    const v = db.prepare("INSERT INTO ABMultiValue (record_id, property, identifier, label, value) VALUES (?,?,0,1,?)");
    v.run(1, 3, "+31 6 1234 5678");
    v.run(1, 4, "bogaardlisa803@gmail.com");
    v.run(2, 22, "https://www.acme.example/news");
    v.run(2, 4, "info@acme.example");
    v.run(3, 3, null);
  });
  const iocs = matcherFromValues({ email: ["bogaardlisa803@gmail.com"], domain: ["acme.example"] });
  const out = await collectModule(contacts, backup([{ domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb", data: db }]), iocs);
  assertMvtFields("contacts", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 4, "NULL values are skipped");
  assert.deepEqual(r.map((x) => x.kind), ["phone", "email", "url", "email"]);
  assert.equal(r[0].first, "Lisa");
  assert.equal(r[0].creation_date, "2020-01-01T00:00:00.000Z");
  assert.equal(out.events.length, 0);
  const d = out.detections;
  assert.equal(d.length, 2, "the e-mail of the listed account and the URL; info@acme.example is not an e-mail indicator");
  assert.ok(d.every((x) => x.grade === "weak"));
  assert.match(d.find((x) => x.matched_indicator!.type === "email")!.title, /Lisa Bogaard/);
});

test("contacts: wrong schema", async () => {
  const bad = sqliteImage("CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT)");
  const out = await collectModule(contacts, backup([{ domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb", data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/AddressBook/AddressBook.sqlitedb: unexpected schema: no table ABMultiValue");
});

test("calls: a provider naming an Object property is the service as written", async () => {
  // APPS["constructor"] gave Object's constructor: a function as the service.
  const db = sqliteImage(CALLS_SCHEMA, (db) => {
    const i = db.prepare("INSERT INTO ZCALLRECORD (ZDATE, ZDURATION, ZADDRESS, ZSERVICE_PROVIDER) VALUES (?, 1, '+1', ?)");
    for (const p of ["constructor", "__proto__", "toString"]) i.run(mac("2022-03-01T08:00:00Z"), p);
  });
  const out = await collectModule(calls, backup([{ domain: "HomeDomain", relativePath: "Library/CallHistoryDB/CallHistory.storedata", data: db }]), matcherFromValues({}));
  assert.deepEqual(out.records.map((r) => (r as { service: unknown }).service), ["constructor", "__proto__", "toString"]);
  assert.match(out.events[0].description, /^constructor call from \+1, 1 s$/);
});
