// WhatsApp media and documents (ChatStorage.sqlite ZWAMEDIAITEM with their message): who sent
// each file, whether the sender is a contact, and, for received files present in the
// acquisition (Message/Media in WhatsApp's shared container), what their bytes are compared with
// their name. LANDFALL (2024-2025) arrived as DNG images with an appended archive named like
// WhatsApp photos; Graphite (2025) as PDFs sent in WhatsApp groups.
import { defineModule } from "../contract.ts";
import type { ContactFlag } from "../../core/model.ts";
import type { FileEntry } from "../../acquisitions/view.ts";
import { describeError } from "../../core/errors.ts";
import { sqliteRecords, type SqliteDb } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { loadContactBook, type ContactBook } from "./lib/contact-book.ts";
import { contentFindings, declaredTypes, fileIndex, inspectAttachment, type AttachmentContent } from "./lib/attachment-content.ts";
import { whatsappFile } from "./lib/whatsapp.ts";

export interface WhatsappMediaRecord {
  message_pk: number;
  media_pk: number;
  /** ZMESSAGETYPE and what it is. */
  message_type: number | null;
  kind: string;
  direction: "sent" | "received";
  isodate: string | null;
  chat_jid: string | null;
  in_group: boolean;
  /** The author of a received file (the group member in a group). */
  sender: string | null;
  sender_phone: string | null;
  sender_name: string | null;
  sender_is_contact: ContactFlag | null;
  /** ZTITLE: a document's file name or a caption. */
  title: string | null;
  /** ZMEDIALOCALPATH, relative to WhatsApp's Message folder. */
  local_path: string | null;
  file_size: number | null;
  content: AttachmentContent | null;
}

const KINDS: Record<number, string> = { 1: "image", 2: "video", 3: "audio", 8: "document", 11: "gif", 15: "sticker" };
const MEDIA_TYPES = Object.keys(KINDS).join(", ");
const DOCUMENT = 8;
const MEDIA_DIR = "Message/";
const MEDIA_FILES = whatsappFile("Message/Media/**");

/** The media messages of one ChatStorage.sqlite, their senders looked up in `book`. */
function* mediaRows(db: SqliteDb, book: ContactBook): Generator<WhatsappMediaRecord> {
  const mi = db.present("ZWAMEDIAITEM", ["ZMEDIALOCALPATH", "ZTITLE", "ZFILESIZE"]);
  const mc = db.present("ZWAMESSAGE", ["ZCHATSESSION", "ZMESSAGETYPE", "ZISFROMME", "ZFROMJID", "ZGROUPMEMBER"]);
  const i = (c: string) => (mi.includes(c) ? `mi.${c}` : "NULL");
  const m = (c: string) => (mc.includes(c) ? `m.${c}` : "NULL");
  const sessions = mc.includes("ZCHATSESSION") && db.has("ZWACHATSESSION", "ZCONTACTJID");
  const members = mc.includes("ZGROUPMEMBER") && db.has("ZWAGROUPMEMBER", "ZMEMBERJID");
  const sql = `SELECT m.Z_PK, mi.Z_PK, ${m("ZMESSAGETYPE")}, ${m("ZISFROMME")}, m.ZMESSAGEDATE, ${sessions ? "s.ZCONTACTJID" : "NULL"}, ${m("ZFROMJID")},
      ${members ? "gm.ZMEMBERJID" : "NULL"}, ${i("ZTITLE")}, ${i("ZMEDIALOCALPATH")}, ${i("ZFILESIZE")}
    FROM ZWAMEDIAITEM mi JOIN ZWAMESSAGE m ON m.Z_PK = mi.ZMESSAGE
    ${sessions ? "LEFT JOIN ZWACHATSESSION s ON s.Z_PK = m.ZCHATSESSION" : ""}
    ${members ? "LEFT JOIN ZWAGROUPMEMBER gm ON gm.Z_PK = m.ZGROUPMEMBER" : ""}
    WHERE ${mc.includes("ZMESSAGETYPE") ? `m.ZMESSAGETYPE IN (${MEDIA_TYPES})` : "0"}${mi.includes("ZMEDIALOCALPATH") ? " OR mi.ZMEDIALOCALPATH IS NOT NULL" : ""}
    ORDER BY m.ZMESSAGEDATE, m.Z_PK`;
  for (const r of db.rows(sql)) {
    const chat = asText(r[5]);
    const inGroup = !!chat?.endsWith("@g.us");
    const received = r[3] !== 1;
    const sender = received ? (inGroup ? asText(r[7]) : (asText(r[6]) ?? chat)) : null;
    const type: number | null = r[2] ?? null;
    const localPath = asText(r[9]);
    const rec: WhatsappMediaRecord = {
      message_pk: r[0],
      media_pk: r[1],
      message_type: type,
      kind: type === null ? "media" : (KINDS[type] ?? `type_${type}`),
      direction: received ? "received" : "sent",
      isodate: fromMacAbsolute(r[4]) ?? null,
      chat_jid: chat,
      in_group: inGroup,
      sender,
      sender_phone: sender ? book.phoneOf(sender) : null,
      sender_name: sender ? book.nameOf(sender) : null,
      sender_is_contact: received ? book.isContact(sender) : null,
      title: asText(r[8]),
      local_path: localPath,
      file_size: r[10] ?? null,
      content: null,
    };
    yield rec;
  }
}

export default defineModule<WhatsappMediaRecord>({
  name: "whatsapp_media",
  title: "WhatsApp media and documents",
  platform: "ios",
  description:
    "Files sent and received in WhatsApp (images, videos, audio, documents, stickers) with the sender and whether the sender is a contact. Received files present in the acquisition are compared with their name (documents disguised as images, images with an appended archive).",
  reads: whatsappFile("ChatStorage.sqlite"),
  async *records(ctx) {
    let files: Map<string, FileEntry> | undefined;
    let unreadable = 0;
    const rows = async (db: SqliteDb) => mediaRows(db, await loadContactBook(ctx, { whatsapp: true, chat: db }));
    for await (const batch of sqliteRecords(ctx, { requires: { ZWAMEDIAITEM: ["Z_PK", "ZMESSAGE"], ZWAMESSAGE: ["Z_PK", "ZMESSAGEDATE"] }, rows }).batches) {
      for (const rec of batch) {
        if (rec.direction === "received" && rec.local_path) {
          files ??= await fileIndex(ctx, MEDIA_FILES, MEDIA_DIR);
          const entry = files.get(rec.local_path.replace(/^\/+/, "").replace(/^Message\//, ""));
          if (entry) {
            try {
              rec.content = await inspectAttachment(ctx.view, entry, [...new Set([...declaredTypes(rec.local_path, null, null), ...declaredTypes(rec.title, null, null)])]);
            } catch (e) {
              if (unreadable++ === 0) ctx.warn(`WhatsApp media file unreadable: ${describeError(e)}`);
            }
          }
        }
        yield rec;
      }
    }
    if (unreadable > 1) ctx.warn(`${unreadable} WhatsApp media files could not be read`);
  },
  events(r) {
    if (!r.isodate || r.direction !== "received") return [];
    const what = r.message_type === DOCUMENT ? `document '${r.title ?? r.local_path?.split("/").pop() ?? "?"}'` : `${r.kind}${r.title ? ` '${r.title}'` : ""}`;
    const where = r.in_group ? ` in group ${r.chat_jid}` : "";
    const from = `${r.sender ?? "unknown"}${r.sender_name ? ` (${r.sender_name})` : r.sender_is_contact === false ? " (not a contact)" : ""}`;
    return [
      {
        timestamp: r.isodate,
        event: r.message_type === DOCUMENT ? "whatsapp_document_received" : "message_attachment_received",
        description: `WhatsApp ${what} received from ${from}${where}`,
        sender: r.sender ?? undefined,
        sender_is_contact: r.sender_is_contact ?? "unknown",
      },
    ];
  },
  check(r) {
    if (!r.content) return [];
    return contentFindings(r.content, { service: "WhatsApp", name: r.title ?? r.local_path?.split("/").pop() ?? null, sender: r.sender, sender_is_contact: r.sender_is_contact, timestamp: r.isodate ?? undefined });
  },
});
