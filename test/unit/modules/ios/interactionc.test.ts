import { test } from "node:test";
import assert from "node:assert/strict";
import interactionc from "../../../../src/modules/ios/interactionc.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const REL = "Library/CoreDuet/People/interactionC.db";
// iOS 15-17 shape: Core Data entity numbers in the join tables (Z_1…, Z_2…, Z_3…).
const SCHEMA = `
CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZDIRECTION INTEGER, ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZRECIPIENTCOUNT INTEGER, ZSENDER INTEGER, ZCREATIONDATE TIMESTAMP, ZENDDATE TIMESTAMP, ZSTARTDATE TIMESTAMP, ZUPDATEDATE TIMESTAMP, ZACCOUNT VARCHAR, ZBUNDLEID VARCHAR, ZCONTENTURL VARCHAR, ZDERIVEDINTENTIDENTIFIER VARCHAR, ZDOMAINIDENTIFIER VARCHAR, ZGROUPNAME VARCHAR, ZLOCATIONUUID VARCHAR, ZTARGETBUNDLEID VARCHAR, ZUUID VARCHAR);
CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCOMINGRECIPIENTCOUNT INTEGER, ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER, ZTYPE INTEGER, ZCREATIONDATE TIMESTAMP, ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP, ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP, ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP, ZCUSTOMIDENTIFIER VARCHAR, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR, ZPERSONID VARCHAR, ZPERSONIDTYPE INTEGER);
CREATE TABLE ZATTACHMENT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSIZEINBYTES INTEGER, ZCREATIONDATE TIMESTAMP, ZCLOUDIDENTIFIER VARCHAR, ZCONTENTTEXT VARCHAR, ZCONTENTURL VARCHAR, ZPHOTOLOCALIDENTIFIER VARCHAR, ZUTI VARCHAR, ZIDENTIFIER BLOB);
CREATE TABLE Z_1INTERACTIONS (Z_1ATTACHMENTS INTEGER, Z_3INTERACTIONS INTEGER, PRIMARY KEY (Z_1ATTACHMENTS, Z_3INTERACTIONS));
CREATE TABLE Z_2INTERACTIONRECIPIENT (Z_2RECIPIENTS INTEGER, Z_3INTERACTIONRECIPIENT INTEGER, PRIMARY KEY (Z_2RECIPIENTS, Z_3INTERACTIONRECIPIENT));
`;

function db(): Buffer {
  return sqliteImage(SCHEMA, (db) => {
    const c = db.prepare("INSERT INTO ZCONTACTS (Z_PK, ZDISPLAYNAME, ZIDENTIFIER, ZCUSTOMIDENTIFIER, ZFIRSTINCOMINGSENDERDATE) VALUES (?,?,?,?,?)");
    c.run(1, null, "100000000000001@lid", "100000000000001@lid", null);
    c.run(2, null, "+14155550100", null, null);
    c.run(3, "Bob Example", "+14155550101", null, mac("2025-09-03T13:46:40Z"));
    c.run(4, "Operator", "bogaardlisa803@gmail.com", null, null);
    const i = db.prepare("INSERT INTO ZINTERACTIONS (Z_PK, ZSENDER, ZSTARTDATE, ZENDDATE, ZCREATIONDATE, ZBUNDLEID, ZDIRECTION, ZRECIPIENTCOUNT, ZDOMAINIDENTIFIER, ZCONTENTURL, ZISRESPONSE) VALUES (?,?,?,?,?,?,?,1,?,?,0)");
    i.run(1, 1, 779000000, 779000000, 779000000, "net.whatsapp.WhatsApp", 0, null, null);
    i.run(2, null, 779100000, 779100000, 779100000, "net.whatsapp.WhatsApp", 1, "100000000000001@lid", null);
    i.run(3, 3, 779200000, 779200000, 786976000, "com.apple.MobileSMS", 0, null, null);
    i.run(4, 4, 779300000, 779300000, 779300000, "com.apple.MobileSMS", 0, null, "https://x.evil-ic.example/p");
    db.prepare("INSERT INTO Z_2INTERACTIONRECIPIENT VALUES (2, 2)").run();
    db.prepare("INSERT INTO ZATTACHMENT (Z_PK, ZUTI, ZCONTENTURL, ZSIZEINBYTES, ZIDENTIFIER) VALUES (1, 'public.jpeg', 'file:///var/mobile/x.jpg', 10, x'0A0B')").run();
    db.prepare("INSERT INTO Z_1INTERACTIONS VALUES (1, 3)").run();
  });
}

test("interactionc: joins senders, recipients and attachments; events; e-mail and URL indicators", async () => {
  const iocs = matcherFromValues({ email: ["bogaardlisa803@gmail.com"], domain: ["evil-ic.example"] });
  const out = await collectModule(interactionc, backup([{ domain: "HomeDomain", relativePath: REL, data: db() }]), iocs);
  assertMvtFields("interactionc", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 4);
  assert.equal(r[0].sender_identifier, "100000000000001@lid");
  assert.equal(r[0].direction, "INCOMING");
  assert.equal(r[1].direction, "OUTGOING");
  assert.equal(r[1].recipient_identifier, "+14155550100");
  assert.equal(r[2].sender_display_name, "Bob Example");
  assert.equal(r[2].uti, "public.jpeg");
  assert.equal(r[2].attachment_id, "0A0B");
  assert.equal(r[2].first_incoming_sender_date, "2025-09-03T13:46:40.000Z");
  assert.equal(r[0].start_date, "2025-09-08T04:53:20.000Z");

  const ev = out.events.map((e) => `${e.event}|${e.timestamp}|${e.description}`);
  assert.ok(ev.includes("interaction|2025-09-08T04:53:20.000Z|[net.whatsapp.WhatsApp] INCOMING from 100000000000001@lid to local user"));
  assert.ok(ev.includes("interaction|2025-09-09T08:40:00.000Z|[net.whatsapp.WhatsApp] OUTGOING from local user to +14155550100"));
  const created = out.events.filter((e) => e.event === "interactions_creation_date");
  assert.equal(created.length, 1);
  assert.equal(created[0].timestamp, "2025-12-09T12:26:40.000Z");
  assert.match(created[0].description, /^Interaction record created 90 days after the event: \[com\.apple\.MobileSMS\] INCOMING from Bob Example \(\+14155550101\)/);

  const d = out.detections;
  assert.deepEqual(d.map((x) => [x.matched_indicator!.type, x.grade, (x.record as any).table_id]), [
    ["email", "medium", 4],
    ["domain", "medium", 4],
  ]);
});

test("interactionc: oldest schema without contacts tables; wrong schema", async () => {
  const old = sqliteImage("CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSTARTDATE TIMESTAMP, ZBUNDLEID VARCHAR, ZDIRECTION INTEGER)", (db) => {
    db.prepare("INSERT INTO ZINTERACTIONS VALUES (1, 600000000, 'com.apple.mobilephone', 2)").run();
  });
  const ok = await collectModule(interactionc, backup([{ domain: "HomeDomain", relativePath: REL, data: old }]), matcherFromValues({}));
  assert.equal(ok.coverage.status, "checked", ok.coverage.reason);
  assert.equal((ok.records[0] as any).direction, "2");
  assert.equal((ok.records[0] as any).sender_identifier, null);

  const bad = sqliteImage("CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY)");
  const out = await collectModule(interactionc, backup([{ domain: "HomeDomain", relativePath: REL, data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `HomeDomain/${REL}: unexpected schema: no table ZINTERACTIONS`);
});

const WA = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
const CONTACTS_V2 = `CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFULLNAME BLOB, ZPHONENUMBER BLOB, ZWHATSAPPID BLOB, ZLID BLOB)`;

test("interactionc: WhatsApp LIDs and numbers resolved through WhatsApp's contact list when the backup has it", async () => {
  const contactsV2 = sqliteImage(CONTACTS_V2, (db) => {
    const i = db.prepare("INSERT INTO ZWAADDRESSBOOKCONTACT (ZFULLNAME, ZPHONENUMBER, ZWHATSAPPID, ZLID) VALUES (?,?,?,?)");
    i.run(Buffer.from("Alice Example"), Buffer.from("+14155550100"), Buffer.from("14155550100@s.whatsapp.net"), Buffer.from("100000000000001@lid"));
    i.run(Buffer.from("Bob Example"), Buffer.from("+14155550101"), Buffer.from("14155550101@s.whatsapp.net"), null);
  });
  const view = backup([
    { domain: "HomeDomain", relativePath: REL, data: db() },
    { domain: WA, relativePath: "ContactsV2.sqlite", data: contactsV2 },
  ]);
  const out = await collectModule(interactionc, view, matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r[0].sender_resolved_phone_number, "+14155550100");
  assert.equal(r[0].sender_resolved_name, "Alice Example");
  assert.equal(r[1].recipient_resolved_name, "Alice Example");
  assert.equal(r[1].domain_resolved_phone_number, "+14155550100");
  assert.equal(r[1].domain_resolved_name, "Alice Example");
  assert.equal(r[2].sender_resolved_name, null, "SMS interactions are not WhatsApp ids");
  const ev = out.events.map((e) => e.description);
  assert.ok(ev.includes("[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) to local user"));
  assert.ok(ev.includes("[net.whatsapp.WhatsApp] OUTGOING from local user to Alice Example (+14155550100)"));
  assert.ok(view.inputsRead().some((i) => i.path === `${WA}/ContactsV2.sqlite`), "the contact list is part of the provenance");

  const broken = await collectModule(
    interactionc,
    backup([
      { domain: "HomeDomain", relativePath: REL, data: db() },
      { domain: WA, relativePath: "ContactsV2.sqlite", data: "not a database" },
    ]),
    matcherFromValues({}),
  );
  assert.equal(broken.coverage.status, "checked");
  assert.equal((broken.records[0] as any).sender_resolved_phone_number, null);
  assert.equal(broken.warnings.length, 1);
  assert.match(broken.warnings[0], /ContactsV2\.sqlite/);
});
