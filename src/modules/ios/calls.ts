// Call history (CallHistory.storedata, Core Data): phone, FaceTime and third-party VoIP calls
// (WhatsApp, Signal...) that use CallKit.
import { fromMatches } from "../../core/detection.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { emailOf } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";
import { own } from "../../core/own.ts";

export interface CallRecord {
  isodate: string | null;
  duration: number | null;
  location: string | null;
  number: string | null;
  name: string | null;
  provider: string | null;
  /** "FaceTime", "Phone", the app's name for well-known CallKit apps, else its bundle id. */
  service: string;
  call_type: number | null;
  direction: "outgoing" | "incoming" | null;
  answered: boolean | null;
  country_code: string | null;
  unique_id: string | null;
}

const OPTIONAL = ["ZDURATION", "ZLOCATION", "ZSERVICE_PROVIDER", "ZORIGINATED", "ZANSWERED", "ZCALLTYPE", "ZNAME", "ZISO_COUNTRY_CODE", "ZUNIQUE_ID"] as const;

// CallKit apps write their bundle id as the provider.
const APPS: Record<string, string> = {
  "net.whatsapp.WhatsApp": "WhatsApp",
  "net.whatsapp.WhatsAppSMB": "WhatsApp Business",
  "org.whispersystems.signal": "Signal",
  "ph.telegra.Telegraph": "Telegram",
  "com.facebook.Messenger": "Messenger",
  "com.skype.skype": "Skype",
  "com.viber": "Viber",
  "jp.naver.line": "LINE",
  "com.tencent.xin": "WeChat",
};

function serviceOf(provider: string | null, callType: number | null): string {
  if (provider === "com.apple.FaceTime" || callType === 8 || callType === 16) return "FaceTime";
  if (!provider || provider === "com.apple.Telephony") return "Phone";
  // Own keys only: the provider is what a CallKit app wrote, "constructor" included.
  return own(APPS, provider) ?? provider;
}

export default defineSqliteModule<CallRecord>({
  name: "calls",
  title: "Call history",
  platform: "ios",
  description: "Calls in CallHistory.storedata (phone, FaceTime and apps using CallKit) with number, duration and direction. E-mail handles (FaceTime) are checked against e-mail indicators.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/CallHistoryDB/CallHistory.storedata" }],
    fs: ["private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"],
  },
  requires: { ZCALLRECORD: ["ZDATE", "ZADDRESS"] },
  *rows(db) {
    const sql = `SELECT ZDATE, ZADDRESS, ${OPTIONAL.map((c) => db.optional("ZCALLRECORD", c)).join(", ")} FROM ZCALLRECORD`;
    for (const r of db.rows(sql)) {
      const provider = asText(r[4]);
      const callType = r[7];
      yield {
        isodate: fromMacAbsolute(r[0]) ?? null,
        duration: r[2],
        location: asText(r[3]),
        // ZADDRESS is a BLOB on some iOS versions.
        number: asText(r[1]),
        name: asText(r[8]),
        provider,
        service: serviceOf(provider, callType),
        call_type: callType,
        direction: r[5] === null || r[5] === undefined ? null : r[5] === 1 ? "outgoing" : "incoming",
        answered: r[6] === null || r[6] === undefined ? null : r[6] === 1,
        country_code: asText(r[9]),
        unique_id: asText(r[10]),
      };
    }
  },
  events(r) {
    if (!r.isodate) return [];
    const dir = r.direction === "outgoing" ? "to" : "from";
    return [
      {
        timestamp: r.isodate,
        event: "call",
        description: `${r.service} call ${r.direction ?? ""} ${dir} ${r.number ?? "unknown"}${r.name ? ` (${r.name})` : ""}, ${Math.round(r.duration ?? 0)} s${r.answered === false ? ", not answered" : ""}`.replace(/\s+/g, " "),
      },
    ];
  },
  check(r, ctx) {
    const email = emailOf(r.number);
    if (!email) return [];
    return fromMatches(ctx.iocs.email(email), {
      grade: "medium",
      title: (m) => msg(r.direction === "outgoing" ? "det.calls.to" : "det.calls.from", { value: m.matched }),
      why: msg("det.calls.why"),
      timestamp: r.isodate ?? undefined,
    });
  },
});
