// Calendar events (Calendar.sqlitedb). QuaDream's ENDOFDAYS zero-click exploit arrived as
// iCloud calendar invitations placed in the past (so no reminder fires), which stay in the
// database as events organised by an outside account.
import { fromMatches, heuristic, codeRule } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { emailOf, extractLinks, oneLine } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";

export interface CalendarRecord {
  id: number;
  summary: string | null;
  description: string | null;
  start_date: string | null;
  end_date: string | null;
  all_day: number | null;
  calendar_id: number | null;
  organizer_id: number | null;
  url: string | null;
  last_modified: string | null;
  external_id: string | null;
  unique_identifier: string | null;
  hidden: number | null;
  uuid: string | null;
  creation_date: string | null;
  participant_uuid: string | null;
  participant_email: string | null;
  participant_phone: string | null;
  participant_comment: string | null;
  participant_last_modified: string | null;
  /** The organizer is the device owner (Participant.is_self). */
  organizer_is_self: boolean | null;
  organizer_name: string | null;
  attendee_emails: string[];
  /** MVT's other CalendarItem columns, as they are (null when the column is missing). */
  external_mod_tag: string | null;
  action: string | number | null;
  created_by_id: number | null;
}

export const QUADREAM_RULE = codeRule("quadream-calendar-invite");
export const BACKDATED_RULE = codeRule("calendar-backdated-invite");
const BACKDATE_MS = 7 * 86400_000;

const TIMESTAMPS = ["start_date", "end_date", "last_modified", "creation_date", "participant_last_modified"] as const;

export function quadreamPattern(r: Pick<CalendarRecord, "summary" | "description">): boolean {
  return (r.summary ?? "").trim() === "Meeting" && (r.description ?? "").trim() === "Notes";
}

export function backdatedExternalInvite(r: Pick<CalendarRecord, "start_date" | "creation_date" | "participant_email" | "organizer_is_self">): boolean {
  if (!r.participant_email || r.organizer_is_self === true || !r.start_date || !r.creation_date) return false;
  return Date.parse(r.creation_date) - Date.parse(r.start_date) > BACKDATE_MS;
}

export default defineSqliteModule<CalendarRecord>({
  name: "calendar",
  title: "Calendar",
  platform: "ios",
  description:
    "Calendar events with their organizer and attendees. Organizer and attendee e-mail addresses are checked against indicators; invitations shaped like QuaDream's exploit delivery are flagged.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Calendar/Calendar.sqlitedb" }],
    fs: ["private/var/mobile/Library/Calendar/Calendar.sqlitedb"],
  },
  requires: { CalendarItem: ["ROWID", "summary", "start_date"], Participant: ["ROWID", "email"] },
  *rows(db) {
    const ci = db.present("CalendarItem", ["description", "end_date", "all_day", "calendar_id", "organizer_id", "url", "last_modified", "external_id", "unique_identifier", "hidden", "UUID", "creation_date", "external_mod_tag", "action", "created_by_id"]);
    const pc = db.present("Participant", ["UUID", "phone_number", "comment", "last_modified", "is_self", "identity_id", "owner_id"]);
    const c = (n: string) => (ci.includes(n) ? `c."${n}"` : "NULL");
    const p = (n: string) => (pc.includes(n) ? `p."${n}"` : "NULL");
    const hasIdentity = pc.includes("identity_id") && db.has("Identity", "display_name");
    const joinOrganizer = ci.includes("organizer_id");

    // Attendees per event, read once (calendars hold thousands of rows, not millions).
    const attendees = new Map<number, string[]>();
    if (pc.includes("owner_id")) {
      for (const [owner, email, pid] of db.rows("SELECT owner_id, email, ROWID FROM Participant WHERE email IS NOT NULL AND owner_id IS NOT NULL")) {
        const list = attendees.get(owner) ?? [];
        list.push(`${pid}\u0000${email}`);
        attendees.set(owner, list);
      }
    }
    const sql = `SELECT c.ROWID, c.summary, ${c("description")}, c.start_date, ${c("end_date")}, ${c("all_day")}, ${c("calendar_id")}, ${c("organizer_id")},
        ${c("url")}, ${c("last_modified")}, ${c("external_id")}, ${c("unique_identifier")}, ${c("hidden")}, ${c("UUID")}, ${c("creation_date")},
        ${joinOrganizer ? `${p("UUID")}, p.email, ${p("phone_number")}, ${p("comment")}, ${p("last_modified")}, ${p("is_self")}, p.ROWID` : "NULL, NULL, NULL, NULL, NULL, NULL, NULL"},
        ${joinOrganizer && hasIdentity ? "i.display_name" : "NULL"}, ${c("external_mod_tag")}, ${c("action")}, ${c("created_by_id")}
      FROM CalendarItem c
      ${joinOrganizer ? "LEFT JOIN Participant p ON p.ROWID = c.organizer_id" : ""}
      ${joinOrganizer && hasIdentity ? "LEFT JOIN Identity i ON i.ROWID = p.identity_id" : ""}`;
    for (const r of db.rows(sql)) {
      const organizerRow = r[21];
      const att = (attendees.get(r[0]) ?? [])
        .filter((x) => !x.startsWith(`${organizerRow}\u0000`))
        .map((x) => x.slice(x.indexOf("\u0000") + 1));
      yield {
        id: r[0],
        summary: asText(r[1]),
        description: asText(r[2]),
        start_date: fromMacAbsolute(r[3]) ?? null,
        end_date: fromMacAbsolute(r[4]) ?? null,
        all_day: r[5],
        calendar_id: r[6],
        organizer_id: r[7],
        url: asText(r[8]) || null,
        last_modified: fromMacAbsolute(r[9]) ?? null,
        external_id: asText(r[10]),
        unique_identifier: asText(r[11]),
        hidden: r[12],
        uuid: asText(r[13]),
        creation_date: fromMacAbsolute(r[14]) ?? null,
        participant_uuid: asText(r[15]),
        participant_email: asText(r[16]),
        participant_phone: asText(r[17]),
        participant_comment: asText(r[18]),
        participant_last_modified: fromMacAbsolute(r[19]) ?? null,
        organizer_is_self: r[20] === null || r[20] === undefined ? null : r[20] === 1,
        organizer_name: asText(r[22]),
        attendee_emails: att,
        external_mod_tag: asText(r[23]),
        action: (r[24] as string | number | null | undefined) ?? null,
        created_by_id: (r[25] as number | null | undefined) ?? null,
      };
    }
  },
  events(r) {
    const what = `Calendar event "${oneLine(r.summary, 120)}"${r.description ? ` (${oneLine(r.description, 120)})` : ""}${r.participant_email ? ` (invitation by ${r.participant_email})` : ""}`;
    const out = [];
    for (const t of TIMESTAMPS) {
      const ts = r[t];
      if (ts) out.push({ timestamp: ts, event: `calendar_${t}`, description: what });
    }
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const ts = r.creation_date ?? r.start_date ?? undefined;
    const emails = new Set<string>();
    const org = emailOf(r.participant_email);
    if (org) emails.add(org);
    for (const a of r.attendee_emails) {
      const e = emailOf(a);
      if (e) emails.add(e);
    }
    for (const e of emails) {
      out.push(
        ...fromMatches(ctx.iocs.email(e), {
          grade: "medium",
          title: (m) => msg("det.calendar.account", { value: m.matched }),
          why: msg("det.calendar.account.why"),
          timestamp: ts,
        }),
      );
    }
    const links = [...(r.url ? [r.url] : []), ...extractLinks(r.description)];
    for (const l of links) {
      out.push(...fromMatches(ctx.iocs.url(l), { grade: "weak", title: (m) => msg("det.calendar.link", { value: m.matched }), timestamp: ts }));
    }
    if (quadreamPattern(r)) {
      out.push(
        heuristic({
          rule: QUADREAM_RULE.id,
          ruleDescription: QUADREAM_RULE.description,
          grade: "medium",
          title: msg("det.calendar.quadream", { summary: r.summary ?? "", description: r.description ?? "", id: r.uuid ?? r.id }),
          why: msg("det.calendar.quadream.why"),
          matched: `${r.summary} / ${r.description}`,
          timestamp: ts,
        }),
      );
    } else if (backdatedExternalInvite(r)) {
      out.push(
        heuristic({
          rule: BACKDATED_RULE.id,
          ruleDescription: BACKDATED_RULE.description,
          grade: "weak",
          title: msg("det.calendar.backdated", { email: r.participant_email ?? "", start: r.start_date ?? "", added: r.creation_date ?? "" }),
          why: msg("det.calendar.backdated.why"),
          matched: r.participant_email ?? "",
          timestamp: ts,
        }),
      );
    }
    return out;
  },
});
