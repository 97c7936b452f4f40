// SMS and MMS from an Android backup's telephony provider: apps/com.android.providers.telephony/
// d_f/NNNNNN_sms_backup and NNNNNN_mms_backup are zlib-compressed JSON arrays (one object per
// message). SMS dates are Unix milliseconds as strings; MMS dates are Unix seconds.
import { inflateSync } from "node:zlib";
import { VigilError } from "../core/errors.ts";
import { fromUnixMillis, fromUnixSeconds } from "../core/time.ts";

export interface AndroidMessage {
  message_type: "sms" | "mms";
  address?: string;
  body?: string;
  /** UTC ISO time the message was received or written. */
  isodate?: string;
  /** UTC ISO time the sender sent it, when known. */
  isodate_sent?: string;
  /** Telephony type: 1 inbox (received), 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued. */
  type?: string;
  direction: "received" | "sent" | "unknown";
  read?: boolean;
  recipients?: string[];
  /** The provider's own date fields (milliseconds for SMS, seconds for MMS), as MVT keeps them. */
  date?: string;
  date_sent?: string;
  /** The http(s) links in the body (MVT's field), filled in by the sms module. */
  links?: string[];
  file: string;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

export function decodeTelephonyBackup(data: Buffer, file: string): unknown[] {
  let text: string;
  try {
    text = inflateSync(data).toString("utf8");
  } catch {
    // Some backup tools store the JSON uncompressed.
    if (data[0] === 0x5b) text = data.toString("utf8");
    else throw new VigilError("not a zlib-compressed telephony backup (corrupt or truncated)", { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VigilError("telephony backup is not valid JSON (truncated?)", { file });
  }
  if (!Array.isArray(parsed)) throw new VigilError("telephony backup is not a JSON list of messages", { file });
  return parsed;
}

export function parseSmsBackup(data: Buffer, file: string): AndroidMessage[] {
  const isMms = /mms_backup$/.test(file);
  return decodeTelephonyBackup(data, file).map((raw) => {
    const m = (raw ?? {}) as Record<string, unknown>;
    if (isMms) {
      const addrs = Array.isArray(m.mms_addresses) ? (m.mms_addresses as Record<string, unknown>[]) : [];
      // PduHeaders: 137 = FROM, 151 = TO. msg_box 1 = inbox, 2 = sent.
      const from = addrs.find((a) => Number(a.type) === 137);
      const box = str(m.msg_box);
      return {
        message_type: "mms",
        address: str(from?.address) ?? str(addrs[0]?.address),
        body: str(m.mms_body),
        isodate: fromUnixSeconds(Number(m.date)),
        isodate_sent: Number(m.date_sent) ? fromUnixSeconds(Number(m.date_sent)) : undefined,
        type: box,
        direction: box === "1" ? "received" : box === "2" || box === "4" ? "sent" : "unknown",
        read: m.read === undefined ? undefined : String(m.read) === "1",
        recipients: Array.isArray(m.recipients) ? m.recipients.map(String) : undefined,
        date: str(m.date),
        date_sent: str(m.date_sent),
        file,
      } satisfies AndroidMessage;
    }
    const type = str(m.type);
    return {
      message_type: "sms",
      address: str(m.address),
      body: str(m.body),
      isodate: fromUnixMillis(Number(m.date)),
      isodate_sent: Number(m.date_sent) ? fromUnixMillis(Number(m.date_sent)) : undefined,
      type,
      direction: type === "1" ? "received" : type === "2" || type === "4" || type === "5" || type === "6" ? "sent" : "unknown",
      read: m.read === undefined ? undefined : String(m.read) === "1",
      recipients: Array.isArray(m.recipients) ? m.recipients.map(String) : undefined,
      date: str(m.date),
      date_sent: str(m.date_sent),
      file,
    } satisfies AndroidMessage;
  });
}
