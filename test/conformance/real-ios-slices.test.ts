// The messaging modules on real databases written by iOS 15 and WhatsApp (the public iOS 15
// reference image slices of the corpus, laid out as a filesystem dump): WhatsApp's chats, call
// log (ZWACDCALLEVENT, ZWAAGGREGATECALLEVENT) and contact list, and the address book. Expected
// counts and values come from SQL run with better-sqlite3 directly on private copies of the
// databases (with their WAL), not through Vigil's reader; the evidence is hashed before and after.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { treeDigest } from "../helpers/evidence.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { openIosFs } from "../../src/acquisitions/ios-fs.ts";
import whatsapp from "../../src/modules/ios/whatsapp.ts";
import whatsappChatSessions from "../../src/modules/ios/whatsapp-chat-sessions.ts";
import whatsappContacts from "../../src/modules/ios/whatsapp-contacts.ts";
import whatsappCalls from "../../src/modules/ios/whatsapp-calls.ts";
import whatsappGroups from "../../src/modules/ios/whatsapp-groups.ts";
import whatsappMedia from "../../src/modules/ios/whatsapp-media.ts";
import contacts from "../../src/modules/ios/contacts.ts";

const ROOT = HAVE_CORPUS ? corpus("real-ios-slices", "josh_ios15_ffs") : "";
const MOBILE = join(ROOT, "private", "var", "mobile");
const skip = !HAVE_CORPUS || !existsSync(ROOT);
const mac = (s: number) => new Date(Date.UTC(2001, 0, 1) + s * 1000).toISOString();

function whatsappDir(): string {
  const base = join(MOBILE, "Containers", "Shared", "AppGroup");
  const dir = readdirSync(base).find((d) => existsSync(join(base, d, "ChatStorage.sqlite")));
  assert.ok(dir, "the WhatsApp container is in the slice");
  return join(base, dir);
}

/** Rows of a query over a private copy of a database and its -wal/-shm. */
function sql<T>(file: string, query: string): T[] {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-conf-"));
  try {
    const copy = join(tmp, "db.sqlite");
    for (const ext of ["", "-wal", "-shm"]) if (existsSync(file + ext)) copyFileSync(file + ext, copy + ext);
    const db = new Database(copy);
    try {
      return db.prepare(query).all() as T[];
    } finally {
      db.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test("real iOS 15 slices: WhatsApp chats, calls, groups, media and contacts, and the address book", { skip, timeout: 120_000 }, async (t) => {
  const before = treeDigest(ROOT);
  const wa = whatsappDir();
  const CHAT = join(wa, "ChatStorage.sqlite");
  const CALLS = join(wa, "CallHistory.sqlite");
  const WA_CONTACTS = join(wa, "ContactsV2.sqlite");
  const AB = join(MOBILE, "Library", "AddressBook", "AddressBook.sqlitedb");
  const view = await openIosFs(ROOT, {});
  const iocs = matcherFromValues({});
  try {
    await t.test("whatsapp and whatsapp_chat_sessions: every message and chat", async () => {
      const [{ n }] = sql<{ n: number }>(CHAT, "SELECT COUNT(*) AS n FROM ZWAMESSAGE");
      const [{ s }] = sql<{ s: number }>(CHAT, "SELECT COUNT(*) AS s FROM ZWACHATSESSION");
      assert.equal(n, 32);
      assert.equal(s, 5);
      const m = await collectModule(whatsapp, view, iocs);
      assert.equal(m.coverage.status, "checked", m.coverage.reason);
      assert.equal(m.coverage.records, n);
      const c = await collectModule(whatsappChatSessions, view, iocs);
      assert.equal(c.coverage.records, s);
    });

    await t.test("whatsapp_calls: every call of ZWACDCALLEVENT with its ZWAAGGREGATECALLEVENT entry; callers are contacts", async () => {
      const want = sql<{ pk: number; date: number; incoming: number; missed: number; video: number; creator: string; duration: number }>(
        CALLS,
        `SELECT e.Z_PK AS pk, e.ZDATE AS date, a.ZINCOMING AS incoming, a.ZMISSED AS missed, a.ZVIDEO AS video, e.ZGROUPCALLCREATORUSERJIDSTRING AS creator, e.ZDURATION AS duration
         FROM ZWACDCALLEVENT e JOIN ZWAAGGREGATECALLEVENT a ON a.Z_PK = e.Z1CALLEVENTS ORDER BY e.ZDATE`,
      );
      const [{ agg }] = sql<{ agg: number }>(CALLS, "SELECT COUNT(*) AS agg FROM ZWAAGGREGATECALLEVENT");
      assert.equal(want.length, 4);
      assert.equal(agg, 4);
      const out = await collectModule(whatsappCalls, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      assert.equal(out.coverage.records, want.length);
      const r = out.records as any[];
      assert.deepEqual(
        r.map((x) => [x.call_pk, x.isodate, x.direction, x.missed, x.video, x.sender]),
        want.map((w) => [w.pk, mac(w.date), w.incoming ? "incoming" : "outgoing", w.missed === 1, w.video === 1, w.incoming ? w.creator : null]),
      );
      assert.deepEqual(r.map((x) => Math.round(x.duration)), want.map((w) => Math.round(w.duration)));
      // The caller's number, compared with the address book's numbers digit by digit.
      const abPhones = sql<{ v: string }>(AB, "SELECT value AS v FROM ABMultiValue WHERE property = 3 AND value IS NOT NULL").map((x) => x.v.replace(/\D/g, ""));
      for (const x of r.filter((y) => y.direction === "incoming")) {
        const digits = x.sender.split("@")[0];
        assert.ok(abPhones.some((p) => p.length >= 7 && digits.endsWith(p)), `${x.sender} is in the address book`);
        assert.equal(x.sender_is_contact, true);
      }
      assert.deepEqual(out.events.map((e) => e.event), want.map((w) => (w.incoming ? "whatsapp_call_received" : "whatsapp_call_placed")));
      assert.equal(out.detections.length, 0);
    });

    await t.test("whatsapp_groups: every group event message of the group chats", async () => {
      const want = sql<{ pk: number; type: number; member: number | null }>(
        CHAT,
        `SELECT m.Z_PK AS pk, m.ZGROUPEVENTTYPE AS type, m.ZGROUPMEMBER AS member FROM ZWAMESSAGE m JOIN ZWACHATSESSION s ON s.Z_PK = m.ZCHATSESSION
         WHERE m.ZMESSAGETYPE = 6 AND s.ZCONTACTJID LIKE '%@g.us' ORDER BY m.ZMESSAGEDATE, m.Z_PK`,
      );
      const [{ groups }] = sql<{ groups: number }>(CHAT, "SELECT COUNT(*) AS groups FROM ZWACHATSESSION WHERE ZSESSIONTYPE = 1");
      assert.equal(groups, 4);
      assert.equal(want.length, 6);
      const out = await collectModule(whatsappGroups, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const r = out.records as any[];
      assert.deepEqual(r.map((x) => [x.message_pk, x.group_event_type]), want.map((w) => [w.pk, w.type]));
      // The owner was added to the two groups whose event 2 concerns no member; the adder is not recorded.
      const added = want.filter((w) => w.type === 2 && w.member === null).map((w) => w.pk);
      assert.equal(added.length, 2);
      assert.deepEqual(r.filter((x) => x.kind === "added" && x.target_is_owner).map((x) => x.message_pk), added);
      assert.deepEqual(out.events.filter((e) => e.event === "whatsapp_group_added").map((e) => e.sender_is_contact), ["unknown", "unknown"]);
      assert.equal(out.detections.length, 0);
    });

    await t.test("whatsapp_media: every media item of an image, video, audio, document, GIF or sticker message", async () => {
      const want = sql<{ pk: number; me: number; path: string }>(
        CHAT,
        `SELECT m.Z_PK AS pk, m.ZISFROMME AS me, mi.ZMEDIALOCALPATH AS path FROM ZWAMEDIAITEM mi JOIN ZWAMESSAGE m ON m.Z_PK = mi.ZMESSAGE
         WHERE m.ZMESSAGETYPE IN (1, 2, 3, 8, 11, 15) OR mi.ZMEDIALOCALPATH IS NOT NULL ORDER BY m.ZMESSAGEDATE`,
      );
      assert.equal(want.length, 2);
      const out = await collectModule(whatsappMedia, view, iocs);
      assert.equal(out.coverage.status, "checked", out.coverage.reason);
      const r = out.records as any[];
      assert.deepEqual(r.map((x) => [x.message_pk, x.direction, x.local_path]), want.map((w) => [w.pk, w.me ? "sent" : "received", w.path]));
      // The slice holds the databases only: no media file to read.
      assert.ok(r.every((x) => x.content === null));
      assert.deepEqual(out.events.map((e) => [e.event, e.sender_is_contact]), [["message_attachment_received", true]]);
    });

    await t.test("whatsapp_contacts and contacts: WhatsApp's contact list and the address book with its WAL", async () => {
      const [{ wc }] = sql<{ wc: number }>(WA_CONTACTS, "SELECT COUNT(*) AS wc FROM ZWAADDRESSBOOKCONTACT");
      const [{ people }] = sql<{ people: number }>(AB, "SELECT COUNT(*) AS people FROM ABPerson");
      const [{ values }] = sql<{ values: number }>(AB, "SELECT COUNT(*) AS \"values\" FROM ABMultiValue mv JOIN ABPerson p ON p.ROWID = mv.record_id WHERE mv.value IS NOT NULL");
      assert.equal(wc, 9);
      assert.equal(people, 9);
      const w = await collectModule(whatsappContacts, view, iocs);
      assert.equal(w.coverage.status, "checked", w.coverage.reason);
      assert.equal(w.coverage.records, wc);
      const c = await collectModule(contacts, view, iocs);
      assert.equal(c.coverage.status, "checked", c.coverage.reason);
      assert.equal(c.coverage.records, values);
      assert.equal(new Set((c.records as any[]).map((x) => x.person_id)).size, people - 2, "two people have no value");
    });
  } finally {
    await view.close();
  }
  assert.equal(treeDigest(ROOT), before, "the evidence is unchanged");
});
