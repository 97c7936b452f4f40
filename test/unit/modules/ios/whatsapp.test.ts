import { test } from "node:test";
import assert from "node:assert/strict";
import whatsapp from "../../../../src/modules/ios/whatsapp.ts";
import sessions from "../../../../src/modules/ios/whatsapp-chat-sessions.ts";
import lid from "../../../../src/modules/ios/whatsapp-lid.ts";
import contacts from "../../../../src/modules/ios/whatsapp-contacts.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, fsDump, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

// The columns WhatsApp 2.23-2.25 create that the modules read, and a few others around them.
const CHAT_SCHEMA = `
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR);
CREATE INDEX ZWAMESSAGE_ZCHATSESSION_INDEX ON ZWAMESSAGE (ZCHATSESSION);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFILESIZE INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB);
CREATE INDEX ZWAMEDIAITEM_ZMESSAGE_INDEX ON ZWAMEDIAITEM (ZMESSAGE);
CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINDEX INTEGER, ZMESSAGE INTEGER, ZDATE TIMESTAMP, ZCONTENT1 VARCHAR, ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSENDERJID VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR, ZTYPE VARCHAR);
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR);
CREATE TABLE ZWAGROUPINFO (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHATSESSION INTEGER, ZCREATIONDATE TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR, ZSUBJECTOWNERJID VARCHAR);
`;
const LID_TABLE = "CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTIMESTAMP TIMESTAMP, ZLID VARCHAR, ZPHONENUMBER VARCHAR);";

function chatDb(withLidTable: boolean): Buffer {
  return sqliteImage(CHAT_SCHEMA + (withLidTable ? LID_TABLE : ""), (db) => {
    const s = db.prepare("INSERT INTO ZWACHATSESSION (Z_PK, ZCONTACTJID, ZPARTNERNAME, ZSESSIONTYPE, ZARCHIVED, ZREMOVED, ZHIDDEN, ZMESSAGECOUNTER, ZLASTMESSAGEDATE, ZGROUPINFO) VALUES (?,?,?,?,0,0,0,?,?,?)");
    s.run(1, "100000000000001@lid", "Alice Example", 0, 3, mac("2025-08-28T18:53:20Z"), null);
    s.run(2, "120000000000000001@g.us", "Example Group", 1, 2, mac("2025-08-31T02:26:40Z"), 1);
    s.run(3, "14155550199@s.whatsapp.net", "Nobody", 0, 0, null, null);
    db.prepare("INSERT INTO ZWAGROUPINFO (Z_PK, ZCHATSESSION, ZCREATIONDATE) VALUES (1, 2, ?)").run(mac("2025-08-21T20:13:20Z"));
    const m = db.prepare("INSERT INTO ZWAMESSAGE (Z_PK, ZCHATSESSION, ZFROMJID, ZTOJID, ZTEXT, ZMESSAGEDATE, ZMESSAGETYPE, ZISFROMME, ZSTANZAID) VALUES (?,?,?,?,?,?,?,?,?)");
    m.run(1, 1, "100000000000001@lid", null, "Hi, read this: https://news.evil-wa.example/a?b=c", mac("2025-08-27T15:06:40Z"), 0, 0, "S1");
    m.run(2, 1, null, "100000000000001@lid", "Check https://example.org/news", mac("2025-08-28T10:00:00Z"), 0, 1, "S2");
    m.run(3, 1, "100000000000001@lid", null, null, mac("2025-08-28T11:00:00Z"), 1, 0, "S3");
    m.run(4, 2, "14155550101@s.whatsapp.net", null, "mentioning mention-only.example without a link", mac("2025-08-29T22:40:00Z"), 0, 0, "S4");
    m.run(5, 2, "14155550101@s.whatsapp.net", null, "https://youtu.be/xyz", mac("2025-08-29T22:40:00Z"), 0, 0, "S5");
    db.prepare("INSERT INTO ZWAMEDIAITEM (ZMESSAGE, ZMEDIAURL, ZMEDIALOCALPATH) VALUES (3, 'https://mmg.whatsapp.net/v/t62.7118-24/123.enc?ccb=11', 'Media/1/a.jpg')").run();
    db.prepare("INSERT INTO ZWAMESSAGEDATAITEM (ZMESSAGE, ZCONTENT1, ZMATCHEDTEXT, ZTITLE) VALUES (5, 'https://redirect.evil-wa.example/p', 'https://youtu.be/xyz', 'Video')").run();
    if (withLidTable) db.prepare("INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER, ZTIMESTAMP) VALUES ('100000000000001', '14155550100', ?)").run(mac("2025-08-25T07:33:20Z"));
  });
}

test("whatsapp: messages, links from text, previews and media, CDN links skipped, graded detections", async () => {
  const iocs = matcherFromValues({ domain: ["evil-wa.example", "mention-only.example", "whatsapp.net"] });
  const out = await collectModule(whatsapp, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(false) }]), iocs);
  assertMvtFields("whatsapp", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 5);
  assert.deepEqual(r[0].links, ["https://news.evil-wa.example/a?b=c"]);
  assert.equal(r[0].isodate, "2025-08-27T15:06:40.000Z");
  assert.equal(r[0].direction, "received");
  assert.equal(r[1].direction, "sent");
  assert.equal(r[2].ZTEXT, "");
  assert.equal(r[2].ZMEDIAURL, "https://mmg.whatsapp.net/v/t62.7118-24/123.enc?ccb=11");
  assert.deepEqual(r[2].links, [], "WhatsApp's media CDN is not a link to check");
  assert.deepEqual(r[4].links, ["https://youtu.be/xyz", "https://redirect.evil-wa.example/p"]);
  assert.equal(out.events.length, 5);
  assert.equal(out.events[1].event, "whatsapp_sent");

  const d = out.detections;
  assert.deepEqual(
    d.map((x) => [(x.record as any).ZSTANZAID, x.matched_indicator!.value, x.grade]),
    [
      ["S1", "evil-wa.example", "medium"],
      ["S4", "mention-only.example", "weak"],
      ["S5", "evil-wa.example", "medium"],
    ],
  );
});

test("whatsapp_chat_sessions: first/last dates, group creation, LID resolved from the same database", async () => {
  const out = await collectModule(sessions, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(true) }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 3);
  const alice = r.find((x) => x.partner_name === "Alice Example");
  assert.equal(alice.partner_resolved_phone_number, "+14155550100");
  assert.equal(alice.first_stored_message_date, "2025-08-27T15:06:40.000Z");
  assert.equal(alice.last_message_date, "2025-08-28T18:53:20.000Z");
  assert.equal(alice.stored_message_count, 3);
  assert.equal(alice.group_creation_date, null);
  const group = r.find((x) => x.partner_name === "Example Group");
  assert.equal(group.group_creation_date, "2025-08-21T20:13:20.000Z");
  assert.equal(group.last_stored_message_date, "2025-08-29T22:40:00.000Z");
  const empty = r.find((x) => x.partner_name === "Nobody");
  assert.equal(empty.stored_message_count, 0);
  assert.equal(empty.first_stored_message_date, null);
  const ev = new Map(out.events.map((e) => [`${e.event} ${e.timestamp}`, e.description]));
  assert.equal(ev.get("chat_first_message 2025-08-27T15:06:40.000Z"), "First stored message in WhatsApp chat with 'Alice Example' (+14155550100)");
  assert.equal(ev.get("group_created 2025-08-21T20:13:20.000Z"), "WhatsApp group chat 'Example Group' (120000000000000001@g.us) was created");
  assert.equal(out.events.length, 5);
  assert.equal(out.detections.length, 0);

  const bad = sqliteImage("CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZMESSAGEDATE TIMESTAMP)");
  const failed = await collectModule(sessions, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: bad }]), matcherFromValues({}));
  assert.equal(failed.coverage.status, "failed");
  assert.equal(failed.coverage.reason, `${DOMAIN}/ChatStorage.sqlite: unexpected schema: no table ZWACHATSESSION`);
});

test("whatsapp_lid: pairs from LID.sqlite and from ChatStorage; warning when neither has the table", async () => {
  const lidDb = sqliteImage(LID_TABLE, (db) => {
    db.prepare("INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER, ZTIMESTAMP) VALUES ('100000000000002', '14155550102', ?)").run(mac("2025-08-26T00:00:00Z"));
  });
  const both = await collectModule(
    lid,
    backup([
      { domain: DOMAIN, relativePath: "LID.sqlite", data: lidDb },
      { domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(true) },
    ]),
    matcherFromValues({}),
  );
  assert.equal(both.coverage.status, "checked", both.coverage.reason);
  assert.deepEqual(
    (both.records as any[]).map((x) => [x.lid, x.phone_number, x.pair_timestamp, x.source]),
    [
      ["100000000000002", "14155550102", "2025-08-26T00:00:00.000Z", `${DOMAIN}/LID.sqlite`],
      ["100000000000001", "14155550100", "2025-08-25T07:33:20.000Z", `${DOMAIN}/ChatStorage.sqlite`],
    ],
  );
  assert.equal(both.events[0].description, "WhatsApp associated LID 100000000000002 with phone number 14155550102");

  const none = await collectModule(lid, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(false) }]), matcherFromValues({}));
  assert.equal(none.coverage.status, "checked");
  assert.equal(none.records.length, 0);
  assert.match(none.warnings[0], /LID\.sqlite/);

  const bad = await collectModule(lid, backup([{ domain: DOMAIN, relativePath: "LID.sqlite", data: sqliteImage("CREATE TABLE Z_METADATA (Z_VERSION INTEGER)") }]), matcherFromValues({}));
  assert.equal(bad.coverage.status, "failed");
  assert.equal(bad.coverage.reason, `${DOMAIN}/LID.sqlite: unexpected schema: no table ZWAPHONENUMBERLIDPAIR`);
});

const CONTACTS_SCHEMA = `CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFULLNAME BLOB, ZGIVENNAME BLOB, ZLASTNAME BLOB, ZUSERNAME BLOB, ZBUSINESSNAME BLOB, ZPHONENUMBER BLOB, ZLOCALIZEDPHONENUMBER BLOB, ZWHATSAPPID BLOB, ZLID BLOB, ZABOUTTEXT BLOB, ZABOUTEMOJI BLOB, ZNOTES BLOB, ZDISAPPEARINGMODEDURATION REAL, ZDISAPPEARINGMODETIMESTAMP REAL, ZABOUTTIMESTAMP REAL, ZABOUTEXPIRATIONTIMESTAMP REAL, ZLASTUPDATED REAL, ZPHONESTATUS INTEGER, ZSYNCPOLICY INTEGER)`;

test("whatsapp_contacts: BLOB strings, disappearing timer, about-text links; fs path; older schema", async () => {
  const db = sqliteImage(CONTACTS_SCHEMA, (db) => {
    const i = db.prepare("INSERT INTO ZWAADDRESSBOOKCONTACT (ZFULLNAME, ZPHONENUMBER, ZWHATSAPPID, ZLID, ZABOUTTEXT, ZDISAPPEARINGMODEDURATION, ZDISAPPEARINGMODETIMESTAMP, ZPHONESTATUS) VALUES (?,?,?,?,?,?,?,1)");
    i.run(Buffer.from("Alice Example"), Buffer.from("+14155550100"), Buffer.from("14155550100@s.whatsapp.net"), Buffer.from("100000000000001@lid"), Buffer.from("see https://promo.evil-wa.example"), 86400, mac("2025-07-20T00:00:00Z"));
    i.run(Buffer.from("Bob"), Buffer.from("+14155550101"), Buffer.from("14155550101@s.whatsapp.net"), null, null, 0, null);
  });
  const view = fsDump([{ path: "private/var/mobile/Containers/Shared/AppGroup/5A1B/ContactsV2.sqlite", data: db }]);
  const out = await collectModule(contacts, view, matcherFromValues({ domain: ["evil-wa.example"] }));
  assertMvtFields("whatsapp_contacts", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r[0].full_name, "Alice Example");
  assert.equal(r[0].lid, "100000000000001@lid");
  assert.equal(r[0].disappearing_mode_label, "24 hours");
  assert.equal(r[0].disappearing_mode_is_on, true);
  assert.equal(r[1].disappearing_mode_label, "off");
  assert.equal(out.events.length, 1);
  assert.equal(out.events[0].description, "WhatsApp disappearing messages timer set to '24 hours' for 14155550100@s.whatsapp.net (Alice Example)");
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].grade, "weak");

  const old = sqliteImage("CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR, ZPHONENUMBER VARCHAR, ZPHONENUMBERSTATUS INTEGER)", (db) => {
    db.prepare("INSERT INTO ZWAADDRESSBOOKCONTACT (ZFULLNAME, ZPHONENUMBER, ZPHONENUMBERSTATUS) VALUES ('Old', '+1', 2)").run();
  });
  const o = await collectModule(contacts, backup([{ domain: DOMAIN, relativePath: "ContactsV2.sqlite", data: old }]), matcherFromValues({}));
  assert.equal(o.coverage.status, "checked");
  assert.equal((o.records[0] as any).phone_status, 2);
  assert.equal((o.records[0] as any).disappearing_mode_is_on, null, "unknown, not off");
});

test("whatsapp_chat_sessions: LIDs resolved through LID.sqlite or the contact list when the chat database lacks the pairs", async () => {
  const lidDb = sqliteImage(LID_TABLE, (db) => {
    db.prepare("INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER, ZTIMESTAMP) VALUES ('100000000000001@lid', '14155550100@s.whatsapp.net', 0)").run();
  });
  const viaLid = await collectModule(
    sessions,
    backup([
      { domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(false) },
      { domain: DOMAIN, relativePath: "LID.sqlite", data: lidDb },
    ]),
    matcherFromValues({}),
  );
  assert.equal((viaLid.records as any[]).find((x) => x.session_pk === 1).partner_resolved_phone_number, "+14155550100");

  const contactsDb = sqliteImage(CONTACTS_SCHEMA, (db) => {
    db.prepare("INSERT INTO ZWAADDRESSBOOKCONTACT (ZFULLNAME, ZPHONENUMBER, ZLID) VALUES (?,?,?)").run(Buffer.from("Alice"), Buffer.from("+1 415 555 0100"), Buffer.from("100000000000001@lid"));
  });
  const viaContacts = await collectModule(
    sessions,
    backup([
      { domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(false) },
      { domain: DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsDb },
    ]),
    matcherFromValues({}),
  );
  assert.equal((viaContacts.records as any[]).find((x) => x.session_pk === 1).partner_resolved_phone_number, "+14155550100");

  const none = await collectModule(sessions, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: chatDb(false) }]), matcherFromValues({}));
  assert.equal((none.records as any[]).find((x) => x.session_pk === 1).partner_resolved_phone_number, null);
});

test("whatsapp and whatsapp_contacts: wrong schema and corrupt file fail with one line naming the file", async () => {
  const noText = sqliteImage("CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZMESSAGEDATE TIMESTAMP)");
  const a = await collectModule(whatsapp, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: noText }]), matcherFromValues({}));
  assert.equal(a.coverage.status, "failed");
  assert.equal(a.coverage.reason, `${DOMAIN}/ChatStorage.sqlite: unexpected schema: table ZWAMESSAGE lacks ZTEXT`);

  const other = sqliteImage("CREATE TABLE ZWACONTACT (Z_PK INTEGER PRIMARY KEY)");
  const b = await collectModule(contacts, backup([{ domain: DOMAIN, relativePath: "ContactsV2.sqlite", data: other }]), matcherFromValues({}));
  assert.equal(b.coverage.status, "failed");
  assert.equal(b.coverage.reason, `${DOMAIN}/ContactsV2.sqlite: unexpected schema: no table ZWAADDRESSBOOKCONTACT`);

  const junk = Buffer.alloc(4096, 7);
  const c = await collectModule(whatsapp, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: junk }]), matcherFromValues({}));
  assert.equal(c.coverage.status, "failed");
  assert.match(c.coverage.reason!, new RegExp(`^${DOMAIN.replace(/\./g, "\\.")}/ChatStorage\\.sqlite: not an SQLite database`));
});

test("whatsapp: a text and a link preview with tens of thousands of distinct links each are read in linear time", async () => {
  // The preview's links were each looked for in (and copied onto) the message's list: quadratic.
  const links = (host: string) => Array.from({ length: 40_000 }, (_, i) => `http://${host}${i.toString(36)}`);
  const text = links("a");
  const preview = [...links("b"), text[0]];
  const db = sqliteImage(CHAT_SCHEMA, (d) => {
    d.prepare("INSERT INTO ZWAMESSAGE (Z_PK, ZTEXT, ZMESSAGEDATE, ZISFROMME) VALUES (1, ?, ?, 0)").run(text.join(" "), mac("2025-08-27T15:06:40Z"));
    d.prepare("INSERT INTO ZWAMESSAGEDATAITEM (ZMESSAGE, ZMATCHEDTEXT) VALUES (1, ?)").run(preview.join(" "));
  });
  const out = await withinCpu(5, "the message", () => collectModule(whatsapp, backup([{ domain: DOMAIN, relativePath: "ChatStorage.sqlite", data: db }]), matcherFromValues({ domain: ["evil-wa.example"] })));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.deepEqual((out.records[0] as { links: string[] }).links, [...text, ...links("b")]);
});
