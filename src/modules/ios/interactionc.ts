// CoreDuet's interaction log (interactionC.db): who the owner exchanged messages, calls and
// shares with, in which app, when, even after the app's own history was deleted.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { sqliteRecords, type SqliteDb } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { emailOf } from "./lib/links.ts";
import { loadWhatsappIdentities, type WhatsappIdentities } from "./lib/whatsapp.ts";
import { msg } from "../../core/i18n/index.ts";

export interface InteractionRecord {
  table_id: number;
  start_date: string | null;
  end_date: string | null;
  interactions_creation_date: string | null;
  bundle_id: string | null;
  target_bundle_id: string | null;
  account: string | null;
  direction: string | null;
  mechanism: number | null;
  is_response: number | null;
  recipient_count: number | null;
  domain_identifier: string | null;
  group_name: string | null;
  derivied_intent_id: string | null;
  interaction_content_url: string | null;
  location_uuid: string | null;
  sender_display_name: string | null;
  sender_identifier: string | null;
  sender_personid: string | null;
  custom_id: string | null;
  incoming_recipient_count: number | null;
  incoming_sender_count: number | null;
  outgoing_recipient_count: number | null;
  contacts_creation_date: string | null;
  first_incoming_recipient_date: string | null;
  first_incoming_sender_date: string | null;
  first_outgoing_recipient_date: string | null;
  last_incoming_sender_date: string | null;
  last_incoming_recipient_date: string | null;
  last_outgoing_recipient_date: string | null;
  recipient_display_name: string | null;
  recipient_identifier: string | null;
  recipient_personid: string | null;
  content: string | null;
  uti: string | null;
  attachment_content_url: string | null;
  size: number | null;
  photo_local_id: string | null;
  attachment_id: string | null;
  cloud_id: string | null;
  /** WhatsApp interactions: phone number and WhatsApp contact name behind a LID or number. */
  sender_resolved_phone_number: string | null;
  sender_resolved_name: string | null;
  recipient_resolved_phone_number: string | null;
  recipient_resolved_name: string | null;
  domain_resolved_phone_number: string | null;
  domain_resolved_name: string | null;
}

const WHATSAPP_BUNDLES = new Set(["net.whatsapp.WhatsApp", "net.whatsapp.WhatsAppSMB"]);

type Kind = "text" | "date" | "num" | "hex";
// Output field, source alias (i: interaction, s: sender contact, r: recipient contact, a: attachment), column, kind.
const FIELDS: [keyof InteractionRecord, "i" | "s" | "r" | "a", string, Kind][] = [
  ["table_id", "i", "Z_PK", "num"],
  ["start_date", "i", "ZSTARTDATE", "date"],
  ["end_date", "i", "ZENDDATE", "date"],
  ["interactions_creation_date", "i", "ZCREATIONDATE", "date"],
  ["bundle_id", "i", "ZBUNDLEID", "text"],
  ["target_bundle_id", "i", "ZTARGETBUNDLEID", "text"],
  ["account", "i", "ZACCOUNT", "text"],
  ["direction", "i", "ZDIRECTION", "num"],
  ["mechanism", "i", "ZMECHANISM", "num"],
  ["is_response", "i", "ZISRESPONSE", "num"],
  ["recipient_count", "i", "ZRECIPIENTCOUNT", "num"],
  ["domain_identifier", "i", "ZDOMAINIDENTIFIER", "text"],
  ["group_name", "i", "ZGROUPNAME", "text"],
  ["derivied_intent_id", "i", "ZDERIVEDINTENTIDENTIFIER", "text"],
  ["interaction_content_url", "i", "ZCONTENTURL", "text"],
  ["location_uuid", "i", "ZLOCATIONUUID", "text"],
  ["sender_display_name", "s", "ZDISPLAYNAME", "text"],
  ["sender_identifier", "s", "ZIDENTIFIER", "text"],
  ["sender_personid", "s", "ZPERSONID", "text"],
  ["custom_id", "s", "ZCUSTOMIDENTIFIER", "text"],
  ["incoming_recipient_count", "s", "ZINCOMINGRECIPIENTCOUNT", "num"],
  ["incoming_sender_count", "s", "ZINCOMINGSENDERCOUNT", "num"],
  ["outgoing_recipient_count", "s", "ZOUTGOINGRECIPIENTCOUNT", "num"],
  ["contacts_creation_date", "s", "ZCREATIONDATE", "date"],
  ["first_incoming_recipient_date", "s", "ZFIRSTINCOMINGRECIPIENTDATE", "date"],
  ["first_incoming_sender_date", "s", "ZFIRSTINCOMINGSENDERDATE", "date"],
  ["first_outgoing_recipient_date", "s", "ZFIRSTOUTGOINGRECIPIENTDATE", "date"],
  ["last_incoming_sender_date", "s", "ZLASTINCOMINGSENDERDATE", "date"],
  ["last_incoming_recipient_date", "s", "ZLASTINCOMINGRECIPIENTDATE", "date"],
  ["last_outgoing_recipient_date", "s", "ZLASTOUTGOINGRECIPIENTDATE", "date"],
  ["recipient_display_name", "r", "ZDISPLAYNAME", "text"],
  ["recipient_identifier", "r", "ZIDENTIFIER", "text"],
  ["recipient_personid", "r", "ZPERSONID", "text"],
  ["content", "a", "ZCONTENTTEXT", "text"],
  ["uti", "a", "ZUTI", "text"],
  ["attachment_content_url", "a", "ZCONTENTURL", "text"],
  ["size", "a", "ZSIZEINBYTES", "num"],
  ["photo_local_id", "a", "ZPHOTOLOCALIDENTIFIER", "text"],
  ["attachment_id", "a", "ZIDENTIFIER", "hex"],
  ["cloud_id", "a", "ZCLOUDIDENTIFIER", "text"],
];

/** A Core Data many-to-many table: its entity numbers shift between iOS versions, so find it by shape. */
function joinTable(db: SqliteDb, table: RegExp, a: RegExp, b: RegExp): { name: string; a: string; b: string } | undefined {
  for (const t of db.tables()) {
    if (!table.test(t)) continue;
    const cols = [...db.columns(t)];
    const ca = cols.find((c) => a.test(c));
    const cb = cols.find((c) => b.test(c) && c !== ca);
    if (ca && cb) return { name: t, a: ca, b: cb };
  }
  return undefined;
}

function who(name: string | null, id: string | null): string {
  if (name && id) return `${name} (${id})`;
  return name ?? id ?? "unknown";
}

/** The interactions of one interactionC.db, with WhatsApp ids resolved through `ids`. */
function* interactions(db: SqliteDb, ids: WhatsappIdentities): Generator<InteractionRecord> {
  const haveContacts = db.has("ZCONTACTS", "Z_PK");
  const senderJoin = haveContacts && db.has("ZINTERACTIONS", "ZSENDER");
  const att = db.has("ZATTACHMENT") ? joinTable(db, /^Z_\d+INTERACTIONS$/, /^Z_\d+ATTACHMENTS$/, /^Z_\d+INTERACTIONS$/) : undefined;
  const rec = haveContacts ? joinTable(db, /^Z_\d+INTERACTIONRECIPIENT$/, /^Z_\d+RECIPIENTS$/, /^Z_\d+INTERACTIONRECIPIENT$/) : undefined;
  const avail: Record<string, Set<string> | undefined> = {
    i: db.columns("ZINTERACTIONS"),
    s: senderJoin ? db.columns("ZCONTACTS") : undefined,
    r: rec ? db.columns("ZCONTACTS") : undefined,
    a: att ? db.columns("ZATTACHMENT") : undefined,
  };
  const sel = FIELDS.map(([, src, col, kind]) => {
    if (!avail[src]?.has(col)) return "NULL";
    return kind === "hex" ? `HEX(${src}.${col})` : `${src}.${col}`;
  });
  const sql = `SELECT ${sel.join(", ")} FROM ZINTERACTIONS i
    ${senderJoin ? "LEFT JOIN ZCONTACTS s ON s.Z_PK = i.ZSENDER" : ""}
    ${att ? `LEFT JOIN "${att.name}" ja ON ja."${att.b}" = i.Z_PK LEFT JOIN ZATTACHMENT a ON a.Z_PK = ja."${att.a}"` : ""}
    ${rec ? `LEFT JOIN "${rec.name}" jr ON jr."${rec.b}" = i.Z_PK LEFT JOIN ZCONTACTS r ON r.Z_PK = jr."${rec.a}"` : ""}`;
  for (const row of db.rows(sql)) {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < FIELDS.length; k++) {
      const [name, , , kind] = FIELDS[k];
      const v = row[k];
      out[name] = kind === "date" ? fromMacAbsolute(v) ?? null : kind === "text" || kind === "hex" ? asText(v) || null : v ?? null;
    }
    const d = out.direction;
    out.direction = d === 0 ? "INCOMING" : d === 1 ? "OUTGOING" : d === null ? null : String(d);
    const wa = WHATSAPP_BUNDLES.has(out.bundle_id as string);
    for (const k of ["sender", "recipient", "domain"] as const) {
      const r = wa ? ids.resolve(out[k === "domain" ? "domain_identifier" : `${k}_identifier`] as string | null) : undefined;
      out[`${k}_resolved_phone_number`] = r?.phone ?? null;
      out[`${k}_resolved_name`] = r?.name ?? null;
    }
    yield out as unknown as InteractionRecord;
  }
}

export default defineModule<InteractionRecord>({
  name: "interactionc",
  title: "Interactions (CoreDuet interactionC)",
  platform: "ios",
  description:
    "Messages, calls and shares the system logged per app and contact, with dates. E-mail handles are checked against e-mail indicators and shared URLs against URL indicators.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/CoreDuet/People/interactionC.db" }],
    fs: ["private/var/mobile/Library/CoreDuet/People/interactionC.db"],
  },
  records(ctx) {
    // WhatsApp logs its chats under LIDs; WhatsApp's own databases, when present, resolve them.
    const ids = loadWhatsappIdentities(ctx);
    return sqliteRecords(ctx, { requires: { ZINTERACTIONS: ["Z_PK", "ZSTARTDATE"] }, rows: async (db) => interactions(db, await ids) });
  },
  events(r) {
    const from =
      r.direction === "OUTGOING" ? "local user" : who(r.sender_resolved_name ?? r.sender_display_name, r.sender_resolved_phone_number ?? r.sender_identifier);
    const to =
      r.direction !== "OUTGOING"
        ? "local user"
        : r.recipient_identifier
          ? who(r.recipient_resolved_name ?? r.recipient_display_name, r.recipient_resolved_phone_number ?? r.recipient_identifier)
          : who(r.domain_resolved_name, r.domain_resolved_phone_number ?? r.domain_identifier);
    const what = `[${r.bundle_id ?? "unknown app"}] ${r.direction ?? ""} from ${from} to ${to}${r.content ? `: ${r.content}` : ""}`.replace("]  from", "] from");
    const out = [];
    if (r.start_date) out.push({ timestamp: r.start_date, event: "interaction", description: what });
    // The record's own creation date only says something when it is far from the interaction.
    if (r.interactions_creation_date && r.start_date && Math.abs(Date.parse(r.interactions_creation_date) - Date.parse(r.start_date)) > 3600_000) {
      const days = Math.round((Date.parse(r.interactions_creation_date) - Date.parse(r.start_date)) / 86400_000);
      out.push({ timestamp: r.interactions_creation_date, event: "interactions_creation_date", description: `Interaction record created ${days} days after the event: ${what}` });
    }
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const ts = r.start_date ?? undefined;
    const seen = new Set<string>();
    for (const h of [r.sender_identifier, r.recipient_identifier, r.account, r.custom_id]) {
      const e = h && h.includes("@") ? emailOf(h) : undefined;
      if (!e || seen.has(e)) continue;
      seen.add(e);
      out.push(
        ...fromMatches(ctx.iocs.email(e), {
          grade: "medium",
          title: (m) => msg("det.interactionc.account", { app: r.bundle_id ?? msg("det.an_app"), value: m.matched }),
          why: msg("det.interactionc.account.why"),
          timestamp: ts,
        }),
      );
    }
    for (const u of [r.interaction_content_url, r.attachment_content_url]) {
      if (!u || u.startsWith("file:")) continue;
      out.push(
        ...fromMatches(ctx.iocs.url(u), {
          grade: r.direction === "OUTGOING" ? "weak" : "medium",
          title: (m) => msg("det.interactionc.url", { app: r.bundle_id ?? msg("det.an_app"), value: m.matched }),
          timestamp: ts,
        }),
      );
    }
    return out;
  },
});
