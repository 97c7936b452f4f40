// SMS/iMessage attachments (sms.db attachment table). Zero-click iMessage exploits
// (FORCEDENTRY, BLASTPASS) arrived as attachments; some left files under /var/tmp. The files of
// received attachments present in the acquisition are compared with their name and type.
import { SMS_DB } from "./sms.ts";
import { defineModule, type ModuleContext } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { ContactFlag, DetectionInput } from "../../core/model.ts";
import type { FileEntry } from "../../acquisitions/view.ts";
import { describeError } from "../../core/errors.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { sqliteRecords, type SqliteDb } from "../lib/sqlite.ts";
import { asText, undecodableWarning } from "./lib/checks.ts";
import { loadContactBook, type ContactBook } from "./lib/contact-book.ts";
import { contentFindings, declaredTypes, fileIndex, inspectAttachment, type AttachmentContent } from "./lib/attachment-content.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SmsAttachmentRecord {
  attachment_id: number;
  guid: string | null;
  filename: string;
  transfer_name: string | null;
  mime_type: string | null;
  uti: string | null;
  total_bytes: number | null;
  is_sticker: number | null;
  hide_attachment: number | null;
  transfer_state: number | null;
  has_user_info: boolean;
  created_date: number | null;
  isodate: string | null;
  start_date: string | null;
  direction: "sent" | "received";
  service: string;
  message_guid: string | null;
  phone_number: string | null;
  /** Whether the sender of a received attachment is in the contacts (null for sent ones). */
  sender_is_contact: ContactFlag | null;
  /** The received attachment's file as found in the acquisition, and what its bytes are. */
  content: AttachmentContent | null;
}

const ATTACHMENTS_DIR = "Library/SMS/Attachments/";
const ATTACHMENT_FILES = {
  backup: [{ domain: "MediaDomain", path: `${ATTACHMENTS_DIR}**` }],
  fs: [`private/var/mobile/${ATTACHMENTS_DIR}**`],
};

const OPTIONAL = ["guid", "transfer_name", "mime_type", "uti", "total_bytes", "is_sticker", "hide_attachment", "transfer_state", "created_date", "start_date", "is_outgoing"] as const;

export const VAR_TMP_RULE = codeRule("sms-attachment-var-tmp");

/** The rule on one attachment path and direction; exported for its tests. */
export function isSuspiciousVarTmp(filename: string | null | undefined, direction: string): boolean {
  if (!filename || direction !== "received") return false;
  const f = filename.startsWith("/private/") ? filename.slice(8) : filename;
  return f.startsWith("/var/tmp/") && f.endsWith("-1") && f.length > "/var/tmp/-1".length;
}

export default defineModule<SmsAttachmentRecord>({
  name: "sms_attachments",
  title: "SMS and iMessage attachments",
  platform: "ios",
  description:
    "Attachments of messages in sms.db (file name, type, size, direction, whether the sender is a contact). Paths are checked against file indicators; received attachments stored under /var/tmp with a \"-1\" suffix are flagged, and the files of received attachments are compared with their name and type (documents disguised as images, images with an appended archive, PassKit bundles with WebP images).",
  reads: SMS_DB,
  costPerByte: 0.05,
  async *records(ctx) {
    let book: ContactBook | undefined;
    let files: Map<string, FileEntry> | undefined;
    let unreadable = 0;
    for await (const batch of sqliteRecords(ctx, { requires: TABLES, rows: attachmentRows }).batches) {
      for (const rec of batch) {
        if (rec.direction === "received") {
          book ??= await loadContactBook(ctx);
          rec.sender_is_contact = book.isContact(rec.phone_number);
          const at = rec.filename.indexOf(ATTACHMENTS_DIR);
          if (at >= 0) {
            files ??= await fileIndex(ctx, ATTACHMENT_FILES, ATTACHMENTS_DIR);
            const entry = files.get(rec.filename.slice(at + ATTACHMENTS_DIR.length));
            if (entry) {
              try {
                rec.content = await inspectAttachment(ctx.view, entry, declaredTypes(rec.transfer_name ?? rec.filename, rec.mime_type, rec.uti));
              } catch (e) {
                if (unreadable++ === 0) ctx.warn(`attachment file unreadable: ${describeError(e)}`);
              }
            }
          }
        }
        yield rec;
      }
    }
    if (unreadable > 1) ctx.warn(`${unreadable} attachment files could not be read`);
  },
  events(r) {
    if (!r.isodate) return [];
    const description = `${r.service}: attachment '${r.transfer_name ?? r.filename}' ${r.direction} ${r.direction === "sent" ? "to" : "from"} ${r.phone_number ?? "unknown"}${r.sender_is_contact === false ? " (not a contact)" : ""} (${r.mime_type ?? "unknown type"}, ${r.total_bytes ?? "?"} bytes)`;
    // Received attachments share their kind with WhatsApp media, for correlation rules; sent
    // ones keep MVT's kind.
    if (r.direction === "received") {
      return [{ timestamp: r.isodate, event: "message_attachment_received", description, sender: r.phone_number ?? undefined, sender_is_contact: r.sender_is_contact ?? "unknown" }];
    }
    return [{ timestamp: r.isodate, event: "sms_attachment", description }];
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const ts = r.isodate ?? undefined;
    if (r.filename !== "NULL") {
      // A known exploit file path among the attachments: the file was delivered to the phone.
      // Messages writes paths in the mobile user's home as "~/Library/SMS/Attachments/...".
      const abs = r.filename.startsWith("~/") ? `/var/mobile/${r.filename.slice(2)}` : r.filename;
      out.push(
        ...fromMatches(ctx.iocs.filePath(abs), {
          grade: "strong",
          title: (m) => msg("det.sms_attachments.path", { value: m.matched }),
          why: msg("det.sms_attachments.path.why"),
          timestamp: ts,
        }),
      );
    }
    const base = r.transfer_name ?? (r.filename !== "NULL" ? r.filename.split("/").pop() : undefined);
    if (base) {
      out.push(
        ...fromMatches(ctx.iocs.fileName(base), {
          grade: "medium",
          title: (m) => msg("det.sms_attachments.name", { value: m.matched }),
          timestamp: ts,
        }),
      );
    }
    if (isSuspiciousVarTmp(r.filename, r.direction)) {
      out.push(
        heuristic({
          rule: VAR_TMP_RULE.id,
          ruleDescription: VAR_TMP_RULE.description,
          grade: "medium",
          title: msg("det.sms_attachments.var_tmp", { value: r.filename }),
          why: msg("det.sms_attachments.var_tmp.why"),
          matched: r.filename,
          timestamp: ts,
        }),
      );
    }
    if (r.content) {
      out.push(...contentFindings(r.content, { service: r.service, name: r.transfer_name, sender: r.phone_number, sender_is_contact: r.sender_is_contact, timestamp: ts }));
    }
    return out;
  },
});

const TABLES = {
  attachment: ["ROWID", "filename"],
  message_attachment_join: ["message_id", "attachment_id"],
  message: ["ROWID", "handle_id"],
  handle: ["ROWID", "id"],
};

/**
 * The attachment table of one sms.db, with each attachment's message and handle. Text columns
 * are read as text whatever SQLite holds there (a number, a BLOB: see asText); names stored as
 * bytes that are neither UTF-8 nor an archived string are counted in a warning.
 */
function* attachmentRows(db: SqliteDb, ctx: ModuleContext): Generator<SmsAttachmentRecord> {
  const a = (c: (typeof OPTIONAL)[number]) => db.optional("attachment", c, "a");
  const m = (c: string) => db.optional("message", c, "m");
  const hasUserInfo = db.has("attachment", "user_info") ? "a.user_info IS NOT NULL" : "0";
  const sql = `SELECT a.ROWID, ${a("guid")}, a.filename, ${a("transfer_name")}, ${a("mime_type")}, ${a("uti")},
      ${a("total_bytes")}, ${a("is_sticker")}, ${a("hide_attachment")}, ${a("transfer_state")}, ${hasUserInfo},
      ${a("created_date")}, ${a("start_date")}, ${a("is_outgoing")},
      ${m("service")}, ${m("guid")}, ${m("is_from_me")}, hd.id
    FROM attachment a
    LEFT JOIN message_attachment_join j ON j.attachment_id = a.ROWID
    LEFT JOIN message m ON m.ROWID = j.message_id
    LEFT JOIN handle hd ON hd.ROWID = m.handle_id`;
  const undecodable = { count: 0 };
  for (const r of db.rows(sql)) {
    // is_outgoing is the attachment's own flag; older databases only have the message's.
    const outgoing = r[13] ?? r[16];
    yield {
      attachment_id: r[0],
      guid: asText(r[1]),
      filename: asText(r[2], undecodable) ?? "NULL",
      transfer_name: asText(r[3], undecodable),
      mime_type: asText(r[4]),
      uti: asText(r[5]),
      total_bytes: r[6],
      is_sticker: r[7],
      hide_attachment: r[8],
      transfer_state: r[9],
      has_user_info: r[10] === 1,
      created_date: r[11],
      isodate: fromMacAbsolute(r[11]) ?? null,
      start_date: fromMacAbsolute(r[12]) ?? null,
      direction: outgoing === 1 ? "sent" : "received",
      service: asText(r[14]) ?? "Unknown",
      message_guid: asText(r[15]),
      phone_number: asText(r[17]),
      sender_is_contact: null,
      content: null,
    };
  }
  const w = undecodableWarning(db.path, undecodable.count, "attachment name(s)");
  if (w) ctx.warn(w);
}
