// WhatsApp's pairs of LID (the anonymous "…@lid" account id of newer WhatsApp versions) and
// phone number, from LID.sqlite or, in versions before it, from ChatStorage.sqlite. They let an
// investigator tie a LID in other artifacts (interactionC, chats) to a phone number.
import { defineModule } from "../contract.ts";
import { sqliteRecords, type SqliteDb } from "../lib/sqlite.ts";
import { VigilError } from "../../core/errors.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { whatsappFile } from "./lib/whatsapp.ts";

export interface WhatsappLidRecord {
  record_type: "lid_phone_number_pair";
  lid: string | null;
  phone_number: string | null;
  pair_timestamp: string | null;
  /** The database the pair was read from. */
  source: string;
}

const LID = whatsappFile("LID.sqlite");
const CHAT = whatsappFile("ChatStorage.sqlite");

export default defineModule<WhatsappLidRecord>({
  name: "whatsapp_lid",
  title: "WhatsApp LID-phone number pairs",
  platform: "ios",
  description: "Pairs of WhatsApp LID account ids and phone numbers (ZWAPHONENUMBERLIDPAIR), for resolving LIDs seen elsewhere; no indicator applies.",
  reads: { backup: [...LID.backup!, ...CHAT.backup!], fs: [...LID.fs!, ...CHAT.fs!] },
  records(ctx) {
    let tables = 0;
    const rows = function* (db: SqliteDb): Generator<WhatsappLidRecord> {
      if (!db.has("ZWAPHONENUMBERLIDPAIR")) {
        // LID.sqlite exists only for the pair table; ChatStorage.sqlite holds it only in some versions.
        if (db.path.endsWith("LID.sqlite")) throw new VigilError("unexpected schema: no table ZWAPHONENUMBERLIDPAIR", { file: db.path, code: "schema" });
        return;
      }
      if (!db.has("ZWAPHONENUMBERLIDPAIR", "ZLID", "ZPHONENUMBER")) {
        throw new VigilError("unexpected schema: table ZWAPHONENUMBERLIDPAIR lacks ZLID or ZPHONENUMBER", { file: db.path, code: "schema" });
      }
      tables++;
      const ts = db.optional("ZWAPHONENUMBERLIDPAIR", "ZTIMESTAMP");
      for (const [lid, phone, t] of db.rows(`SELECT ZLID, ZPHONENUMBER, ${ts} FROM ZWAPHONENUMBERLIDPAIR`)) {
        yield { record_type: "lid_phone_number_pair", lid: asText(lid), phone_number: asText(phone), pair_timestamp: fromMacAbsolute(t) ?? null, source: db.path };
      }
    };
    return sqliteRecords(ctx, { rows }, () => {
      if (tables === 0) ctx.warn("no LID-phone number table: this WhatsApp version keeps it in LID.sqlite, which is not in this acquisition");
      return [];
    });
  },
  events(r) {
    if (!r.pair_timestamp) return [];
    return [{ timestamp: r.pair_timestamp, event: "lid_pair_recorded", description: `WhatsApp associated LID ${r.lid} with phone number ${r.phone_number}` }];
  },
});
