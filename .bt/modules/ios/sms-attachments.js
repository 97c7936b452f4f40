import { SMS_DB } from "./sms.js";
import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { requireSchema } from "../../formats/sqlite.js";
import { fromMacAbsolute } from "../../core/time.js";
import { present } from "./lib/checks.js";
const OPTIONAL = ["guid", "transfer_name", "mime_type", "uti", "total_bytes", "is_sticker", "hide_attachment", "transfer_state", "created_date", "start_date", "is_outgoing"];
const VAR_TMP_RULE = {
  id: "sms-attachment-var-tmp",
  description: 'A received SMS/iMessage attachment stored under /var/tmp/ (or /private/var/tmp/) with a name ending in "-1": Messages keeps attachments under ~/Library/SMS/Attachments; this path and suffix match attachments seen in iMessage exploitation (MVT rule).'
};
function isSuspiciousVarTmp(filename, direction) {
  if (!filename || direction !== "received") return false;
  const f = filename.startsWith("/private/") ? filename.slice(8) : filename;
  return f.startsWith("/var/tmp/") && f.endsWith("-1") && f.length > "/var/tmp/-1".length;
}
var sms_attachments_default = defineModule({
  name: "sms_attachments",
  title: "SMS and iMessage attachments",
  platform: "ios",
  description: 'Attachments of messages in sms.db (file name, type, size, direction). Paths are checked against file indicators; received attachments stored under /var/tmp with a "-1" suffix are flagged.',
  reads: SMS_DB,
  async *records(ctx) {
    for (const file of ctx.files) {
      const h = await ctx.view.openSqlite(file);
      try {
        requireSchema(h, {
          attachment: ["ROWID", "filename"],
          message_attachment_join: ["message_id", "attachment_id"],
          message: ["ROWID", "handle_id"],
          handle: ["ROWID", "id"]
        });
        const opt = present(h, "attachment", OPTIONAL);
        const mcols = h.columns("message");
        const a = (c) => opt.includes(c) ? `a."${c}"` : "NULL";
        const hasUserInfo = h.columns("attachment").has("user_info") ? "a.user_info IS NOT NULL" : "0";
        const sql = `SELECT a.ROWID, ${a("guid")}, a.filename, ${a("transfer_name")}, ${a("mime_type")}, ${a("uti")},
            ${a("total_bytes")}, ${a("is_sticker")}, ${a("hide_attachment")}, ${a("transfer_state")}, ${hasUserInfo},
            ${a("created_date")}, ${a("start_date")}, ${a("is_outgoing")},
            ${mcols.has("service") ? "m.service" : "NULL"}, ${mcols.has("guid") ? "m.guid" : "NULL"},
            ${mcols.has("is_from_me") ? "m.is_from_me" : "NULL"}, hd.id
          FROM attachment a
          LEFT JOIN message_attachment_join j ON j.attachment_id = a.ROWID
          LEFT JOIN message m ON m.ROWID = j.message_id
          LEFT JOIN handle hd ON hd.ROWID = m.handle_id`;
        for (const r of h.db.prepare(sql).raw(true).iterate()) {
          const outgoing = r[13] ?? r[16];
          yield {
            attachment_id: r[0],
            guid: r[1],
            filename: r[2] ?? "NULL",
            transfer_name: r[3],
            mime_type: r[4],
            uti: r[5],
            total_bytes: r[6],
            is_sticker: r[7],
            hide_attachment: r[8],
            transfer_state: r[9],
            has_user_info: r[10] === 1,
            created_date: r[11],
            isodate: fromMacAbsolute(r[11]) ?? null,
            start_date: fromMacAbsolute(r[12]) ?? null,
            direction: outgoing === 1 ? "sent" : "received",
            service: r[14] ?? "Unknown",
            message_guid: r[15],
            phone_number: r[17]
          };
        }
      } finally {
        h.close();
      }
    }
  },
  events(r) {
    if (!r.isodate) return [];
    return [
      {
        timestamp: r.isodate,
        event: "sms_attachment",
        description: `${r.service}: attachment '${r.transfer_name ?? r.filename}' ${r.direction} ${r.direction === "sent" ? "to" : "from"} ${r.phone_number ?? "unknown"} (${r.mime_type ?? "unknown type"}, ${r.total_bytes ?? "?"} bytes)`
      }
    ];
  },
  check(r, ctx) {
    const out = [];
    const ts = r.isodate ?? void 0;
    if (r.filename !== "NULL") {
      const abs = r.filename.startsWith("~/") ? `/var/mobile/${r.filename.slice(2)}` : r.filename;
      out.push(
        ...fromMatches(ctx.iocs.filePath(abs), {
          grade: "strong",
          title: (m) => `Known spyware file path among message attachments: ${m.matched}`,
          why: "The file was delivered to the phone as a message attachment.",
          timestamp: ts
        })
      );
    }
    const base = r.transfer_name ?? (r.filename !== "NULL" ? r.filename.split("/").pop() : void 0);
    if (base) {
      out.push(
        ...fromMatches(ctx.iocs.fileName(base), {
          grade: "medium",
          title: (m) => `Known spyware file name among message attachments: ${m.matched}`,
          timestamp: ts
        })
      );
    }
    if (isSuspiciousVarTmp(r.filename, r.direction)) {
      out.push(
        heuristic({
          rule: VAR_TMP_RULE.id,
          ruleDescription: VAR_TMP_RULE.description,
          grade: "medium",
          title: `Suspicious iMessage attachment in /var/tmp: ${r.filename}`,
          why: 'Ordinary attachments live under ~/Library/SMS/Attachments. Received attachments in /var/tmp ending in "-1" were seen in zero-click iMessage exploitation.',
          matched: r.filename,
          timestamp: ts
        })
      );
    }
    return out;
  }
});
export {
  VAR_TMP_RULE,
  sms_attachments_default as default,
  isSuspiciousVarTmp
};
