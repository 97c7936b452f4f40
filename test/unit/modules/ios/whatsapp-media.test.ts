import { test } from "node:test";
import assert from "node:assert/strict";
import whatsappMedia from "../../../../src/modules/ios/whatsapp-media.ts";
import { APPENDED_ARCHIVE_RULE, DISGUISED_DOCUMENT_RULE } from "../../../../src/modules/ios/lib/attachment-content.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { WA_DOMAIN, chatStorageDb, contactsV2Db, type FixtureChat, type FixtureMessage } from "../../../helpers/messaging-fixtures.ts";
import { dngFile, jpegFile, pdfFile, withAppendedZip } from "../../../helpers/attachment-fixtures.ts";

const OWNER = "15550000001@s.whatsapp.net";
const FRIEND = "33612345678@s.whatsapp.net";
const STRANGER = "971500000001@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";

const chats: FixtureChat[] = [
  { jid: STRANGER, name: "" },
  { jid: FRIEND, name: "Amélie" },
  { jid: GROUP, name: "News", group: { creator: STRANGER, created: "2025-01-10T09:00:00Z", members: [{ jid: STRANGER }] } },
];
const P = (name: string) => `Media/${name}`;
const media: Record<string, Buffer> = {
  [P("971500000001@s.whatsapp.net/a/b/IMG-20240723-WA0000.jpg")]: withAppendedZip(dngFile(12_000)),
  [P("971500000001@s.whatsapp.net/c/d/photo.jpg")]: pdfFile(),
  [P("33612345678@s.whatsapp.net/e/f/holiday.jpg")]: jpegFile(),
  [P(`${GROUP}/1/2/agenda.pdf`)]: pdfFile(),
  [P("33612345678@s.whatsapp.net/g/h/sent.jpg")]: pdfFile(),
};
const messages: FixtureMessage[] = [
  { chat: 1, at: "2025-01-09T08:00:00Z", type: 1, from: STRANGER, media: { path: P("971500000001@s.whatsapp.net/a/b/IMG-20240723-WA0000.jpg") } },
  { chat: 1, at: "2025-01-09T08:01:00Z", type: 1, from: STRANGER, media: { path: P("971500000001@s.whatsapp.net/c/d/photo.jpg") } },
  { chat: 2, at: "2025-01-09T09:00:00Z", type: 1, from: FRIEND, media: { path: P("33612345678@s.whatsapp.net/e/f/holiday.jpg") } },
  { chat: 3, at: "2025-01-10T09:10:00Z", type: 8, from: STRANGER, media: { path: P(`${GROUP}/1/2/agenda.pdf`), title: "agenda.pdf" } },
  { chat: 2, at: "2025-01-10T10:00:00Z", type: 1, fromMe: true, media: { path: P("33612345678@s.whatsapp.net/g/h/sent.jpg") } },
  { chat: 1, at: "2025-01-10T11:00:00Z", type: 2, from: STRANGER, media: { path: P("971500000001@s.whatsapp.net/x/y/missing.mp4") } },
  { chat: 2, at: "2025-01-10T12:00:00Z", type: 0, from: FRIEND, text: "no media" },
];

function view() {
  const files: MemoryFile[] = [
    { domain: WA_DOMAIN, relativePath: "ChatStorage.sqlite", data: chatStorageDb(chats, messages, OWNER) },
    { domain: WA_DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsV2Db([{ name: "Amélie", phone: "06 12 34 56 78", jid: FRIEND }]) },
  ];
  for (const [path, data] of Object.entries(media)) files.push({ domain: WA_DOMAIN, relativePath: `Message/${path}`, data });
  return memoryView({ kind: "ios_backup", platform: "ios", files });
}

test("whatsapp_media: files with their sender and contact status; received files read and compared with their name", async () => {
  const out = await collectModule(whatsappMedia, view(), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.deepEqual(
    r.map((x) => [x.kind, x.direction, x.sender, x.sender_is_contact, x.in_group, x.content?.content_type ?? null]),
    [
      ["image", "received", STRANGER, false, false, "tiff"],
      ["image", "received", STRANGER, false, false, "pdf"],
      ["image", "received", FRIEND, true, false, "jpeg"],
      ["document", "received", STRANGER, false, true, "pdf"],
      ["image", "sent", null, null, false, null],
      ["video", "received", STRANGER, false, false, null],
    ],
  );
  assert.equal(r[0].content.file, `${WA_DOMAIN}/Message/Media/971500000001@s.whatsapp.net/a/b/IMG-20240723-WA0000.jpg`);
  assert.deepEqual(
    out.detections.map((d) => [d.rule?.id, d.grade, (d.record as any).message_pk]),
    [
      [APPENDED_ARCHIVE_RULE.id, "medium", 1],
      [DISGUISED_DOCUMENT_RULE.id, "medium", 2],
    ],
  );
  assert.match(out.detections[0].title, /WhatsApp image 'IMG-20240723-WA0000\.jpg' from 971500000001@s\.whatsapp\.net \(not a contact\) ends with a ZIP archive/);
});

test("whatsapp_media: received documents are whatsapp_document_received, other received files message_attachment_received", async () => {
  const out = await collectModule(whatsappMedia, view(), matcherFromValues({}));
  assert.deepEqual(
    out.events.map((e) => [e.event, e.sender, e.sender_is_contact]),
    [
      ["message_attachment_received", STRANGER, false],
      ["message_attachment_received", STRANGER, false],
      ["message_attachment_received", FRIEND, true],
      ["whatsapp_document_received", STRANGER, false],
      ["message_attachment_received", STRANGER, false],
    ],
  );
  assert.match(out.events[3].description, /document 'agenda\.pdf' received from 971500000001@s\.whatsapp\.net \(not a contact\) in group 120363000000000001@g\.us/);
});
