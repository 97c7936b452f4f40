import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { requireSchema } from "../../formats/sqlite.js";
import { fromMacAbsolute } from "../../core/time.js";
import { attributedBodyText } from "./lib/attributed-body.js";
import { checkLinksAndText, present } from "./lib/checks.js";
import { emailOf, extractLinks, hostOf, oneLine } from "./lib/links.js";
const OPTIONAL = [
  "service",
  "account",
  "date_read",
  "date_delivered",
  "is_read",
  "cache_has_attachments",
  "item_type",
  "is_service_message",
  "destination_caller_id"
];
const THREAT_TITLE = /^\s*ALERT: (State-sponsored attackers may be targeting your iPhone|Apple detected a (targeted )?mercenary spyware attack against your iPhone)/i;
const THREAT_BODY = /(targeted by (a )?(mercenary spyware|state-sponsored) attack|state-sponsored attackers|mercenary spyware attack)/i;
const THREAT_PREFILTER = /ALERT|spyware|tate-sponsored/i;
const APPLE_THREAT_RULE = {
  id: "apple-threat-notification",
  description: `A received iMessage reads like Apple's threat notification ("ALERT: State-sponsored attackers may be targeting your iPhone" / "Apple detected a targeted mercenary spyware attack against your iPhone"), or quotes its warning together with a link to apple.com.`
};
function threatNotification(r) {
  if (r.direction !== "received" || !r.text) return void 0;
  const title = THREAT_TITLE.test(r.text);
  const body = !title && THREAT_BODY.test(r.text) && r.links.some((l) => {
    const h = hostOf(l);
    return h === "apple.com" || h !== void 0 && h.endsWith(".apple.com");
  });
  if (!title && !body) return void 0;
  return heuristic({
    rule: APPLE_THREAT_RULE.id,
    ruleDescription: APPLE_THREAT_RULE.description,
    grade: "medium",
    title: `Apple threat notification received by ${r.service ?? "message"} on ${r.isodate ?? "an unknown date"}`,
    why: "Apple sends these notifications when it detects that the owner was targeted by mercenary spyware. It says the account was targeted, not that the phone is infected; an expert should check the phone.",
    matched: oneLine(r.text, 200),
    timestamp: r.isodate ?? void 0
  });
}
const WHY_RECEIVED_LINK = "Spyware operators send exploit links by SMS and iMessage; receiving one shows the owner was targeted, and opening it may have infected the phone.";
const WHY_SENT_LINK = "The owner sent this link; it may have been forwarded for help.";
const SMS_DB = {
  backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }],
  fs: ["private/var/mobile/Library/SMS/sms.db"]
};
var sms_default = defineModule({
  name: "sms",
  title: "SMS and iMessage",
  platform: "ios",
  description: "Messages in sms.db with the links they carry. Links are checked against URL and domain indicators; Apple's threat notifications are flagged.",
  reads: SMS_DB,
  async *records(ctx) {
    for (const file of ctx.files) {
      const h = await ctx.view.openSqlite(file);
      try {
        requireSchema(h, { message: ["ROWID", "guid", "date", "handle_id", "is_from_me"], handle: ["ROWID", "id"] });
        const cols = h.columns("message");
        if (!cols.has("text") && !cols.has("attributedBody")) {
          throw new VigilError("unexpected schema: table message has neither text nor attributedBody", { file: file.path, code: "schema" });
        }
        const opt = present(h, "message", OPTIONAL);
        const textExpr = cols.has("text") ? "m.text" : "NULL";
        const bodyExpr = cols.has("attributedBody") ? cols.has("text") ? "CASE WHEN m.text IS NULL OR m.text = '' THEN m.attributedBody END" : "m.attributedBody" : "NULL";
        const select = [
          "m.ROWID",
          "m.guid",
          textExpr,
          bodyExpr,
          "m.handle_id",
          "m.date",
          "m.is_from_me",
          "hd.id",
          ...OPTIONAL.map((c) => opt.includes(c) ? `m."${c}"` : "NULL")
        ];
        const stmt = h.db.prepare(`SELECT ${select.join(", ")} FROM message m LEFT JOIN handle hd ON hd.ROWID = m.handle_id`).raw(true);
        const O = 8;
        for (const row of stmt.iterate()) {
          let text = typeof row[2] === "string" ? row[2] : "";
          let source = text ? "text" : "none";
          if (!text && row[3]) {
            const t = attributedBodyText(row[3]);
            if (t) {
              text = t;
              source = "attributedBody";
            }
          }
          const fromMe = row[6] === 1;
          yield {
            ROWID: row[0],
            guid: row[1],
            service: row[O] ?? null,
            account: row[O + 1] ?? null,
            handle_id: row[4] ?? null,
            phone_number: row[7] ?? null,
            text,
            text_source: source,
            date: row[5] ?? null,
            isodate: fromMacAbsolute(row[5]) ?? null,
            isodate_read: fromMacAbsolute(row[O + 2]) ?? null,
            isodate_delivered: fromMacAbsolute(row[O + 3]) ?? null,
            direction: fromMe ? "sent" : "received",
            is_from_me: fromMe ? 1 : 0,
            is_read: row[O + 4] ?? null,
            cache_has_attachments: row[O + 5] ?? null,
            item_type: row[O + 6] ?? null,
            is_service_message: row[O + 7] ?? null,
            destination_caller_id: row[O + 8] ?? null,
            links: extractLinks(text)
          };
        }
      } finally {
        h.close();
      }
    }
  },
  events(r) {
    const who = r.phone_number ?? "unknown";
    const what = `${r.service ?? "SMS"} ${r.direction === "sent" ? "to" : "from"} ${who}: "${oneLine(r.text, 200)}"${r.links.length ? ` (links: ${r.links.join(", ")})` : ""}`;
    const evs = [];
    if (r.isodate) evs.push({ timestamp: r.isodate, event: r.direction === "sent" ? "sms_sent" : "sms_received", description: what });
    if (r.isodate_read && r.direction === "received") evs.push({ timestamp: r.isodate_read, event: "sms_read", description: what });
    return evs;
  },
  check(r, ctx) {
    let out;
    const received = r.direction === "received";
    if (r.text) {
      const kind = r.service === "iMessage" ? "iMessage" : r.service ?? "SMS";
      const hits = checkLinksAndText(ctx.iocs, r.links, [r.text], {
        // A link the phone was sent: the delivery step of one-click exploits. A link the owner
        // sent is weaker (forwarded to a friend or to a helper).
        grade: received ? "medium" : "weak",
        title: `Known spyware link in a ${received ? "received" : "sent"} ${kind}: `,
        why: received ? WHY_RECEIVED_LINK : WHY_SENT_LINK,
        mentionTitle: `Known spyware domain mentioned in a ${kind}: `,
        timestamp: r.isodate ?? void 0,
        linksFromTexts: true
      });
      if (hits.length) (out ??= []).push(...hits);
    }
    const email = r.phone_number && r.phone_number.includes("@") ? emailOf(r.phone_number) : void 0;
    if (email) {
      const ms = ctx.iocs.email(email);
      if (ms.length) {
        (out ??= []).push(
          ...fromMatches(ms, {
            grade: "medium",
            title: (m) => `${received ? "Message from" : "Message to"} a known spyware-operator account: ${m.matched}`,
            why: "Operators used such accounts to send zero-click exploits over iMessage.",
            timestamp: r.isodate ?? void 0
          })
        );
      }
    }
    if (received && THREAT_PREFILTER.test(r.text)) {
      const alert = threatNotification(r);
      if (alert) (out ??= []).push(alert);
    }
    return out ?? [];
  }
});
export {
  APPLE_THREAT_RULE,
  SMS_DB,
  sms_default as default
};
