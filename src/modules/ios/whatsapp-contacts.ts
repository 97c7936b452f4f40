// WhatsApp's contact list (ContactsV2.sqlite): WhatsApp ids, LIDs, phone numbers, "about" texts
// and the per-contact disappearing-messages timer (ChatStorage does not record it for 1:1 chats).
import { defineSqliteModule } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText, checkLinksAndText } from "./lib/checks.ts";
import { extractLinks } from "./lib/links.ts";
import { whatsappFile } from "./lib/whatsapp.ts";
import { msg } from "../../core/i18n/index.ts";

export interface WhatsappContactRecord {
  row_pk: number;
  whatsapp_id: string | null;
  lid: string | null;
  phone_number: string | null;
  localized_phone_number: string | null;
  full_name: string | null;
  given_name: string | null;
  last_name: string | null;
  user_name: string | null;
  business_name: string | null;
  about_text: string | null;
  about_emoji: string | null;
  notes: string | null;
  disappearing_mode_duration: number | null;
  disappearing_mode_timestamp: string | null;
  about_timestamp: string | null;
  last_updated: string | null;
  phone_status: number | null;
  sync_policy: number | null;
  /** null when this WhatsApp version does not record the timer. */
  disappearing_mode_is_on: boolean | null;
  disappearing_mode_label: string | null;
  /** MVT's field: when the "about" text expires. */
  about_expiration_timestamp: string | null;
}

// Output field → candidate columns, first present wins (WhatsApp renames columns).
const FIELDS: [keyof WhatsappContactRecord, string[], "text" | "date" | "raw"][] = [
  ["whatsapp_id", ["ZWHATSAPPID"], "text"],
  ["lid", ["ZLID"], "text"],
  ["phone_number", ["ZPHONENUMBER"], "text"],
  ["localized_phone_number", ["ZLOCALIZEDPHONENUMBER"], "text"],
  ["full_name", ["ZFULLNAME"], "text"],
  ["given_name", ["ZGIVENNAME"], "text"],
  ["last_name", ["ZLASTNAME"], "text"],
  ["user_name", ["ZUSERNAME"], "text"],
  ["business_name", ["ZBUSINESSNAME"], "text"],
  ["about_text", ["ZABOUTTEXT"], "text"],
  ["about_emoji", ["ZABOUTEMOJI"], "text"],
  ["notes", ["ZNOTES"], "text"],
  ["disappearing_mode_duration", ["ZDISAPPEARINGMODEDURATION"], "raw"],
  ["disappearing_mode_timestamp", ["ZDISAPPEARINGMODETIMESTAMP"], "date"],
  ["about_timestamp", ["ZABOUTTIMESTAMP"], "date"],
  ["last_updated", ["ZLASTUPDATED"], "date"],
  ["phone_status", ["ZPHONESTATUS", "ZPHONENUMBERSTATUS"], "raw"],
  ["sync_policy", ["ZSYNCPOLICY"], "raw"],
];
/** Read after the others, so that the record keeps its layout with the field added at its end. */
const LATER_FIELDS: typeof FIELDS = [["about_expiration_timestamp", ["ZABOUTEXPIRATIONTIMESTAMP"], "date"]];

const DURATIONS: Record<number, string> = { 86400: "24 hours", 604800: "7 days", 1209600: "14 days", 2592000: "30 days", 7776000: "90 days" };

export default defineSqliteModule<WhatsappContactRecord>({
  name: "whatsapp_contacts",
  title: "WhatsApp contacts",
  platform: "ios",
  description: "WhatsApp contacts with their WhatsApp id, LID, phone number and disappearing-messages timer. Links in \"about\" texts are checked against indicators (weak).",
  reads: whatsappFile("ContactsV2.sqlite"),
  requires: { ZWAADDRESSBOOKCONTACT: ["Z_PK"] },
  *rows(db) {
    const have = db.columns("ZWAADDRESSBOOKCONTACT");
    const all = [...FIELDS, ...LATER_FIELDS];
    const chosen = all.map(([, cands]) => cands.find((c) => have.has(c)));
    const hasDuration = chosen[12] !== undefined;
    const sql = `SELECT Z_PK, ${chosen.map((c) => c ?? "NULL").join(", ")} FROM ZWAADDRESSBOOKCONTACT`;
    const value = (r: unknown[], i: number) => {
      const v = r[i + 1];
      const kind = all[i][2];
      return kind === "text" ? asText(v) : kind === "date" ? fromMacAbsolute(v as number | null) ?? null : v ?? null;
    };
    for (const r of db.rows(sql)) {
      const rec: Record<string, unknown> = { row_pk: r[0] };
      FIELDS.forEach(([name], i) => {
        rec[name] = value(r, i);
      });
      const d = rec.disappearing_mode_duration as number | null;
      rec.disappearing_mode_is_on = hasDuration ? !!d : null;
      rec.disappearing_mode_label = hasDuration ? (d ? DURATIONS[Math.trunc(d)] ?? `${Math.trunc(d)} seconds` : "off") : null;
      LATER_FIELDS.forEach(([name], i) => {
        rec[name] = value(r, FIELDS.length + i);
      });
      yield rec as unknown as WhatsappContactRecord;
    }
  },
  events(r) {
    if (!r.disappearing_mode_timestamp) return [];
    const who = r.whatsapp_id ?? r.lid ?? r.phone_number ?? "unknown";
    return [
      {
        timestamp: r.disappearing_mode_timestamp,
        event: "disappearing_mode_set",
        description: `WhatsApp disappearing messages timer set to '${r.disappearing_mode_label}' for ${who}${r.full_name ? ` (${r.full_name})` : ""}`,
      },
    ];
  },
  check(r, ctx) {
    if (!r.about_text) return [];
    return checkLinksAndText(ctx.iocs, extractLinks(r.about_text), [r.about_text], {
      grade: "weak",
      title: msg("det.whatsapp_contacts.link"),
      mentionTitle: msg("det.whatsapp_contacts.mention"),
      linksFromTexts: true,
    });
  },
});
