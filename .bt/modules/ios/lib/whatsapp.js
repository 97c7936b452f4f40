import { describeError } from "../../../core/errors.js";
import { asText } from "./checks.js";
const DOMAINS = ["AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared"];
const FS_DIR = "private/var/mobile/Containers/Shared/AppGroup/*";
function whatsappFile(name) {
  return { backup: DOMAINS.map((domain) => ({ domain, path: name })), fs: [`${FS_DIR}/${name}`] };
}
function jidUser(jid) {
  if (!jid) return "";
  const at = jid.indexOf("@");
  return (at >= 0 ? jid.slice(0, at) : jid).replace(/[^\d]/g, "");
}
async function loadWhatsappIdentities(ctx, extra) {
  const lidToPhone = /* @__PURE__ */ new Map();
  const phoneToName = /* @__PURE__ */ new Map();
  const lidToName = /* @__PURE__ */ new Map();
  const readPairs = (h) => {
    if (!h.tables().has("ZWAPHONENUMBERLIDPAIR")) return;
    const cols = h.columns("ZWAPHONENUMBERLIDPAIR");
    if (!cols.has("ZLID") || !cols.has("ZPHONENUMBER")) return;
    for (const [lid, phone] of h.db.prepare("SELECT ZLID, ZPHONENUMBER FROM ZWAPHONENUMBERLIDPAIR").raw(true).iterate()) {
      const l = jidUser(asText(lid));
      const p = jidUser(asText(phone));
      if (l && p) lidToPhone.set(l, p);
    }
  };
  const readContacts = (h) => {
    if (!h.tables().has("ZWAADDRESSBOOKCONTACT")) return;
    const cols = h.columns("ZWAADDRESSBOOKCONTACT");
    const c = (n) => cols.has(n) ? n : "NULL";
    const sql = `SELECT ${c("ZLID")}, ${c("ZPHONENUMBER")}, ${c("ZWHATSAPPID")}, ${c("ZFULLNAME")} FROM ZWAADDRESSBOOKCONTACT`;
    for (const [lid, phone, waid, name] of h.db.prepare(sql).raw(true).iterate()) {
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
  for (const [name, read] of [["LID.sqlite", readPairs], ["ContactsV2.sqlite", readContacts]]) {
    let files = [];
    try {
      files = await ctx.view.find(whatsappFile(name));
    } catch (e) {
      ctx.warn(`WhatsApp ${name} not searchable: ${describeError(e)}`);
    }
    for (const f of files) {
      let h;
      try {
        h = await ctx.view.openSqlite(f);
        read(h);
      } catch (e) {
        ctx.warn(`WhatsApp ids not resolved from ${describeError(e)}`);
      } finally {
        h?.close();
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
        return { phone: p ? `+${p}` : null, name: p && phoneToName.get(p) || lidToName.get(digits) || null };
      }
      const name = phoneToName.get(digits) ?? null;
      return { phone: name ? `+${digits}` : null, name };
    }
  };
}
export {
  jidUser,
  loadWhatsappIdentities,
  whatsappFile
};
