// The communication modules against MVT's test backup: record counts and values compared with
// independent SQL over the same payload files; modules whose artifact the backup lacks must
// say "absent", and a database without the tables a module needs must say "failed".
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { HAVE_CORPUS, MVT_BACKUP, mvtBackupPayload, mvtBackupSql } from "../helpers/corpus.ts";
import { openSqliteFile } from "../../src/formats/sqlite.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import type { ModuleDef } from "../../src/modules/contract.ts";
import sms from "../../src/modules/ios/sms.ts";
import smsAttachments from "../../src/modules/ios/sms-attachments.ts";
import calls from "../../src/modules/ios/calls.ts";
import contacts from "../../src/modules/ios/contacts.ts";
import calendar from "../../src/modules/ios/calendar.ts";
import whatsapp from "../../src/modules/ios/whatsapp.ts";
import whatsappChatSessions from "../../src/modules/ios/whatsapp-chat-sessions.ts";
import whatsappLid from "../../src/modules/ios/whatsapp-lid.ts";
import whatsappContacts from "../../src/modules/ios/whatsapp-contacts.ts";
import whatsappCalls from "../../src/modules/ios/whatsapp-calls.ts";
import whatsappGroups from "../../src/modules/ios/whatsapp-groups.ts";
import whatsappMedia from "../../src/modules/ios/whatsapp-media.ts";
import shortcuts from "../../src/modules/ios/shortcuts.ts";
import idstatuscache from "../../src/modules/ios/idstatuscache.ts";
import interactionc from "../../src/modules/ios/interactionc.ts";

const BACKUP = MVT_BACKUP;
const payload = mvtBackupPayload;
const SMS_DB = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
const CALENDAR_DB = "2041457d5fe04d39d0ab481178355df6781e6858";
const INTERACTIONC_DB = "1f5a521220a3ad80ebfdc196978df8e7a2e49dee";
const CHAT_DB = "7c7fba66680ef796b916b067077cc246adacf01d";
const WA_CONTACTS_DB = "b8548dc30aa1030df0ce18ef08b882cf7ab5212f";
const mac = (s: number) => new Date(Date.UTC(2001, 0, 1) + s * 1000).toISOString();

const sql = mvtBackupSql;

test("ios communication modules on MVT's test backup", { skip: !HAVE_CORPUS }, async (t) => {
  const view = await openIosBackup(BACKUP);
  const iocs = matcherFromValues({ domain: ["badbadbad.example.org"], email: ["user@example.org"] }, "Conformance");
  try {
    await t.test("sms: every message, its link, and the link checked", async () => {
      const want = sql<{ guid: string; text: string; date: number; phone: string }>(
        SMS_DB,
        "SELECT m.guid, m.text, m.date, h.id AS phone FROM message m LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.ROWID",
      );
      const out = await collectModule(sms, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      assert.equal(out.coverage.records, want.length);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => [r.guid, r.text, r.phone_number]), want.map((w) => [w.guid, w.text ?? "", w.phone]));
      assert.deepEqual(recs.map((r) => r.isodate), want.map((w) => mac(w.date / 1e9)));
      const linked = want.filter((w) => /https?:\/\/badbadbad\.example\.org/.test(w.text ?? ""));
      assert.ok(linked.length > 0);
      assert.deepEqual(recs[0].links, ["https://badbadbad.example.org/"]);
      assert.equal(out.detections.length, linked.length);
      assert.equal(out.detections[0].grade, "medium");
      assert.equal(out.detections[0].artifact, "HomeDomain/Library/SMS/sms.db");
    });

    await t.test("sms_attachments: this sms.db has no attachment table, so the module fails and says why", async () => {
      const tables = sql<{ name: string }>(SMS_DB, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name);
      assert.ok(!tables.includes("attachment"));
      const out = await collectModule(smsAttachments, view, iocs);
      assert.equal(out.coverage.status, "failed");
      assert.equal(out.coverage.reason, "HomeDomain/Library/SMS/sms.db: unexpected schema: no table attachment");
    });

    await t.test("calendar: every item with its organizer; organizer e-mail checked", async () => {
      const want = sql<{ id: number; summary: string; email: string | null; start: number }>(
        CALENDAR_DB,
        "SELECT c.ROWID AS id, c.summary, p.email, c.start_date AS start FROM CalendarItem c LEFT JOIN Participant p ON p.ROWID = c.organizer_id ORDER BY c.ROWID",
      );
      const out = await collectModule(calendar, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => [r.id, r.summary, r.participant_email, r.start_date]), want.map((w) => [w.id, w.summary, w.email, mac(w.start)]));
      assert.equal(out.detections.filter((d) => d.kind === "indicator").length, want.filter((w) => w.email === "user@example.org").length);
      assert.equal(out.detections.filter((d) => d.rule?.id === "quadream-calendar-invite").length, 0, "'Super interesting meeting' is not the QuaDream shape");
    });

    await t.test("interactionc: one record per interaction row of the joined tables", async () => {
      const want = sql<{ n: number }>(
        INTERACTIONC_DB,
        `SELECT count(*) AS n FROM ZINTERACTIONS i LEFT JOIN Z_1INTERACTIONS ja ON ja.Z_3INTERACTIONS = i.Z_PK
          LEFT JOIN Z_2INTERACTIONRECIPIENT jr ON jr.Z_3INTERACTIONRECIPIENT = i.Z_PK`,
      )[0].n;
      const out = await collectModule(interactionc, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      assert.equal(out.coverage.records, want);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => r.bundle_id), sql<{ b: string }>(INTERACTIONC_DB, "SELECT ZBUNDLEID AS b FROM ZINTERACTIONS ORDER BY Z_PK").map((r) => r.b));
      const out2 = recs.find((r) => r.direction === "OUTGOING");
      assert.equal(out2.recipient_identifier, "+14155550100");
      // The LID of the incoming WhatsApp interaction is resolved through ContactsV2.sqlite.
      const pair = sql<{ lid: Buffer; phone: Buffer; name: Buffer }>(WA_CONTACTS_DB, "SELECT ZLID AS lid, ZPHONENUMBER AS phone, ZFULLNAME AS name FROM ZWAADDRESSBOOKCONTACT WHERE ZLID IS NOT NULL")[0];
      const incoming = recs.find((r) => r.sender_identifier === Buffer.from(pair.lid).toString());
      assert.equal(incoming.sender_resolved_phone_number, Buffer.from(pair.phone).toString());
      assert.equal(incoming.sender_resolved_name, Buffer.from(pair.name).toString());
      assert.ok(out.events.some((e) => e.description === `[net.whatsapp.WhatsApp] INCOMING from ${Buffer.from(pair.name).toString()} (${Buffer.from(pair.phone).toString()}) to local user`));
    });

    await t.test("whatsapp: every message; links outside WhatsApp's CDN", async () => {
      const want = sql<{ pk: number; text: string | null }>(CHAT_DB, "SELECT Z_PK AS pk, ZTEXT AS text FROM ZWAMESSAGE ORDER BY Z_PK");
      const out = await collectModule(whatsapp, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => [r.Z_PK, r.ZTEXT]), want.map((w) => [w.pk, w.text ?? ""]));
      assert.deepEqual(recs.flatMap((r) => r.links), ["https://example.org/news"]);
      assert.equal(out.detections.length, 0);
    });

    await t.test("whatsapp_chat_sessions: one record per chat with stored-message counts", async () => {
      const want = sql<{ pk: number; n: number; first: number | null }>(
        CHAT_DB,
        "SELECT s.Z_PK AS pk, COUNT(m.Z_PK) AS n, MIN(m.ZMESSAGEDATE) AS first FROM ZWACHATSESSION s LEFT JOIN ZWAMESSAGE m ON m.ZCHATSESSION = s.Z_PK GROUP BY s.Z_PK",
      );
      const out = await collectModule(whatsappChatSessions, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => [r.session_pk, r.stored_message_count, r.first_stored_message_date]), want.map((w) => [w.pk, w.n, w.first === null ? null : mac(w.first)]));
      const alice = recs.find((r) => r.contact_jid === "100000000000001@lid");
      assert.equal(alice.partner_resolved_phone_number, "+14155550100", "resolved through ContactsV2.sqlite");
      const group = recs.find((r) => r.partner_name === "Example Group");
      assert.equal(group.group_creation_date, "2025-08-21T20:13:20.000Z");
    });

    await t.test("whatsapp_lid: neither LID.sqlite nor the pair table here: checked with a warning", async () => {
      const out = await collectModule(whatsappLid, view, iocs);
      assert.equal(out.coverage.status, "checked");
      assert.equal(out.coverage.records, 0);
      assert.equal(out.warnings.length, 1);
    });

    await t.test("whatsapp_contacts: every contact, BLOB strings decoded", async () => {
      const want = sql<{ pk: number; name: Buffer }>(WA_CONTACTS_DB, "SELECT Z_PK AS pk, ZFULLNAME AS name FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK");
      const out = await collectModule(whatsappContacts, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const recs = out.records as any[];
      assert.deepEqual(recs.map((r) => [r.row_pk, r.full_name]), want.map((w) => [w.pk, Buffer.from(w.name).toString("utf8")]));
      assert.equal(recs[0].disappearing_mode_label, "24 hours");
    });

    await t.test("whatsapp_calls: WhatsApp's CallHistory.sqlite listed in Manifest.db, payload missing: failed, never clean", async () => {
      const out = await collectModule(whatsappCalls, view, iocs);
      assert.equal(out.coverage.status, "failed");
      assert.match(out.coverage.reason!, /^AppDomainGroup-group\.net\.whatsapp\.WhatsApp\.shared\/CallHistory\.sqlite: listed in Manifest\.db but its payload .* is missing/);
    });

    await t.test("whatsapp_groups and whatsapp_media: this ChatStorage has no group event and no media item", async () => {
      const [{ events }] = sql<{ events: number }>(CHAT_DB, "SELECT COUNT(*) AS events FROM ZWAMESSAGE WHERE ZMESSAGETYPE = 6");
      const [{ media }] = sql<{ media: number }>(CHAT_DB, "SELECT COUNT(*) AS media FROM ZWAMEDIAITEM");
      const g = await collectModule(whatsappGroups, view, iocs);
      assert.equal(g.coverage.status, "checked", g.coverage.reason);
      assert.equal(g.coverage.records, events);
      const m = await collectModule(whatsappMedia, view, iocs);
      assert.equal(m.coverage.status, "checked", m.coverage.reason);
      assert.equal(m.coverage.records, media);
      // The address book is listed without its payload: a warning, and contacts unknown rather than "not a contact".
      assert.ok(g.warnings.some((w) => /AddressBook\.sqlitedb unreadable/.test(w)), g.warnings.join("; "));
    });

    await t.test("calls, contacts, shortcuts and idstatuscache: listed in Manifest.db, payload missing: failed, never clean", async () => {
      const wanted: [ModuleDef<any>, string][] = [
        [calls, "Library/CallHistoryDB/CallHistory.storedata"],
        [contacts, "Library/AddressBook/AddressBook.sqlitedb"],
        [shortcuts, "Library/Shortcuts/Shortcuts.sqlite"],
        [idstatuscache, "Library/Preferences/com.apple.identityservices.idstatuscache.plist"],
      ];
      const manifest = openSqliteFile(join(BACKUP, "Manifest.db"), "Manifest.db");
      try {
        for (const [m, rel] of wanted) {
          const row = manifest.db.prepare("SELECT fileID FROM Files WHERE domain = 'HomeDomain' AND relativePath = ?").get(rel) as { fileID: string } | undefined;
          const out = await collectModule(m, view, iocs);
          if (row && !existsSync(payload(row.fileID))) {
            assert.equal(out.coverage.status, "failed", m.name);
            assert.equal(out.coverage.reason!.split("\n").length, 1);
            assert.ok(out.coverage.reason!.startsWith(`HomeDomain/${rel}: `), out.coverage.reason);
            assert.match(out.coverage.reason!, /missing/);
          } else if (!row) {
            assert.equal(out.coverage.status, "absent", m.name);
          } else {
            assert.equal(out.coverage.status, "checked", m.name);
          }
        }
      } finally {
        manifest.close();
      }
    });
  } finally {
    await view.close();
  }
});
