// WhatsApp messages (ChatStorage.sqlite) with the links they carry: text, link previews and
// media URLs. Links to WhatsApp's own media servers are left out.
import type { DetectionInput } from "../../core/model.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText, undecodableWarning, checkLinksAndText, present } from "./lib/checks.ts";
import { extractLinks, hostsOf, isWhatsAppInfraLink, oneLine } from "./lib/links.ts";
import { NOTIFICATION_PREFILTER, isWhatsAppOfficial, threatNotification } from "../../rules/threat-notifications.ts";
import { whatsappFile } from "./lib/whatsapp.ts";
import { msg } from "../../core/i18n/index.ts";

export interface WhatsappMessageRecord {
  Z_PK: number;
  ZCHATSESSION: number | null;
  ZFROMJID: string | null;
  ZTOJID: string | null;
  ZPUSHNAME: string | null;
  ZTEXT: string;
  ZMESSAGEDATE: number | null;
  ZMESSAGETYPE: number | null;
  ZISFROMME: number | null;
  ZSTANZAID: string | null;
  ZAUTHORNAME: string | null;
  ZMEDIAURL: string | null;
  ZMEDIALOCALPATH: string | null;
  ZCONTENT1: string | null;
  ZCONTENT2: string | null;
  ZMATCHEDTEXT: string | null;
  ZSUMMARY: string | null;
  ZTITLE: string | null;
  isodate: string | null;
  direction: "sent" | "received";
  links: string[];
}

const MESSAGE_COLS = ["ZCHATSESSION", "ZFROMJID", "ZTOJID", "ZPUSHNAME", "ZMESSAGETYPE", "ZISFROMME", "ZSTANZAID"] as const;
const MEDIA_COLS = ["ZAUTHORNAME", "ZMEDIAURL", "ZMEDIALOCALPATH"] as const;
const DATA_COLS = ["ZCONTENT1", "ZCONTENT2", "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE"] as const;

const WHY_RECEIVED = msg("det.whatsapp.link_received.why");

export default defineSqliteModule<WhatsappMessageRecord>({
  name: "whatsapp",
  title: "WhatsApp messages",
  platform: "ios",
  description:
    "WhatsApp messages with the links found in their text, link previews and media URLs (WhatsApp's own media servers left out). Links are checked against URL and domain indicators; security notifications from WhatsApp's official account (and Apple threat notifications forwarded with Apple's link) are flagged.",
  reads: whatsappFile("ChatStorage.sqlite"),
  costPerByte: 2,
  requires: { ZWAMESSAGE: ["Z_PK", "ZTEXT", "ZMESSAGEDATE"] },
  *rows(db, ctx) {
    const mc = db.present("ZWAMESSAGE", MESSAGE_COLS);
    const media = db.has("ZWAMEDIAITEM", "ZMESSAGE") ? db.present("ZWAMEDIAITEM", MEDIA_COLS) : [];
    const data = db.has("ZWAMESSAGEDATAITEM", "ZMESSAGE") ? db.present("ZWAMESSAGEDATAITEM", DATA_COLS) : [];
    const sel = [
      "m.Z_PK",
      "m.ZTEXT",
      "m.ZMESSAGEDATE",
      ...MESSAGE_COLS.map((c) => (mc.includes(c) ? `m.${c}` : "NULL")),
      ...MEDIA_COLS.map((c) => (media.includes(c) ? `mi.${c}` : "NULL")),
      ...DATA_COLS.map((c) => (data.includes(c) ? `di.${c}` : "NULL")),
    ];
    const sql = `SELECT ${sel.join(", ")} FROM ZWAMESSAGE m
      ${media.length ? "LEFT JOIN ZWAMEDIAITEM mi ON mi.ZMESSAGE = m.Z_PK" : ""}
      ${data.length ? "LEFT JOIN ZWAMESSAGEDATAITEM di ON di.ZMESSAGE = m.Z_PK" : ""}`;
    const undecodable = { count: 0 };
    for (const r of db.rows(sql)) {
      const text = asText(r[1], undecodable) ?? "";
      const mediaUrl = asText(r[11]);
      const c1 = asText(r[13]);
      const c2 = asText(r[14]);
      const matched = asText(r[15]);
      let links = extractLinks(text);
      let seen: Set<string> | undefined;
      for (const extra of [matched, mediaUrl, c1, c2]) {
        if (!extra) continue;
        // A Set for the duplicates: each field can hold a hundred thousand distinct links.
        seen ??= new Set(links);
        for (const l of extractLinks(extra)) {
          if (seen.has(l)) continue;
          seen.add(l);
          links.push(l);
        }
      }
      if (links.length) links = links.filter((l) => !isWhatsAppInfraLink(l));
      const fromMe = r[8] === 1;
      yield {
        Z_PK: r[0],
        ZCHATSESSION: r[3],
        ZFROMJID: asText(r[4]),
        ZTOJID: asText(r[5]),
        ZPUSHNAME: asText(r[6]),
        ZTEXT: text,
        ZMESSAGEDATE: r[2],
        ZMESSAGETYPE: r[7],
        ZISFROMME: r[8],
        ZSTANZAID: asText(r[9]),
        ZAUTHORNAME: asText(r[10]),
        ZMEDIAURL: mediaUrl,
        ZMEDIALOCALPATH: asText(r[12]),
        ZCONTENT1: c1,
        ZCONTENT2: c2,
        ZMATCHEDTEXT: matched,
        ZSUMMARY: asText(r[16]),
        ZTITLE: asText(r[17]),
        isodate: fromMacAbsolute(r[2]) ?? null,
        direction: fromMe ? "sent" : "received",
        links,
      };
    }
    const w = undecodableWarning(db.path, undecodable.count, "message text(s)");
    if (w) ctx.warn(w);
  },
  events(r) {
    if (!r.isodate) return [];
    const who = r.direction === "sent" ? `to ${r.ZTOJID ?? "chat " + (r.ZCHATSESSION ?? "?")}` : `from ${r.ZFROMJID ?? "unknown"}`;
    return [
      {
        timestamp: r.isodate,
        event: r.direction === "sent" ? "whatsapp_sent" : "whatsapp_received",
        description: `WhatsApp message ${who}: "${oneLine(r.ZTEXT, 200)}"${r.links.length ? ` (links: ${r.links.join(", ")})` : ""}`,
      },
    ];
  },
  check(r, ctx): DetectionInput[] {
    if (!r.ZTEXT && !r.links.length) return [];
    const received = r.direction === "received";
    const hits = checkLinksAndText(ctx.iocs, r.links, [r.ZTEXT], {
      grade: received ? "medium" : "weak",
      title: msg(received ? "det.whatsapp.link_received" : "det.whatsapp.link_sent"),
      why: received ? WHY_RECEIVED : msg("det.link.sent.why"),
      mentionTitle: msg("det.whatsapp.mention"),
      timestamp: r.isodate ?? undefined,
    });
    if (!received || !NOTIFICATION_PREFILTER.test(r.ZTEXT)) return hits;
    const notice = threatNotification({ text: r.ZTEXT, hosts: hostsOf(r.links), fromWhatsApp: isWhatsAppOfficial(r.ZFROMJID), service: "WhatsApp", timestamp: r.isodate ?? undefined });
    return notice ? [...hits, notice] : hits;
  },
});
