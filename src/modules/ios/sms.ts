// SMS and iMessage messages (sms.db): every message with the links it carries. Exploit links
// have been delivered by SMS/iMessage (Pegasus, Predator); Apple's own threat notifications
// also arrive by iMessage, and WhatsApp/Meta's security notices can be quoted there.
import type { Statement } from "better-sqlite3";
import type { ArtifactSpec } from "../../acquisitions/view.ts";
import { fromMatches } from "../../core/detection.ts";
import { NOTIFICATION_PREFILTER, threatNotification } from "../../rules/threat-notifications.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import type { ModuleContext } from "../contract.ts";
import { defineSqliteModule, type SqliteDb } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { attributedBodyText } from "./lib/attributed-body.ts";
import { asText, checkLinksAndText, undecodableWarning } from "./lib/checks.ts";
import { emailOf, extractLinks, hostsOf, oneLine } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SmsRecord {
  ROWID: number;
  guid: string;
  service: string | null;
  account: string | null;
  handle_id: number | null;
  phone_number: string | null;
  text: string;
  /** "text" column, or "attributedBody" when iOS 16+ kept the text only there. */
  text_source: "text" | "attributedBody" | "none";
  /**
   * As stored: nanoseconds (iOS 11+) or seconds since 2001. An integer beyond 2^53 (every date
   * in nanoseconds) is held as its decimal digits, and written to JSON as that exact number.
   * Text is kept as text, and bytes (a damaged table) as bytes.
   */
  date: number | string | Buffer | null;
  isodate: string | null;
  isodate_read: string | null;
  isodate_delivered: string | null;
  direction: "sent" | "received";
  is_from_me: number;
  is_read: number | null;
  cache_has_attachments: number | null;
  item_type: number | null;
  is_service_message: number | null;
  destination_caller_id: string | null;
  links: string[];
}

const OPTIONAL = [
  "service",
  "account",
  "date_read",
  "date_delivered",
  "is_read",
  "cache_has_attachments",
  "item_type",
  "is_service_message",
  "destination_caller_id",
] as const;

export { APPLE_THREAT_RULE } from "../../rules/threat-notifications.ts";

const WHY_RECEIVED_LINK = msg("det.sms.link_received.why");
const WHY_SENT_LINK = msg("det.link.sent.why");

// How SQLite writes an integer and a REAL as text (an integer never with leading zeros).
const INTEGER_TEXT = /^-?(?:0|[1-9]\d*)$/;
const REAL_TEXT = /^-?\d+\.\d+(?:e[+-]\d+)?$/;

/**
 * A date column's value from its text (CAST(date AS TEXT)), and the number it stands for: an
 * integer as a number, or as its exact digits beyond 2^53; a REAL as a number. Anything else
 * (text, bytes, an infinite REAL) is the value as stored, read again with `stored(rowid)`.
 */
function dateOf(text: string | null, stored: (rowid: unknown) => SmsRecord["date"], rowid: unknown): [SmsRecord["date"], number | null] {
  if (text === null) return [null, null];
  if (INTEGER_TEXT.test(text)) {
    const n = Number(text);
    return [Number.isSafeInteger(n) ? n : text, n];
  }
  if (REAL_TEXT.test(text)) {
    const n = Number(text);
    return [n, n];
  }
  const v = stored(rowid);
  return [v, typeof v === "number" ? v : null];
}

/** The messages of one sms.db, as records. */
function* messages(db: SqliteDb, ctx: ModuleContext): Generator<SmsRecord> {
  const cols = db.columns("message");
  if (!cols.has("text") && !cols.has("attributedBody")) {
    throw new VigilError("unexpected schema: table message has neither text nor attributedBody", { file: db.path, code: "schema" });
  }
  // Handles are few: a map costs less than joining them to every message row.
  // A handle's id is read as text whatever SQLite holds there (a number, a BLOB: see asText).
  const handles = new Map<number, string | null>();
  const undecodableHandles = { count: 0 };
  for (const [id, value] of db.rows<[number, unknown]>("SELECT ROWID, id FROM handle")) handles.set(id, asText(value, undecodableHandles));
  // Raw rows (arrays) cost half as much as keyed objects, and every column costs: only the
  // columns this schema has are selected, at fixed places.
  // Column 3: the date as text. SQLite writes an integer as its exact digits (64-bit: iOS's
  // nanosecond dates are beyond what a double holds exactly) and a REAL as its shortest exact
  // digits; see dateOf. Cheaper than a CASE for big integers or the date's type as a column
  // (bench/NOTES.md).
  const select = ["ROWID", "guid", "handle_id", "CAST(date AS TEXT)", "is_from_me"];
  const at = (c: string) => (cols.has(c) ? select.push(c) - 1 : -1);
  const iText = at("text");
  // attributedBody comes as hex text (rows arrive as JSON, which holds no BLOBs).
  const iBody = cols.has("attributedBody") ? select.push(iText >= 0 ? "CASE WHEN text IS NULL OR text = '' THEN hex(attributedBody) END" : "hex(attributedBody)") - 1 : -1;
  const opt = OPTIONAL.map(at);
  const [iService, iAccount, iRead, iDelivered, iIsRead, iAttach, iItem, iServiceMsg, iCaller] = opt;
  const val = (row: unknown[], i: number) => (i < 0 ? null : (row[i] ?? null));
  const columns = select.map((c) => (c.includes("(") ? c : `"${c}"`));
  let typedDate: Statement | undefined;
  const storedDate = (rowid: unknown) => (typedDate ??= db.raw.prepare("SELECT date FROM message WHERE ROWID = ?").pluck()).get(rowid) as SmsRecord["date"];
  const rows = db.paged({ columns, from: "FROM message", key: "ROWID", keyColumn: 0, split: "message" });
  // A text stored as a BLOB makes its page come as raw rows, the BLOB as bytes (pagedJsonRows).
  const undecodable = { count: 0 };
  for (const row of rows) {
    let text = iText >= 0 ? (asText(row[iText], undecodable) ?? "") : "";
    let source: SmsRecord["text_source"] = text ? "text" : "none";
    if (!text && iBody >= 0 && typeof row[iBody] === "string" && row[iBody]) {
      const t = attributedBodyText(Buffer.from(row[iBody] as string, "hex"));
      if (t) {
        text = t;
        source = "attributedBody";
      }
    }
    const fromMe = row[4] === 1;
    const handleId = (row[2] as number | null) ?? null;
    const [date, dateNumber] = dateOf(row[3] as string | null, storedDate, row[0]);
    yield {
      ROWID: row[0] as number,
      guid: asText(row[1]) as string,
      service: asText(val(row, iService)),
      account: asText(val(row, iAccount)),
      handle_id: handleId,
      phone_number: handleId === null ? null : (handles.get(handleId) ?? null),
      text,
      text_source: source,
      date,
      isodate: fromMacAbsolute(dateNumber) ?? null,
      isodate_read: fromMacAbsolute(val(row, iRead) as number | null) ?? null,
      isodate_delivered: fromMacAbsolute(val(row, iDelivered) as number | null) ?? null,
      direction: fromMe ? "sent" : "received",
      is_from_me: fromMe ? 1 : 0,
      is_read: val(row, iIsRead) as number | null,
      cache_has_attachments: val(row, iAttach) as number | null,
      item_type: val(row, iItem) as number | null,
      is_service_message: val(row, iServiceMsg) as number | null,
      destination_caller_id: asText(val(row, iCaller)),
      links: extractLinks(text),
    };
  }
  const w = undecodableWarning(db.path, undecodable.count, "message text(s)");
  if (w) ctx.warn(w);
  const wh = undecodableWarning(db.path, undecodableHandles.count, "handle id(s)");
  if (wh) ctx.warn(wh);
}

/** sms.db, read by the sms and sms_attachments modules. */
export const SMS_DB: ArtifactSpec = {
  backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }],
  fs: ["private/var/mobile/Library/SMS/sms.db"],
};

export default defineSqliteModule<SmsRecord>({
  name: "sms",
  title: "SMS and iMessage",
  platform: "ios",
  description:
    "Messages in sms.db with the links they carry. Links are checked against URL and domain indicators; Apple's threat notifications and WhatsApp/Meta security notifications are flagged.",
  reads: SMS_DB,
  shardable: true,
  exactIntegers: ["date"],
  requires: { message: ["ROWID", "guid", "date", "handle_id", "is_from_me"], handle: ["ROWID", "id"] },
  rows: messages,
  events(r) {
    const who = r.phone_number ?? "unknown";
    const what = `${r.service ?? "SMS"} ${r.direction === "sent" ? "to" : "from"} ${who}: "${oneLine(r.text, 200)}"${r.links.length ? ` (links: ${r.links.join(", ")})` : ""}`;
    const evs = [];
    if (r.isodate) evs.push({ timestamp: r.isodate, event: r.direction === "sent" ? "sms_sent" : "sms_received", description: what });
    if (r.isodate_read && r.direction === "received") evs.push({ timestamp: r.isodate_read, event: "sms_read", description: what });
    return evs;
  },
  check(r, ctx) {
    let out: DetectionInput[] | undefined;
    const received = r.direction === "received";
    if (r.text) {
      const kind = r.service === "iMessage" ? "iMessage" : r.service ?? "SMS";
      const hits = checkLinksAndText(ctx.iocs, r.links, [r.text], {
        // A link the phone was sent: the delivery step of one-click exploits. A link the owner
        // sent is weaker (forwarded to a friend or to a helper).
        grade: received ? "medium" : "weak",
        title: msg(received ? "det.sms.link_received" : "det.sms.link_sent", { kind }),
        why: received ? WHY_RECEIVED_LINK : WHY_SENT_LINK,
        mentionTitle: msg("det.sms.mention", { kind }),
        timestamp: r.isodate ?? undefined,
        linksFromTexts: true,
      });
      if (hits.length) (out ??= []).push(...hits);
    }
    // Pegasus delivered its iMessage exploits from throwaway Apple ID accounts (e-mail handles).
    const email = r.phone_number && r.phone_number.includes("@") ? emailOf(r.phone_number) : undefined;
    if (email) {
      const ms = ctx.iocs.email(email);
      if (ms.length) {
        (out ??= []).push(
          ...fromMatches(ms, {
            grade: "medium",
            title: (m) => msg(received ? "det.sms.account_from" : "det.sms.account_to", { value: m.matched }),
            why: msg("det.sms.account.why"),
            timestamp: r.isodate ?? undefined,
          }),
        );
      }
    }
    if (received && NOTIFICATION_PREFILTER.test(r.text)) {
      const alert = threatNotification({ text: r.text, hosts: hostsOf(r.links), service: r.service ?? msg("det.threat.a_message"), timestamp: r.isodate ?? undefined });
      if (alert) (out ??= []).push(alert);
    }
    return out ?? [];
  },
});
