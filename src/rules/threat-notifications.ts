// Vendors' notifications that an account was targeted by spyware, recognised in received
// messages: Apple's threat notifications (iMessage and e-mail, since November 2021) and
// WhatsApp/Meta's (sent by WhatsApp's official account to users it found targeted: NSO's call
// exploit in 2019, Paragon's Graphite in 2025). A notification says the owner was targeted, not
// that the phone is infected. Quotes forwarded by friends (news articles) must not count: a
// body quote needs the vendor's own link, or the vendor's own account as sender.
import type { DetectionInput, Message } from "../core/model.ts";
import { codeRule, heuristic } from "../core/detection.ts";
import { msg } from "../core/i18n/index.ts";

export const APPLE_THREAT_RULE = codeRule("apple-threat-notification");
export const META_THREAT_RULE = codeRule("whatsapp-security-notification");

// Title lines of Apple's 2021 and 2024-2025 waves, and the sentence their bodies share.
const APPLE_TITLE = /^\s*ALERT: (State-sponsored attackers may be targeting your iPhone|Apple detected a (targeted )?mercenary spyware attack against your iPhone)/i;
const APPLE_BODY = /(targeted by (a )?(mercenary spyware|state-sponsored) attack|state-sponsored attackers|mercenary spyware attack)/i;
// What a WhatsApp or Meta security notice is about; its exact wording has changed per campaign.
const ATTACK_WORDS = /\b(spyware|malware|malicious (file|software|code|document)|(cyber|sophisticated|targeted|state-sponsored|government-backed) ?attack(ers)?|hack(ing)? attempt|attacked your (device|phone|account))\b/i;
const META_NAMES = /\b(WhatsApp|Meta|Facebook)\b/;

/** A cheap test run on every message first: most never get past it. */
export const NOTIFICATION_PREFILTER = /ALERT|spyware|tate-sponsored|malware|malicious|attack|hack/i;

/** WhatsApp's own account ("WhatsApp" in the chat list), from which its notices come. */
export function isWhatsAppOfficial(jid: string | null | undefined): boolean {
  return jid === "0@s.whatsapp.net" || jid === "0";
}

function onDomain(hosts: string[], domains: string[]): boolean {
  return hosts.some((h) => domains.some((d) => h === d || h.endsWith(`.${d}`)));
}

export interface NotificationInput {
  text: string;
  /** Hosts of the links the message carries. */
  hosts: string[];
  /** The message came from the vendor's own account (WhatsApp's official chat). */
  fromWhatsApp?: boolean;
  /** "iMessage", "SMS", "WhatsApp"... (a message when the record does not say) */
  service: string | Message;
  timestamp?: string;
}

/** A detection when a received message is a vendor's threat notification, else undefined. */
export function threatNotification(m: NotificationInput): DetectionInput | undefined {
  const { text } = m;
  if (!text || !NOTIFICATION_PREFILTER.test(text)) return undefined;
  const when = m.timestamp ?? msg("det.unknown_date");
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  if (APPLE_TITLE.test(text) || (APPLE_BODY.test(text) && onDomain(m.hosts, ["apple.com"]))) {
    return heuristic({
      rule: APPLE_THREAT_RULE.id,
      ruleDescription: APPLE_THREAT_RULE.description,
      grade: "medium",
      title: msg("det.threat.apple", { service: m.service, date: when }),
      why: msg("det.threat.apple.why"),
      matched: snippet,
      timestamp: m.timestamp,
    });
  }
  if (ATTACK_WORDS.test(text) && (m.fromWhatsApp || (META_NAMES.test(text) && onDomain(m.hosts, ["whatsapp.com", "meta.com", "facebook.com", "fb.com"])))) {
    return heuristic({
      rule: META_THREAT_RULE.id,
      ruleDescription: META_THREAT_RULE.description,
      grade: "medium",
      title: msg("det.threat.meta", { service: m.service, date: when }),
      why: msg("det.threat.meta.why"),
      matched: snippet,
      timestamp: m.timestamp,
    });
  }
  return undefined;
}
