// Membership events of WhatsApp groups (ChatStorage.sqlite: group-event messages, ZMESSAGETYPE 6,
// with the member they concern): groups created, members added, joined, left or removed. In
// 2024-2025 Paragon's Graphite reached WhatsApp users by adding them to a group and sending a
// PDF there (Meta, Citizen Lab): being added by a stranger is flagged, and so is a document a
// stranger sent in such a group shortly after.
import { defineModule, type ModuleContext } from "../contract.ts";
import { heuristic, codeRule } from "../../core/detection.ts";
import type { ContactFlag, Message } from "../../core/model.ts";
import { sqliteRecords } from "../lib/sqlite.ts";
import { msg } from "../../core/i18n/index.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import type { SqliteHandle } from "../../acquisitions/view.ts";
import { asText, present } from "./lib/checks.ts";
import { loadContactBook, type ContactBook } from "./lib/contact-book.ts";
import { whatsappFile } from "./lib/whatsapp.ts";

export type GroupEventKind =
  | "created"
  | "added"
  | "joined_by_link"
  | "left"
  | "removed"
  | "subject_changed"
  | "icon_changed"
  | "admin_granted"
  | "admin_revoked"
  | "other";

export interface WhatsappGroupEventRecord {
  message_pk: number;
  session_pk: number;
  group_jid: string | null;
  group_name: string | null;
  isodate: string | null;
  /** ZGROUPEVENTTYPE as stored, and what it means. */
  group_event_type: number | null;
  kind: GroupEventKind;
  from_me: boolean;
  /** Who did it (who added, who created), when the database says. */
  actor: string | null;
  /** Whom it concerns; "owner" is the phone's own account. */
  target: string | null;
  target_is_owner: boolean;
  /** For "added" events of the owner: the adder (or, failing that, the group's creator). */
  sender: string | null;
  sender_is_contact: ContactFlag | null;
  /** How sender_is_contact was decided: the adder itself, or "no member is a contact". */
  sender_basis: "adder" | "members" | null;
}

// ZGROUPEVENTTYPE of group-event messages, as WhatsApp for iOS writes them (observed in public
// reference images and chat exporters; unknown values are kept as "other" with the number).
const KINDS: Record<number, GroupEventKind> = {
  1: "subject_changed",
  2: "added",
  3: "icon_changed",
  4: "left",
  5: "admin_revoked",
  7: "removed",
  9: "admin_granted",
  12: "created",
  15: "joined_by_link",
  50: "added",
};
/** Events that concern one member (the owner when the row names none). */
const ABOUT_A_MEMBER = new Set<GroupEventKind>(["added", "joined_by_link", "left", "removed", "admin_granted", "admin_revoked"]);
const GROUP_EVENT_MESSAGE = 6;
const DOCUMENT_MESSAGE = 8;
/** An "added" event within this much of the group's creation is the creator adding members. */
const AT_CREATION_MS = 60_000;
/** A document within this long after the owner was added counts as "shortly after". */
export const DOC_AFTER_ADD_MS = 24 * 3_600_000;

export const ADDED_BY_STRANGER_RULE = codeRule("whatsapp-group-added-by-stranger");
export const GROUP_DOCUMENT_RULE = codeRule("whatsapp-group-document-from-stranger", { hours: DOC_AFTER_ADD_MS / 3_600_000 });

const JID = /^[\w.+-]+@(s\.whatsapp\.net|lid|c\.us)$/;

interface Group {
  pk: number;
  jid: string | null;
  name: string | null;
  created: number | null;
  creator: string | null;
  members: string[];
}

function whenOf(iso: string | null): number {
  return iso ? Date.parse(iso) : NaN;
}

/** The phone's own WhatsApp id: the address system messages are sent to. */
function ownerJid(h: SqliteHandle): string | null {
  const cols = h.columns("ZWAMESSAGE");
  if (!cols.has("ZTOJID") || !cols.has("ZISFROMME")) return null;
  const row = h.db
    .prepare("SELECT ZTOJID FROM ZWAMESSAGE WHERE ZISFROMME = 0 AND ZMESSAGETYPE IN (6, 10) AND (ZTOJID LIKE '%@s.whatsapp.net' OR ZTOJID LIKE '%@lid') GROUP BY ZTOJID ORDER BY COUNT(*) DESC LIMIT 1")
    .pluck()
    .get();
  return asText(row);
}

function groupsOf(h: SqliteHandle): Map<number, Group> {
  const sc = h.columns("ZWACHATSESSION");
  const info = sc.has("ZGROUPINFO") && h.tables().has("ZWAGROUPINFO");
  const ic = info ? present(h, "ZWAGROUPINFO", ["ZCREATIONDATE", "ZCREATORJID"]) : [];
  const i = (c: string) => (ic.includes(c) ? `g.${c}` : "NULL");
  const sql = `SELECT s.Z_PK, s.ZCONTACTJID, ${sc.has("ZPARTNERNAME") ? "s.ZPARTNERNAME" : "NULL"}, ${i("ZCREATIONDATE")}, ${i("ZCREATORJID")}
    FROM ZWACHATSESSION s ${info ? "LEFT JOIN ZWAGROUPINFO g ON g.Z_PK = s.ZGROUPINFO" : ""}
    WHERE s.ZCONTACTJID LIKE '%@g.us'${sc.has("ZSESSIONTYPE") ? " OR s.ZSESSIONTYPE = 1" : ""}`;
  const groups = new Map<number, Group>();
  for (const [pk, jid, name, created, creator] of h.db.prepare(sql).raw(true).iterate() as Iterable<any[]>) {
    const c = fromMacAbsolute(created);
    groups.set(pk, { pk, jid: asText(jid), name: asText(name), created: c ? Date.parse(c) : null, creator: asText(creator), members: [] });
  }
  if (h.tables().has("ZWAGROUPMEMBER")) {
    const mc = h.columns("ZWAGROUPMEMBER");
    if (mc.has("ZCHATSESSION") && mc.has("ZMEMBERJID")) {
      for (const [s, jid] of h.db.prepare("SELECT ZCHATSESSION, ZMEMBERJID FROM ZWAGROUPMEMBER").raw(true).iterate() as Iterable<[number, unknown]>) {
        const j = asText(jid);
        if (j) groups.get(s)?.members.push(j);
      }
    }
  }
  return groups;
}

/** Whether anyone in the group other than the owner is a contact: false only when none is and some could be compared. */
function membersAreContacts(g: Group, owner: string | null, book: ContactBook): ContactFlag {
  let known = false;
  for (const m of g.members) {
    if (m === owner) continue;
    const c = book.isContact(m);
    if (c === true) return true;
    if (c === false) known = true;
    else return "unknown";
  }
  return known ? false : "unknown";
}

/** The group events of one ChatStorage.sqlite; the two group heuristics report through ctx.detect. */
function* groupEvents(ctx: ModuleContext, h: SqliteHandle, book: ContactBook): Generator<WhatsappGroupEventRecord> {
  const owner = ownerJid(h);
  const groups = groupsOf(h);
  const mc = present(h, "ZWAMESSAGE", ["ZGROUPEVENTTYPE", "ZISFROMME", "ZTEXT", "ZGROUPMEMBER", "ZFROMJID", "ZMEDIAITEM"]);
  const m = (c: string) => (mc.includes(c) ? `m.${c}` : "NULL");
  const members = mc.includes("ZGROUPMEMBER") && h.tables().has("ZWAGROUPMEMBER") && h.columns("ZWAGROUPMEMBER").has("ZMEMBERJID");
  const addedAt = new Map<number, { at: number; rec: WhatsappGroupEventRecord }[]>();
  const sql = `SELECT m.Z_PK, m.ZCHATSESSION, m.ZMESSAGEDATE, ${m("ZGROUPEVENTTYPE")}, ${m("ZISFROMME")}, ${m("ZTEXT")}, ${members ? "gm.ZMEMBERJID" : "NULL"}
    FROM ZWAMESSAGE m ${members ? "LEFT JOIN ZWAGROUPMEMBER gm ON gm.Z_PK = m.ZGROUPMEMBER" : ""}
    WHERE m.ZMESSAGETYPE = ${GROUP_EVENT_MESSAGE} ORDER BY m.ZMESSAGEDATE, m.Z_PK`;
  for (const r of h.db.prepare(sql).raw(true).iterate() as Iterable<any[]>) {
    const g = groups.get(r[1]);
    if (!g) continue;
    const rec = groupEvent(r, g, owner, book);
    if (rec.kind === "added" && rec.target_is_owner && rec.isodate) {
      const list = addedAt.get(g.pk) ?? [];
      list.push({ at: Date.parse(rec.isodate), rec });
      addedAt.set(g.pk, list);
      if (rec.sender_is_contact === false) {
        ctx.detect(
          heuristic({
            rule: ADDED_BY_STRANGER_RULE.id,
            ruleDescription: ADDED_BY_STRANGER_RULE.description,
            grade: "weak",
            title: msg("det.whatsapp_groups.added_by_stranger", {
              group: label(g),
              who: rec.sender ?? msg("det.whatsapp_groups.someone"),
              basis: rec.sender_basis === "members" ? msg("det.whatsapp_groups.no_member_contact") : "",
            }),
            why: msg("det.whatsapp_groups.added_by_stranger.why"),
            matched: g.jid ?? String(g.pk),
            timestamp: rec.isodate,
            record: rec,
          }),
        );
      }
    }
    yield rec;
  }
  if (addedAt.size) documentsAfterAdd(h, groups, addedAt, owner, book, m, members, (rec, doc) => {
    ctx.detect(
      heuristic({
        rule: GROUP_DOCUMENT_RULE.id,
        ruleDescription: GROUP_DOCUMENT_RULE.description,
        grade: "weak",
        title: msg(doc.title ? "det.whatsapp_groups.document_named" : "det.whatsapp_groups.document", {
          title: doc.title ?? "",
          group: rec.group_name ?? rec.group_jid ?? "",
          who: doc.author ?? msg("det.whatsapp_groups.a_member"),
          minutes: Math.round((Date.parse(doc.isodate) - Date.parse(rec.isodate!)) / 60_000),
        }),
        why: msg("det.whatsapp_groups.document.why"),
        matched: doc.path ?? doc.title ?? `message ${doc.pk}`,
        timestamp: doc.isodate,
        record: { group_event: rec, document: doc },
      }),
    );
  });
}

export default defineModule<WhatsappGroupEventRecord>({
  name: "whatsapp_groups",
  title: "WhatsApp group events",
  platform: "ios",
  description:
    "WhatsApp group membership events (created, added, joined, left, removed) with who did it and whether they are a contact. Being added to a group by a stranger, and a document sent there by a stranger within a day, are flagged (the 2025 Graphite delivery).",
  reads: whatsappFile("ChatStorage.sqlite"),
  records(ctx) {
    return sqliteRecords(ctx, {
      requires: { ZWACHATSESSION: ["Z_PK", "ZCONTACTJID"], ZWAMESSAGE: ["Z_PK", "ZCHATSESSION", "ZMESSAGETYPE", "ZMESSAGEDATE"] },
      async rows(db) {
        const book = await loadContactBook(ctx, { whatsapp: true, chat: db });
        if (book.sources.length === 0) ctx.warn("no contact list could be read: whether group members are contacts is unknown");
        return groupEvents(ctx, db.handle, book);
      },
    });
  },
  events(r) {
    if (!r.isodate) return [];
    const group = r.group_name ? `'${r.group_name}'` : (r.group_jid ?? "a group");
    if (r.kind === "added" && r.target_is_owner) {
      const by = r.sender ? ` by ${r.sender}${r.sender_is_contact === false ? " (not a contact)" : ""}` : "";
      return [{ timestamp: r.isodate, event: "whatsapp_group_added", description: `Added to the WhatsApp group ${group}${by}`, sender: r.sender ?? undefined, sender_is_contact: r.sender_is_contact ?? "unknown" }];
    }
    if (r.kind === "created") return [{ timestamp: r.isodate, event: "whatsapp_group_created", description: `WhatsApp group ${group} created${r.from_me ? " by the owner" : r.actor ? ` by ${r.actor}` : ""}` }];
    const who = r.target_is_owner ? "the owner" : (r.target ?? "a member");
    return [{ timestamp: r.isodate, event: "whatsapp_group_event", description: `WhatsApp group ${group}: ${r.kind.replace(/_/g, " ")} (${who}${r.actor ? `, by ${r.actor}` : ""})` }];
  },
});

/** The group as a title names it: its name and id, else its id. */
function label(g: Group): Message | string {
  return g.name ? msg("det.whatsapp_groups.named", { name: g.name, jid: g.jid ?? `#${g.pk}` }) : (g.jid ?? `#${g.pk}`);
}

/** One group-event row as a record: who did what to whom, and whether the adder is a contact. */
function groupEvent(r: any[], g: Group, owner: string | null, book: ContactBook): WhatsappGroupEventRecord {
  const type: number | null = r[3] ?? null;
  const kind: GroupEventKind = type === null ? "other" : (KINDS[type] ?? "other");
  const fromMe = r[4] === 1;
  const text = asText(r[5])?.trim() ?? null;
  const member = asText(r[6]);
  const isodate = fromMacAbsolute(r[2]) ?? null;
  let actor: string | null = null;
  let target: string | null = member;
  if (type === 50 && text) {
    // Several members added at once: "adder;added1,added2".
    const [a, rest] = text.includes(";") ? text.split(";", 2) : [null, text];
    actor = a && JID.test(a.trim()) ? a.trim() : null;
    const targets = rest.split(",").map((t) => t.trim());
    target = owner && targets.includes(owner) ? owner : (targets[0] ?? null);
  } else if (text && JID.test(text)) {
    actor = text;
  }
  if (fromMe) actor = owner ?? "owner";
  // An event about no member, that the owner did not make, is about the owner ("you were added").
  const targetIsOwner = (!fromMe && member === null && type !== 50 && ABOUT_A_MEMBER.has(kind)) || (owner !== null && target === owner);
  if (kind === "created" && !actor) actor = g.creator ?? member;
  const at = whenOf(isodate);
  if (kind === "added" && targetIsOwner && !actor && g.creator && g.created !== null && Math.abs(at - g.created) <= AT_CREATION_MS) actor = g.creator;
  let sender: string | null = null;
  let senderIs: ContactFlag | null = null;
  let basis: WhatsappGroupEventRecord["sender_basis"] = null;
  if (kind === "added" && targetIsOwner) {
    sender = fromMe ? null : actor;
    const own = sender ? book.isContact(sender) : "unknown";
    if (own !== "unknown") {
      senderIs = own;
      basis = "adder";
    } else {
      // Whoever added the owner was a member: if no member is a contact, neither is the adder.
      senderIs = membersAreContacts(g, owner, book);
      basis = senderIs === "unknown" ? null : "members";
    }
  }
  return {
    message_pk: r[0],
    session_pk: g.pk,
    group_jid: g.jid,
    group_name: g.name,
    isodate,
    group_event_type: type,
    kind,
    from_me: fromMe,
    actor,
    target: targetIsOwner && !target ? "owner" : target,
    target_is_owner: targetIsOwner,
    sender,
    sender_is_contact: senderIs,
    sender_basis: basis,
  };
}

interface GroupDocument {
  pk: number;
  isodate: string;
  author: string | null;
  author_is_contact: ContactFlag;
  title: string | null;
  path: string | null;
}

/**
 * Documents received in a group from a member who is not a contact, within DOC_AFTER_ADD_MS
 * after the owner was added there by someone not known as a contact: `found` once per document.
 */
function documentsAfterAdd(
  h: SqliteHandle,
  groups: Map<number, Group>,
  addedAt: Map<number, { at: number; rec: WhatsappGroupEventRecord }[]>,
  owner: string | null,
  book: ContactBook,
  m: (c: string) => string,
  members: boolean,
  found: (rec: WhatsappGroupEventRecord, doc: GroupDocument) => void,
): void {
  const media = m("ZMEDIAITEM") !== "NULL" && h.tables().has("ZWAMEDIAITEM") ? present(h, "ZWAMEDIAITEM", ["ZTITLE", "ZMEDIALOCALPATH"]) : [];
  const mi = (c: string) => (media.includes(c) ? `mi.${c}` : "NULL");
  const sessions = [...addedAt.keys()].join(",");
  const sql = `SELECT m.Z_PK, m.ZCHATSESSION, m.ZMESSAGEDATE, ${members ? "gm.ZMEMBERJID" : "NULL"}, ${mi("ZTITLE")}, ${mi("ZMEDIALOCALPATH")}
    FROM ZWAMESSAGE m ${members ? "LEFT JOIN ZWAGROUPMEMBER gm ON gm.Z_PK = m.ZGROUPMEMBER" : ""}
    ${media.length ? "LEFT JOIN ZWAMEDIAITEM mi ON mi.Z_PK = m.ZMEDIAITEM" : ""}
    WHERE m.ZMESSAGETYPE = ${DOCUMENT_MESSAGE} AND m.ZCHATSESSION IN (${sessions}) ${m("ZISFROMME") !== "NULL" ? "AND (m.ZISFROMME = 0 OR m.ZISFROMME IS NULL)" : ""}
    ORDER BY m.ZMESSAGEDATE`;
  for (const r of h.db.prepare(sql).raw(true).iterate() as Iterable<any[]>) {
    const isodate = fromMacAbsolute(r[2]);
    if (!isodate || !groups.has(r[1])) continue;
    const author = asText(r[3]);
    const authorIs = author && author !== owner ? book.isContact(author) : "unknown";
    if (authorIs !== false) continue;
    const at = Date.parse(isodate);
    const add = (addedAt.get(r[1]) ?? []).find((a) => a.rec.sender_is_contact !== true && at >= a.at && at - a.at <= DOC_AFTER_ADD_MS);
    if (!add) continue;
    found(add.rec, { pk: r[0], isodate, author, author_is_contact: authorIs, title: asText(r[4]), path: asText(r[5]) });
  }
}
