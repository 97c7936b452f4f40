import { defineModule } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { fromMacAbsolute } from "../../core/time.js";
import { asText } from "./lib/checks.js";
import { whatsappFile } from "./lib/whatsapp.js";
const LID = whatsappFile("LID.sqlite");
const CHAT = whatsappFile("ChatStorage.sqlite");
var whatsapp_lid_default = defineModule({
  name: "whatsapp_lid",
  title: "WhatsApp LID-phone number pairs",
  platform: "ios",
  description: "Pairs of WhatsApp LID account ids and phone numbers (ZWAPHONENUMBERLIDPAIR), for resolving LIDs seen elsewhere; no indicator applies.",
  reads: { backup: [...LID.backup, ...CHAT.backup], fs: [...LID.fs, ...CHAT.fs] },
  async *records(ctx) {
    let tables = 0;
    for (const file of ctx.files) {
      const isLidDb = file.path.endsWith("LID.sqlite");
      const h = await ctx.view.openSqlite(file);
      try {
        if (!h.tables().has("ZWAPHONENUMBERLIDPAIR")) {
          if (isLidDb) throw new VigilError("unexpected schema: no table ZWAPHONENUMBERLIDPAIR", { file: file.path, code: "schema" });
          continue;
        }
        const cols = h.columns("ZWAPHONENUMBERLIDPAIR");
        if (!cols.has("ZLID") || !cols.has("ZPHONENUMBER")) {
          throw new VigilError("unexpected schema: table ZWAPHONENUMBERLIDPAIR lacks ZLID or ZPHONENUMBER", { file: file.path, code: "schema" });
        }
        tables++;
        const ts = cols.has("ZTIMESTAMP") ? "ZTIMESTAMP" : "NULL";
        for (const [lid, phone, t] of h.db.prepare(`SELECT ZLID, ZPHONENUMBER, ${ts} FROM ZWAPHONENUMBERLIDPAIR`).raw(true).iterate()) {
          yield { record_type: "lid_phone_number_pair", lid: asText(lid), phone_number: asText(phone), pair_timestamp: fromMacAbsolute(t) ?? null, source: file.path };
        }
      } finally {
        h.close();
      }
    }
    if (tables === 0) {
      ctx.warn("no LID-phone number table: this WhatsApp version keeps it in LID.sqlite, which is not in this acquisition");
    }
  },
  events(r) {
    if (!r.pair_timestamp) return [];
    return [{ timestamp: r.pair_timestamp, event: "lid_pair_recorded", description: `WhatsApp associated LID ${r.lid} with phone number ${r.phone_number}` }];
  }
});
export {
  whatsapp_lid_default as default
};
