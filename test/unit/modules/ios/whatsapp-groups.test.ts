import { test } from "node:test";
import assert from "node:assert/strict";
import whatsappGroups, { ADDED_BY_STRANGER_RULE, GROUP_DOCUMENT_RULE } from "../../../../src/modules/ios/whatsapp-groups.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { WA_DOMAIN, chatStorageDb, contactsV2Db, type FixtureChat, type FixtureMessage } from "../../../helpers/messaging-fixtures.ts";

const OWNER = "15550000001@s.whatsapp.net";
const FRIEND = "33612345678@s.whatsapp.net";
const STRANGER = "971500000001@s.whatsapp.net";
const STRANGER2 = "971500000002@s.whatsapp.net";

const chats: FixtureChat[] = [
  // 1: made by a stranger, who added the owner when creating it (the adder is the creator).
  { jid: "120363000000000001@g.us", name: "Press freedom 2025", group: { creator: STRANGER, created: "2025-01-10T09:00:00Z", members: [{ jid: STRANGER, admin: true }] } },
  // 2: the owner was added by a friend, the adder written in the event.
  { jid: "120363000000000002@g.us", name: "Family", group: { creator: FRIEND, created: "2024-12-01T09:00:00Z", members: [{ jid: FRIEND, admin: true }, { jid: STRANGER2 }] } },
  // 3: the owner was added later, adder not recorded, and no member is a contact.
  { jid: "120363000000000003@g.us", name: "Deals", group: { creator: null, created: "2024-06-01T09:00:00Z", members: [{ jid: STRANGER2 }, { jid: STRANGER }] } },
  // 4: a group the owner created.
  { jid: "120363000000000004@g.us", name: "Book club", group: { creator: OWNER, created: "2024-03-01T09:00:00Z", members: [{ jid: FRIEND }] } },
  { jid: FRIEND, name: "Amélie" },
];

const messages: FixtureMessage[] = [
  { chat: 1, at: "2025-01-10T09:00:00Z", type: 6, groupEvent: 12 },
  { chat: 1, at: "2025-01-10T09:00:00Z", type: 6, groupEvent: 2 },
  { chat: 1, at: "2025-01-10T09:12:00Z", type: 8, from: STRANGER, media: { path: "Message/Media/120363000000000001@g.us/a/b/report.pdf", title: "report.pdf" } },
  // A second document two days later is no longer "shortly after".
  { chat: 1, at: "2025-01-12T09:12:00Z", type: 8, from: STRANGER, media: { path: "Message/Media/120363000000000001@g.us/c/d/more.pdf", title: "more.pdf" } },
  { chat: 2, at: "2025-01-11T10:00:00Z", type: 6, groupEvent: 2, text: FRIEND },
  { chat: 2, at: "2025-01-11T10:05:00Z", type: 8, from: STRANGER2, media: { path: "Message/Media/x/menu.pdf", title: "menu.pdf" } },
  { chat: 3, at: "2025-01-15T08:00:00Z", type: 6, groupEvent: 2 },
  { chat: 3, at: "2025-01-15T08:01:00Z", type: 6, groupEvent: 2, member: STRANGER, text: STRANGER2 },
  { chat: 4, at: "2024-03-01T09:00:00Z", type: 6, groupEvent: 12, fromMe: true },
  { chat: 4, at: "2024-03-01T09:00:01Z", type: 6, groupEvent: 2, fromMe: true, member: FRIEND },
  { chat: 5, at: "2025-01-11T10:00:00Z", type: 0, from: FRIEND, text: "hello" },
];

function view(withContacts = true) {
  const files = [{ domain: WA_DOMAIN, relativePath: "ChatStorage.sqlite", data: chatStorageDb(chats, messages, OWNER) }];
  if (withContacts) files.push({ domain: WA_DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsV2Db([{ name: "Amélie", phone: "06 12 34 56 78", jid: FRIEND }]) });
  return memoryView({ kind: "ios_backup", platform: "ios", files });
}

test("whatsapp_groups: group events with who added whom, and whether the adder is a contact", async () => {
  const out = await collectModule(whatsappGroups, view(), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.deepEqual(
    r.map((x) => [x.session_pk, x.kind, x.target_is_owner, x.sender, x.sender_is_contact, x.sender_basis]),
    [
      [4, "created", false, null, null, null],
      [4, "added", false, null, null, null],
      [1, "created", false, null, null, null],
      [1, "added", true, STRANGER, false, "adder"],
      [2, "added", true, FRIEND, true, "adder"],
      [3, "added", true, null, false, "members"],
      [3, "added", false, null, null, null],
    ],
  );
  assert.equal(r[6].target, STRANGER);
  assert.equal(r[6].actor, STRANGER2);
  assert.equal(r[1].actor, OWNER, "an event the owner made has the owner as actor");
  const added = out.events.filter((e) => e.event === "whatsapp_group_added");
  assert.deepEqual(
    added.map((e) => [e.timestamp, e.sender, e.sender_is_contact]),
    [
      ["2025-01-10T09:00:00.000Z", STRANGER, false],
      ["2025-01-11T10:00:00.000Z", FRIEND, true],
      ["2025-01-15T08:00:00.000Z", undefined, false],
    ],
  );
  assert.match(added[0].description, /Press freedom 2025.*not a contact/);
  assert.equal(out.events.filter((e) => e.event === "whatsapp_group_created").length, 2);
});

test("whatsapp_groups: added by a stranger, then a document from a stranger within a day: weak detections", async () => {
  const out = await collectModule(whatsappGroups, view(), matcherFromValues({}));
  const byRule = (id: string) => out.detections.filter((d) => d.rule?.id === id);
  assert.deepEqual(byRule(ADDED_BY_STRANGER_RULE.id).map((d) => [d.matched, d.grade, d.timestamp]), [
    ["120363000000000001@g.us", "weak", "2025-01-10T09:00:00.000Z"],
    ["120363000000000003@g.us", "weak", "2025-01-15T08:00:00.000Z"],
  ]);
  const docs = byRule(GROUP_DOCUMENT_RULE.id);
  assert.deepEqual(docs.map((d) => [d.matched, d.grade, d.timestamp]), [["Message/Media/120363000000000001@g.us/a/b/report.pdf", "weak", "2025-01-10T09:12:00.000Z"]]);
  assert.match(docs[0].title, /report\.pdf.*12 min after/);
});

test("whatsapp_groups: without a contact list nothing is flagged", async () => {
  const out = await collectModule(whatsappGroups, view(false), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.detections.length, 0);
  assert.ok((out.records as any[]).filter((x) => x.target_is_owner).every((x) => x.sender_is_contact === "unknown"));
});

test("whatsapp_groups and whatsapp_media: an old ChatStorage with few columns is checked, not failed", async () => {
  const { default: whatsappMedia } = await import("../../../../src/modules/ios/whatsapp-media.ts");
  const { sqliteImage } = await import("../../../helpers/messaging-views.ts");
  const db = sqliteImage(
    `CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID VARCHAR);
     CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZMESSAGETYPE INTEGER, ZMESSAGEDATE TIMESTAMP);
     CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER);`,
    (d) => {
      d.prepare("INSERT INTO ZWACHATSESSION VALUES (1, '120363000000000009@g.us')").run();
      d.prepare("INSERT INTO ZWAMESSAGE VALUES (1, 1, 6, 700000000), (2, 1, 1, 700000100)").run();
      d.prepare("INSERT INTO ZWAMEDIAITEM VALUES (1, 2)").run();
    },
  );
  const v = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: WA_DOMAIN, relativePath: "ChatStorage.sqlite", data: db }] });
  const g = await collectModule(whatsappGroups, v, matcherFromValues({}));
  assert.equal(g.coverage.status, "checked", g.coverage.reason);
  assert.deepEqual((g.records as any[]).map((x) => [x.kind, x.group_event_type, x.target_is_owner]), [["other", null, false]]);
  const m = await collectModule(whatsappMedia, v, matcherFromValues({}));
  assert.equal(m.coverage.status, "checked", m.coverage.reason);
  assert.deepEqual((m.records as any[]).map((x) => [x.kind, x.direction]), [["image", "received"]]);
});
