import { inflateSync } from "node:zlib";
import { VigilError } from "../core/errors.js";
import { fromUnixMillis, fromUnixSeconds } from "../core/time.js";
function str(v) {
  return v === void 0 || v === null ? void 0 : String(v);
}
function decodeTelephonyBackup(data, file) {
  let text;
  try {
    text = inflateSync(data).toString("utf8");
  } catch {
    if (data[0] === 91) text = data.toString("utf8");
    else throw new VigilError("not a zlib-compressed telephony backup (corrupt or truncated)", { file });
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VigilError("telephony backup is not valid JSON (truncated?)", { file });
  }
  if (!Array.isArray(parsed)) throw new VigilError("telephony backup is not a JSON list of messages", { file });
  return parsed;
}
function parseSmsBackup(data, file) {
  const isMms = /mms_backup$/.test(file);
  return decodeTelephonyBackup(data, file).map((raw) => {
    const m = raw ?? {};
    if (isMms) {
      const addrs = Array.isArray(m.mms_addresses) ? m.mms_addresses : [];
      const from = addrs.find((a) => Number(a.type) === 137);
      const box = str(m.msg_box);
      return {
        message_type: "mms",
        address: str(from?.address) ?? str(addrs[0]?.address),
        body: str(m.mms_body),
        isodate: fromUnixSeconds(Number(m.date)),
        isodate_sent: Number(m.date_sent) ? fromUnixSeconds(Number(m.date_sent)) : void 0,
        type: box,
        direction: box === "1" ? "received" : box === "2" || box === "4" ? "sent" : "unknown",
        read: m.read === void 0 ? void 0 : String(m.read) === "1",
        recipients: Array.isArray(m.recipients) ? m.recipients.map(String) : void 0,
        file
      };
    }
    const type = str(m.type);
    return {
      message_type: "sms",
      address: str(m.address),
      body: str(m.body),
      isodate: fromUnixMillis(Number(m.date)),
      isodate_sent: Number(m.date_sent) ? fromUnixMillis(Number(m.date_sent)) : void 0,
      type,
      direction: type === "1" ? "received" : type === "2" || type === "4" || type === "5" || type === "6" ? "sent" : "unknown",
      read: m.read === void 0 ? void 0 : String(m.read) === "1",
      recipients: Array.isArray(m.recipients) ? m.recipients.map(String) : void 0,
      file
    };
  });
}
export {
  decodeTelephonyBackup,
  parseSmsBackup
};
