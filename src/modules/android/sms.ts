// SMS and MMS from an Android backup (the telephony provider's *_sms_backup and *_mms_backup,
// zlib-compressed JSON). Links in message bodies are checked against indicators: exploit links
// sent by SMS are how Pegasus and Predator reached many Android phones. Security notifications
// from WhatsApp/Meta quoted with their link are flagged.
import { extractLinks } from "../ios/lib/links.ts";
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { parseSmsBackup, type AndroidMessage } from "../../formats/android-sms.ts";
import { msg } from "../../core/i18n/index.ts";
import { NOTIFICATION_PREFILTER, threatNotification } from "../../rules/threat-notifications.ts";

/** The host of each http(s) link in a message body. */
const LINK_HOST = /https?:\/\/([^/\s?#:]+)/gi;

export type SmsRecord = AndroidMessage;

export default defineModule<SmsRecord>({
  name: "sms",
  title: "SMS and MMS (backup)",
  platform: "android",
  description: "SMS and MMS from an Android backup: links in message bodies are checked against indicators; vendors' spyware notifications are flagged.",
  reads: {
    android_backup: ["apps/com.android.providers.telephony/d_f/*_sms_backup", "apps/com.android.providers.telephony/d_f/*_mms_backup"],
  },
  async *records(ctx) {
    for (const f of ctx.files) for (const m of parseSmsBackup(await ctx.view.readFile(f), f.path)) yield { ...m, links: extractLinks(m.body) };
  },
  events(r) {
    if (!r.isodate) return [];
    const who = r.address ?? "unknown";
    return [{ timestamp: r.isodate, event: r.direction === "sent" ? `${r.message_type}_sent` : `${r.message_type}_received`, description: `${r.message_type.toUpperCase()} ${r.direction === "sent" ? "to" : "from"} ${who}: ${(r.body ?? "").slice(0, 120)}` }];
  },
  check(r, ctx) {
    if (!r.body) return [];
    const hits = fromMatches(ctx.iocs.urlsInText(r.body), {
      grade: "medium",
      title: (m) => msg(r.direction === "sent" ? "det.android_sms.link_to" : "det.android_sms.link_from", { kind: r.message_type.toUpperCase(), who: r.address ?? msg("det.android_sms.unknown"), value: m.matched }),
      why: msg("det.android_sms.link.why"),
      artifact: r.file,
      timestamp: r.isodate,
    });
    if (r.direction !== "received" || !NOTIFICATION_PREFILTER.test(r.body)) return hits;
    const hosts = [...r.body.matchAll(LINK_HOST)].map((m) => m[1].toLowerCase());
    const notice = threatNotification({ text: r.body, hosts, service: r.message_type.toUpperCase(), timestamp: r.isodate });
    return notice ? [...hits, { ...notice, artifact: r.file }] : hits;
  },
});
