import { defineModule } from "../../core/module.js";
import { requireSchema } from "../../formats/sqlite.js";
import { fromMacAbsolute } from "../../core/time.js";
import { asText, checkLinksAndText } from "./lib/checks.js";
import { extractLinks } from "./lib/links.js";
import { whatsappFile } from "./lib/whatsapp.js";
const FIELDS = [
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
  ["sync_policy", ["ZSYNCPOLICY"], "raw"]
];
const DURATIONS = { 86400: "24 hours", 604800: "7 days", 1209600: "14 days", 2592e3: "30 days", 7776e3: "90 days" };
var whatsapp_contacts_default = defineModule({
  name: "whatsapp_contacts",
  title: "WhatsApp contacts",
  platform: "ios",
  description: 'WhatsApp contacts with their WhatsApp id, LID, phone number and disappearing-messages timer. Links in "about" texts are checked against indicators (weak).',
  reads: whatsappFile("ContactsV2.sqlite"),
  async *records(ctx) {
    for (const file of ctx.files) {
      const h = await ctx.view.openSqlite(file);
      try {
        requireSchema(h, { ZWAADDRESSBOOKCONTACT: ["Z_PK"] });
        const have = h.columns("ZWAADDRESSBOOKCONTACT");
        const chosen = FIELDS.map(([, cands]) => cands.find((c) => have.has(c)));
        const hasDuration = chosen[12] !== void 0;
        const sql = `SELECT Z_PK, ${chosen.map((c) => c ?? "NULL").join(", ")} FROM ZWAADDRESSBOOKCONTACT`;
        for (const r of h.db.prepare(sql).raw(true).iterate()) {
          const rec = { row_pk: r[0] };
          FIELDS.forEach(([name, , kind], i) => {
            const v = r[i + 1];
            rec[name] = kind === "text" ? asText(v) : kind === "date" ? fromMacAbsolute(v) ?? null : v ?? null;
          });
          const d = rec.disappearing_mode_duration;
          rec.disappearing_mode_is_on = hasDuration ? !!d : null;
          rec.disappearing_mode_label = hasDuration ? d ? DURATIONS[Math.trunc(d)] ?? `${Math.trunc(d)} seconds` : "off" : null;
          yield rec;
        }
      } finally {
        h.close();
      }
    }
  },
  events(r) {
    if (!r.disappearing_mode_timestamp) return [];
    const who = r.whatsapp_id ?? r.lid ?? r.phone_number ?? "unknown";
    return [
      {
        timestamp: r.disappearing_mode_timestamp,
        event: "disappearing_mode_set",
        description: `WhatsApp disappearing messages timer set to '${r.disappearing_mode_label}' for ${who}${r.full_name ? ` (${r.full_name})` : ""}`
      }
    ];
  },
  check(r, ctx) {
    if (!r.about_text) return [];
    return checkLinksAndText(ctx.iocs, extractLinks(r.about_text), [r.about_text], {
      grade: "weak",
      title: "Known spyware link in a WhatsApp contact's about text: ",
      mentionTitle: "Known spyware domain in a WhatsApp contact's about text: ",
      linksFromTexts: true
    });
  }
});
export {
  whatsapp_contacts_default as default
};
