// WhatsApp's own call log (CallHistory.sqlite in WhatsApp's shared container): one record per
// call (ZWACDCALLEVENT) with its entry in the call list (ZWAAGGREGATECALLEVENT: direction,
// missed, video) and the other party (ZWACDCALLEVENTPARTICIPANT). In 2019 a WhatsApp voice call
// was enough to infect a phone with Pegasus (CVE-2019-3568), even unanswered: targets saw
// missed calls from unknown numbers. Bursts of missed calls from strangers are flagged.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import { msg } from "../../core/i18n/index.ts";
import type { ContactFlag } from "../../core/model.ts";
import { sqliteRecords, type SqliteDb } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { loadContactBook, type ContactBook } from "./lib/contact-book.ts";
import { whatsappFile } from "./lib/whatsapp.ts";

export interface WhatsappCallRecord {
  call_pk: number;
  /** The call-list entry (ZWAAGGREGATECALLEVENT) this call belongs to. */
  aggregate_pk: number | null;
  call_id: string | null;
  isodate: string | null;
  duration: number | null;
  direction: "incoming" | "outgoing" | null;
  /** ZOUTCOME: 0 ended after being answered, 1 missed, 2 failed, 4 rejected. */
  outcome: number | null;
  status: "answered" | "missed" | "failed" | "rejected" | "unknown";
  answered: boolean | null;
  /** The call list shows it as missed (ZMISSED), or its outcome is "missed". */
  missed: boolean | null;
  missed_reason: number | null;
  video: boolean | null;
  group_jid: string | null;
  /** Who started the call (ZGROUPCALLCREATORUSERJIDSTRING). */
  creator_jid: string | null;
  participants: string[];
  /** The caller of an incoming call; null for a call the owner placed. */
  sender: string | null;
  sender_phone: string | null;
  sender_name: string | null;
  sender_is_contact: ContactFlag | null;
  /** The other party of an outgoing call. */
  callee: string | null;
  bytes_sent: number | null;
  bytes_received: number | null;
}

const OUTCOMES: Record<number, WhatsappCallRecord["status"]> = { 0: "answered", 1: "missed", 2: "failed", 4: "rejected" };

/** Calls and window of the burst rule. */
export const BURST_CALLS = 3;
export const BURST_WINDOW_MS = 60 * 60_000;
export const MISSED_CALL_BURST_RULE = codeRule("whatsapp-missed-call-burst", { n: BURST_CALLS, minutes: BURST_WINDOW_MS / 60_000 });

const EVENT_COLS = ["ZDURATION", "ZOUTCOME", "ZBYTESSENT", "ZBYTESRECEIVED", "ZGROUPCALLCREATORUSERJIDSTRING", "ZGROUPJIDSTRING", "ZCALLIDSTRING", "Z1CALLEVENTS", "ZVIDEO"] as const;
const AGG_COLS = ["ZINCOMING", "ZMISSED", "ZMISSEDREASON", "ZVIDEO"] as const;

function flag(v: unknown): boolean | null {
  return v === null || v === undefined ? null : v === 1 || v === true;
}

function who(r: WhatsappCallRecord): string {
  const id = r.sender ?? r.callee ?? "unknown";
  const phone = r.sender_phone && !id.startsWith(r.sender_phone.slice(1)) ? ` ${r.sender_phone}` : "";
  const name = r.sender_name ? ` (${r.sender_name})` : r.sender_is_contact === false ? " (not in the contacts)" : "";
  return `${id}${phone}${name}`;
}

/** The calls of one CallHistory.sqlite; incoming unanswered calls from strangers are added to `strangers`. */
function* callRows(db: SqliteDb, book: ContactBook, strangers: WhatsappCallRecord[]): Generator<WhatsappCallRecord> {
  const ec = db.present("ZWACDCALLEVENT", EVENT_COLS);
  const e = (c: string) => (ec.includes(c as (typeof EVENT_COLS)[number]) ? `e.${c}` : "NULL");
  const agg = ec.includes("Z1CALLEVENTS") && db.has("ZWAAGGREGATECALLEVENT");
  const ac = agg ? db.present("ZWAAGGREGATECALLEVENT", AGG_COLS) : [];
  const a = (c: string) => (ac.includes(c as (typeof AGG_COLS)[number]) ? `a.${c}` : "NULL");
  // Participants hang off the call-list entry (Z1PARTICIPANTS, entity 1 = the aggregate).
  const parts = new Map<number, string[]>();
  if (agg && db.has("ZWACDCALLEVENTPARTICIPANT", "Z1PARTICIPANTS", "ZJIDSTRING")) {
    for (const [k, jid] of db.rows<[number, unknown]>("SELECT Z1PARTICIPANTS, ZJIDSTRING FROM ZWACDCALLEVENTPARTICIPANT ORDER BY Z_PK")) {
      const j = asText(jid);
      if (j === null) continue;
      const list = parts.get(k);
      if (list) list.push(j);
      else parts.set(k, [j]);
    }
  }
  const sql = `SELECT e.Z_PK, e.ZDATE, ${e("ZDURATION")}, ${e("ZOUTCOME")}, ${e("ZBYTESSENT")}, ${e("ZBYTESRECEIVED")},
      ${e("ZGROUPCALLCREATORUSERJIDSTRING")}, ${e("ZGROUPJIDSTRING")}, ${e("ZCALLIDSTRING")}, ${e("ZVIDEO")},
      ${agg ? "a.Z_PK" : "NULL"}, ${a("ZINCOMING")}, ${a("ZMISSED")}, ${a("ZMISSEDREASON")}, ${a("ZVIDEO")}
    FROM ZWACDCALLEVENT e ${agg ? "LEFT JOIN ZWAAGGREGATECALLEVENT a ON a.Z_PK = e.Z1CALLEVENTS" : ""} ORDER BY e.ZDATE, e.Z_PK`;
  for (const r of db.rows(sql)) {
    const creator = asText(r[6]);
    const aggPk: number | null = r[10] ?? null;
    const participants = aggPk === null ? [] : (parts.get(aggPk) ?? []);
    // The call list says which way the call went; without it, the creator being one of the
    // other parties means the call came in.
    const incoming = flag(r[11]) ?? (creator && participants.length ? participants.includes(creator) : null);
    const direction = incoming === null ? null : incoming ? "incoming" : "outgoing";
    const outcome: number | null = r[3] ?? null;
    const status = outcome === null ? "unknown" : (OUTCOMES[outcome] ?? "unknown");
    const missedFlag = flag(r[12]);
    const missed = direction === "outgoing" ? false : missedFlag === true || status === "missed" ? true : missedFlag === false || outcome !== null ? false : null;
    const sender = direction === "incoming" ? (creator ?? participants[0] ?? null) : null;
    const rec: WhatsappCallRecord = {
      call_pk: r[0],
      aggregate_pk: aggPk,
      call_id: asText(r[8]),
      isodate: fromMacAbsolute(r[1]) ?? null,
      duration: r[2] ?? null,
      direction,
      outcome,
      status,
      answered: missed === true ? false : outcome === null ? null : status === "answered",
      missed,
      missed_reason: r[13] ?? null,
      video: flag(r[14]) ?? flag(r[9]),
      group_jid: asText(r[7]),
      creator_jid: creator,
      participants,
      sender,
      sender_phone: sender ? book.phoneOf(sender) : null,
      sender_name: sender ? book.nameOf(sender) : null,
      sender_is_contact: sender ? book.isContact(sender) : null,
      callee: direction === "outgoing" ? (participants.find((p) => p !== creator) ?? null) : null,
      bytes_sent: r[4] ?? null,
      bytes_received: r[5] ?? null,
    };
    if (direction === "incoming" && rec.answered === false && rec.sender_is_contact === false && rec.isodate) strangers.push(rec);
    yield rec;
  }
}

export default defineModule<WhatsappCallRecord>({
  name: "whatsapp_calls",
  title: "WhatsApp calls",
  platform: "ios",
  description:
    "WhatsApp's call log (CallHistory.sqlite): every voice and video call with its direction, whether it was answered, the caller and whether the caller is a contact. Three or more unanswered calls from strangers within an hour are flagged (the 2019 WhatsApp call exploit).",
  reads: whatsappFile("CallHistory.sqlite"),
  records(ctx) {
    const strangers: WhatsappCallRecord[] = [];
    const book = loadContactBook(ctx, { whatsapp: true }).then((b) => {
      if (b.sources.length === 0) ctx.warn("no contact list could be read: whether callers are contacts is unknown");
      return b;
    });
    book.catch(() => {}); // a failure is each database's reason, when one is read
    const rows = async (db: SqliteDb) => callRows(db, await book, strangers);
    return sqliteRecords(ctx, { requires: { ZWACDCALLEVENT: ["Z_PK", "ZDATE"] }, rows }, () => {
      flagBursts(strangers, (first, calls) => {
        const callers = [...new Set(calls.map((c) => c.sender_phone ?? c.sender))];
        ctx.detect(
          heuristic({
            rule: MISSED_CALL_BURST_RULE.id,
            ruleDescription: MISSED_CALL_BURST_RULE.description,
            grade: "weak",
            title: msg("det.whatsapp_calls.burst", { n: calls.length, from: first.isodate ?? "", to: calls[calls.length - 1].isodate ?? "", callers: callers.join(", ") }),
            why: msg("det.whatsapp_calls.burst.why"),
            matched: callers.join(", "),
            timestamp: first.isodate ?? undefined,
            record: calls,
          }),
        );
      });
      return [];
    });
  },
  events(r) {
    if (!r.isodate) return [];
    const kind = r.video ? "video" : "voice";
    if (r.direction === "incoming") {
      return [
        {
          timestamp: r.isodate,
          event: r.answered === false ? "whatsapp_call_missed" : "whatsapp_call_received",
          description: `WhatsApp ${kind} call from ${who(r)}${r.answered === false ? `, not answered (${r.status})` : `, ${Math.round(r.duration ?? 0)} s`}`,
          sender: r.sender ?? undefined,
          sender_is_contact: r.sender_is_contact ?? "unknown",
        },
      ];
    }
    return [
      {
        timestamp: r.isodate,
        event: r.answered === false ? "whatsapp_call_unanswered" : "whatsapp_call_placed",
        description: `WhatsApp ${kind} call ${r.direction === "outgoing" ? "to" : "with"} ${who(r)}${r.answered === false ? `, not answered (${r.status})` : `, ${Math.round(r.duration ?? 0)} s`}`,
      },
    ];
  },
});

/**
 * Calls `found` once per burst: BURST_CALLS or more calls (in time order) within
 * BURST_WINDOW_MS of the first; a burst takes every call up to the window's end, and the next
 * burst starts after it. Exported for its tests.
 */
export function flagBursts<T extends { isodate: string | null }>(calls: T[], found: (first: T, burst: T[]) => void): void {
  const sorted = calls.filter((c) => c.isodate).sort((x, y) => Date.parse(x.isodate!) - Date.parse(y.isodate!));
  let i = 0;
  while (i < sorted.length) {
    const start = Date.parse(sorted[i].isodate!);
    let j = i;
    while (j + 1 < sorted.length && Date.parse(sorted[j + 1].isodate!) - start <= BURST_WINDOW_MS) j++;
    if (j - i + 1 >= BURST_CALLS) {
      found(sorted[i], sorted.slice(i, j + 1));
      i = j + 1;
    } else i++;
  }
}
