// The content check of received iMessage/SMS attachments: the files in MediaDomain compared with
// the name, MIME type and UTI sms.db gives them.
import { test } from "node:test";
import assert from "node:assert/strict";
import smsAttachments from "../../../../src/modules/ios/sms-attachments.ts";
import { APPENDED_ARCHIVE_RULE, declaredTypes, DISGUISED_DOCUMENT_RULE, PASSKIT_STRANGER_RULE, PASSKIT_WEBP_RULE, WEBP_DISGUISED_RULE } from "../../../../src/modules/ios/lib/attachment-content.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { SMS_SCHEMA, sqliteImage } from "../../../helpers/messaging-views.ts";
import { addressBookDb, macSeconds } from "../../../helpers/messaging-fixtures.ts";
import { dngFile, gifFile, jbig2File, pdfFile, pkpassFile, webpFile, withAppendedZip } from "../../../helpers/attachment-fixtures.ts";

const STRANGER = "+971500000001";
const FRIEND = "+33612345678";
const APPLE_ID = "pass-sender@example.com";

interface Att {
  dir: string;
  name: string;
  mime: string;
  uti: string;
  from: string | null;
  data?: Buffer;
}

const ATTS: Att[] = [
  { dir: "aa/01/A1", name: "image1.gif", mime: "image/gif", uti: "com.compuserve.gif", from: STRANGER, data: pdfFile() },
  { dir: "aa/02/A2", name: "image2.gif", mime: "image/gif", uti: "com.compuserve.gif", from: STRANGER, data: jbig2File() },
  { dir: "aa/03/A3", name: "Boarding.pkpass", mime: "application/vnd.apple.pkpass", uti: "com.apple.pkpass", from: APPLE_ID, data: pkpassFile({ webp: true }) },
  { dir: "aa/04/A4", name: "IMG-20240723-WA0000.jpg", mime: "image/jpeg", uti: "public.jpeg", from: FRIEND, data: withAppendedZip(dngFile(20_000)) },
  { dir: "aa/05/A5", name: "cat.gif", mime: "image/gif", uti: "com.compuserve.gif", from: FRIEND, data: gifFile() },
  { dir: "aa/06/A6", name: "mine.gif", mime: "image/gif", uti: "com.compuserve.gif", from: null, data: pdfFile() },
  { dir: "aa/07/A7", name: "sticker.png", mime: "image/png", uti: "public.png", from: STRANGER, data: webpFile() },
  { dir: "aa/08/A8", name: "gone.gif", mime: "image/gif", uti: "com.compuserve.gif", from: STRANGER },
  { dir: "aa/09/A9", name: "Ticket.pkpass", mime: "application/vnd.apple.pkpass", uti: "com.apple.pkpass", from: FRIEND, data: pkpassFile() },
];

function smsDb(): Buffer {
  return sqliteImage(SMS_SCHEMA, (db) => {
    const handles = new Map<string, number>();
    for (const h of [STRANGER, FRIEND, APPLE_ID]) handles.set(h, Number(db.prepare("INSERT INTO handle (id, service) VALUES (?, 'iMessage')").run(h).lastInsertRowid));
    ATTS.forEach((a, i) => {
      const date = macSeconds(`2023-09-0${1 + (i % 8)}T10:00:00Z`) * 1e9;
      const mid = db.prepare("INSERT INTO message (guid, text, handle_id, service, date, is_from_me) VALUES (?,?,?,?,?,?)").run(`M${i}`, "\ufffc", a.from ? handles.get(a.from) : handles.get(FRIEND), "iMessage", date, a.from ? 0 : 1).lastInsertRowid;
      const aid = db
        .prepare("INSERT INTO attachment (guid, original_guid, created_date, filename, uti, mime_type, transfer_name, total_bytes, is_outgoing) VALUES (?,?,?,?,?,?,?,?,?)")
        .run(`G${i}`, `G${i}`, date / 1e9, `~/Library/SMS/Attachments/${a.dir}/${a.name}`, a.uti, a.mime, a.name, a.data?.length ?? 100, a.from ? 0 : 1).lastInsertRowid;
      db.prepare("INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?,?)").run(mid, aid);
    });
  });
}

function view() {
  const files: MemoryFile[] = [
    { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDb() },
    { domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb", data: addressBookDb([{ first: "Amélie", phones: ["06 12 34 56 78"] }]) },
  ];
  for (const a of ATTS) if (a.data) files.push({ domain: "MediaDomain", relativePath: `Library/SMS/Attachments/${a.dir}/${a.name}`, data: a.data });
  return memoryView({ kind: "ios_backup", platform: "ios", files });
}

test("sms_attachments: received files are compared with their name and type; FORCEDENTRY, BLASTPASS and LANDFALL shapes are flagged", async () => {
  const out = await collectModule(smsAttachments, view(), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, ATTS.length);
  assert.deepEqual(
    r.map((x) => [x.transfer_name, x.sender_is_contact, x.content?.content_type ?? null, x.content?.matches_declared ?? null]),
    [
      ["image1.gif", false, "pdf", false],
      ["image2.gif", false, "jbig2", false],
      ["Boarding.pkpass", false, "zip", true],
      ["IMG-20240723-WA0000.jpg", true, "tiff", false],
      ["cat.gif", true, "gif", true],
      ["mine.gif", null, null, null],
      ["sticker.png", false, "webp", false],
      ["gone.gif", false, null, null],
      ["Ticket.pkpass", true, "zip", true],
    ],
  );
  assert.equal(r[3].content.appended_archive.offset, 20_000);
  assert.equal(r[3].content.file, "MediaDomain/Library/SMS/Attachments/aa/04/A4/IMG-20240723-WA0000.jpg");

  const got = out.detections.map((d) => [d.rule?.id, d.grade, (d.record as any).transfer_name]);
  assert.deepEqual(got, [
    [DISGUISED_DOCUMENT_RULE.id, "medium", "image1.gif"],
    [DISGUISED_DOCUMENT_RULE.id, "medium", "image2.gif"],
    [PASSKIT_WEBP_RULE.id, "medium", "Boarding.pkpass"],
    [PASSKIT_STRANGER_RULE.id, "weak", "Boarding.pkpass"],
    [APPENDED_ARCHIVE_RULE.id, "medium", "IMG-20240723-WA0000.jpg"],
    [WEBP_DISGUISED_RULE.id, "weak", "sticker.png"],
  ]);
  const forced = out.detections[0];
  assert.match(forced.title, /image1\.gif' from \+971500000001 \(not a contact\) is a PDF file disguised as an image/);
  assert.equal(forced.artifact, "MediaDomain/Library/SMS/Attachments/aa/01/A1/image1.gif");
  assert.match(out.detections[4].title, /ZIP archive of 2 files at byte 20000: lib\/arm64-v8a\/libloader\.so, b\.so/);
});

test("sms_attachments: received attachments are message_attachment_received events with the sender", async () => {
  const out = await collectModule(smsAttachments, view(), matcherFromValues({}));
  const received = out.events.filter((e) => e.event === "message_attachment_received");
  assert.equal(received.length, 8);
  assert.deepEqual([received[0].sender, received[0].sender_is_contact], [STRANGER, false]);
  assert.deepEqual([received[2].sender, received[2].sender_is_contact], [APPLE_ID, false], "an e-mail handle absent from a readable address book");
  assert.match(received[0].description, /from \+971500000001 \(not a contact\)/);
  assert.equal(out.events.filter((e) => e.event === "sms_attachment").length, 1, "the sent one keeps MVT's kind");
});

test("declaredTypes: a name, MIME type or UTI naming an Object property declares nothing", () => {
  // "x.constructor" found Object's constructor in the extension table: a function among the types.
  assert.deepEqual(declaredTypes("photo.constructor", "toString", "__proto__"), []);
  assert.deepEqual(declaredTypes("a.__proto__", "image/gif", "hasOwnProperty"), ["gif"]);
  assert.deepEqual(declaredTypes("IMG_1.JPG", "image/jpeg; q=1", "public.jpeg"), ["jpeg"]);
});
