import { defineModule, fromMatches } from "../../core/module.js";
import { parseSmsBackup } from "../../formats/android-sms.js";
var sms_default = defineModule({
  name: "sms",
  title: "SMS and MMS (backup)",
  platform: "android",
  description: "SMS and MMS from an Android backup: links in message bodies are checked against indicators.",
  reads: {
    android_backup: ["apps/com.android.providers.telephony/d_f/*_sms_backup", "apps/com.android.providers.telephony/d_f/*_mms_backup"]
  },
  async *records(ctx) {
    for (const f of ctx.files) yield* parseSmsBackup(await ctx.view.readFile(f), f.path);
  },
  events(r) {
    if (!r.isodate) return [];
    const who = r.address ?? "unknown";
    return [{ timestamp: r.isodate, event: r.direction === "sent" ? `${r.message_type}_sent` : `${r.message_type}_received`, description: `${r.message_type.toUpperCase()} ${r.direction === "sent" ? "to" : "from"} ${who}: ${(r.body ?? "").slice(0, 120)}` }];
  },
  check(r, ctx) {
    if (!r.body) return [];
    return fromMatches(ctx.iocs.urlsInText(r.body), {
      grade: "medium",
      title: (m) => `Known malicious link in an ${r.message_type.toUpperCase()} ${r.direction === "sent" ? "to" : "from"} ${r.address ?? "unknown"}: ${m.matched}`,
      why: "Spyware operators send one-click exploit links by SMS; a link to their infrastructure means the phone was targeted (and infected if it was opened).",
      artifact: r.file,
      timestamp: r.isodate
    });
  }
});
export {
  sms_default as default
};
