// One record per WhatsApp chat (ChatStorage.sqlite ZWACHATSESSION) with the first and last
// message dates: when a conversation with a given account started and ended, even when the
// messages themselves were deleted.
import { defineSqliteModule, type SqliteDb } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { loadWhatsappIdentities, whatsappFile, type WhatsappIdentities } from "./lib/whatsapp.ts";

export interface WhatsappChatSessionRecord {
  record_type: "chat_session";
  session_pk: number;
  contact_jid: string | null;
  partner_name: string | null;
  /** Phone number of a chat keyed by LID, from the LID-phone pairs or WhatsApp's contact list. */
  partner_resolved_phone_number: string | null;
  session_type: number | null;
  archived: number | null;
  removed: number | null;
  hidden: number | null;
  message_counter: number | null;
  last_message_date: string | null;
  group_creation_date: string | null;
  first_stored_message_date: string | null;
  last_stored_message_date: string | null;
  stored_message_count: number;
}

function describe(r: WhatsappChatSessionRecord): string {
  const jid = r.contact_jid ?? "unknown";
  const id = r.partner_resolved_phone_number ?? jid;
  const label = r.partner_name ? `'${r.partner_name}' (${id})` : id;
  return jid.endsWith("@g.us") || r.group_creation_date ? `WhatsApp group chat ${label}` : `WhatsApp chat with ${label}`;
}

/** The chats of one ChatStorage.sqlite, with their partners resolved through `ids`. */
function* sessions(db: SqliteDb, ids: WhatsappIdentities): Generator<WhatsappChatSessionRecord> {
  const sc = db.present("ZWACHATSESSION", ["ZPARTNERNAME", "ZSESSIONTYPE", "ZARCHIVED", "ZREMOVED", "ZHIDDEN", "ZMESSAGECOUNTER", "ZLASTMESSAGEDATE", "ZGROUPINFO"]);
  const s = (c: string) => (sc.includes(c) ? `s.${c}` : "NULL");
  const group = sc.includes("ZGROUPINFO") && db.has("ZWAGROUPINFO", "ZCREATIONDATE");
  const linked = db.has("ZWAMESSAGE", "ZCHATSESSION");
  const sql = `SELECT s.Z_PK, s.ZCONTACTJID, ${s("ZPARTNERNAME")}, ${s("ZSESSIONTYPE")}, ${s("ZARCHIVED")}, ${s("ZREMOVED")}, ${s("ZHIDDEN")},
      ${s("ZMESSAGECOUNTER")}, ${s("ZLASTMESSAGEDATE")}, ${group ? "g.ZCREATIONDATE" : "NULL"},
      ${linked ? "MIN(m.ZMESSAGEDATE), MAX(m.ZMESSAGEDATE), COUNT(m.Z_PK)" : "NULL, NULL, 0"}
    FROM ZWACHATSESSION s
    ${group ? "LEFT JOIN ZWAGROUPINFO g ON g.Z_PK = s.ZGROUPINFO" : ""}
    ${linked ? "LEFT JOIN ZWAMESSAGE m ON m.ZCHATSESSION = s.Z_PK" : ""}
    GROUP BY s.Z_PK`;
  for (const r of db.rows(sql)) {
    const jid = asText(r[1]);
    const phone = jid && jid.endsWith("@lid") ? ids.resolve(jid).phone : null;
    yield {
      record_type: "chat_session",
      session_pk: r[0],
      contact_jid: jid,
      partner_name: asText(r[2]),
      partner_resolved_phone_number: phone,
      session_type: r[3],
      archived: r[4],
      removed: r[5],
      hidden: r[6],
      message_counter: r[7],
      last_message_date: fromMacAbsolute(r[8]) ?? null,
      group_creation_date: fromMacAbsolute(r[9]) ?? null,
      first_stored_message_date: fromMacAbsolute(r[10]) ?? null,
      last_stored_message_date: fromMacAbsolute(r[11]) ?? null,
      stored_message_count: r[12] ?? 0,
    };
  }
}

export default defineSqliteModule<WhatsappChatSessionRecord>({
  name: "whatsapp_chat_sessions",
  title: "WhatsApp chats",
  platform: "ios",
  description: "WhatsApp conversations with their partner, group creation date and first/last message dates (for the timeline; no indicator applies).",
  reads: whatsappFile("ChatStorage.sqlite"),
  requires: { ZWACHATSESSION: ["Z_PK", "ZCONTACTJID"], ZWAMESSAGE: ["Z_PK", "ZMESSAGEDATE"] },
  async rows(db, ctx) {
    // The pair table may be in this database (older versions) or in LID.sqlite; the contact
    // list (ContactsV2.sqlite) also pairs LIDs with numbers.
    return sessions(db, await loadWhatsappIdentities(ctx, db));
  },
  events(r) {
    const chat = describe(r);
    const out = [];
    if (r.group_creation_date) out.push({ timestamp: r.group_creation_date, event: "group_created", description: `${chat} was created` });
    if (r.first_stored_message_date) out.push({ timestamp: r.first_stored_message_date, event: "chat_first_message", description: `First stored message in ${chat}` });
    // The session's own date wins: it is later than the newest stored message when that was deleted.
    const last = r.last_message_date ?? r.last_stored_message_date;
    if (last) out.push({ timestamp: last, event: "chat_last_message", description: `Last message in ${chat}` });
    return out;
  },
});
