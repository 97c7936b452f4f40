// Where WhatsApp (and WhatsApp Business) keep their databases, for the whatsapp* modules.
import type { ArtifactSpec, FileEntry } from "../../../acquisitions/view.ts";
import type { ModuleContext } from "../../contract.ts";
import { describeError } from "../../../core/errors.ts";
import { withSqlite, type SqliteDb } from "../../lib/sqlite.ts";
import { asText } from "./checks.ts";

// WhatsApp Business uses the group "group.net.whatsapp.WhatsAppSMB.shared".
const DOMAINS = ["AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared"];
const FS_DIR = "private/var/mobile/Containers/Shared/AppGroup/*";

export function whatsappFile(name: string): ArtifactSpec {
  return { backup: DOMAINS.map((domain) => ({ domain, path: name })), fs: [`${FS_DIR}/${name}`] };
}

/** "100000000000001@lid" → "100000000000001"; "+1 415…" → "1415…" (digits only). */
export function jidUser(jid: string | null | undefined): string {
  if (!jid) return "";
  const at = jid.indexOf("@");
  return (at >= 0 ? jid.slice(0, at) : jid).replace(/[^\d]/g, "");
}

/**
 * WhatsApp's newer account ids (LIDs, "…@lid") hide the phone number. The LID-phone pairs
 * (LID.sqlite, or ChatStorage.sqlite in older versions) and the contact list (ContactsV2.sqlite)
 * turn them back into a number and a name. Read on a best-effort basis by modules whose own
 * artifact is another file: a missing or unreadable database only leaves ids unresolved.
 */
export interface WhatsappIdentities {
  /** Phone number (with "+") and contact name for a LID, a JID or a phone number. */
  resolve(id: string | null | undefined): { phone: string | null; name: string | null };
  /** Number of LIDs that can be resolved. */
  readonly lids: number;
}

export async function loadWhatsappIdentities(ctx: ModuleContext, extra?: SqliteDb): Promise<WhatsappIdentities> {
  const lidToPhone = new Map<string, string>();
  const phoneToName = new Map<string, string>();
  const lidToName = new Map<string, string>();
  const readPairs = (db: SqliteDb) => {
    if (!db.has("ZWAPHONENUMBERLIDPAIR", "ZLID", "ZPHONENUMBER")) return;
    for (const [lid, phone] of db.rows<unknown[]>("SELECT ZLID, ZPHONENUMBER FROM ZWAPHONENUMBERLIDPAIR")) {
      const l = jidUser(asText(lid));
      const p = jidUser(asText(phone));
      if (l && p) lidToPhone.set(l, p);
    }
  };
  const readContacts = (db: SqliteDb) => {
    if (!db.has("ZWAADDRESSBOOKCONTACT")) return;
    const c = (n: string) => db.optional("ZWAADDRESSBOOKCONTACT", n);
    const sql = `SELECT ${c("ZLID")}, ${c("ZPHONENUMBER")}, ${c("ZWHATSAPPID")}, ${c("ZFULLNAME")} FROM ZWAADDRESSBOOKCONTACT`;
    for (const [lid, phone, waid, name] of db.rows<unknown[]>(sql)) {
      const l = jidUser(asText(lid));
      const p = jidUser(asText(phone)) || jidUser(asText(waid));
      const n = asText(name);
      if (l && p && !lidToPhone.has(l)) lidToPhone.set(l, p);
      if (p && n) phoneToName.set(p, n);
      if (l && n) lidToName.set(l, n);
    }
  };
  if (extra) {
    try {
      readPairs(extra);
    } catch (e) {
      ctx.warn(`${extra.path}: LID-phone pairs unreadable: ${describeError(e)}`);
    }
  }
  for (const [name, read] of [["LID.sqlite", readPairs], ["ContactsV2.sqlite", readContacts]] as const) {
    let files: FileEntry[] = [];
    try {
      files = await ctx.view.find(whatsappFile(name));
    } catch (e) {
      ctx.warn(`WhatsApp ${name} not searchable: ${describeError(e)}`);
    }
    for (const f of files) {
      try {
        await withSqlite(ctx, f, read);
      } catch (e) {
        ctx.warn(`WhatsApp ids not resolved from ${describeError(e)}`);
      }
    }
  }
  return {
    lids: lidToPhone.size,
    resolve(id) {
      if (!id) return { phone: null, name: null };
      const digits = jidUser(id);
      if (!digits) return { phone: null, name: null };
      if (id.endsWith("@lid")) {
        const p = lidToPhone.get(digits);
        return { phone: p ? `+${p}` : null, name: (p && phoneToName.get(p)) || lidToName.get(digits) || null };
      }
      const name = phoneToName.get(digits) ?? null;
      return { phone: name ? `+${digits}` : null, name };
    },
  };
}
