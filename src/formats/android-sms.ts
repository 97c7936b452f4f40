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

/**
 * The telephony provider writes at most 1000 messages a file: 64 MiB of JSON is far more than
 * one holds, and stops a few hundred kilobytes inflating to gigabytes.
 */
export const MAX_TELEPHONY_JSON = 64 * 1024 * 1024;

/**
 * A JSON value as text. String() throws on an object whose "toString" is not a function
 * ({"toString": 1}) and on arrays nested past the stack; such a value is given as JSON, or
 * not at all.
 */
function asText(v: unknown): string {
  try {
    return String(v);
  } catch {
    try {
      return JSON.stringify(v) ?? "";
    } catch {
      return "";
    }
  }
}
function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : asText(v);
}
/** Number(v), NaN where Number() throws (the same values as String above). */
function num(v: unknown): number {
  try {
    return Number(v);
  } catch {
    return NaN;
  }
}

export function decodeTelephonyBackup(data: Buffer, file: string): unknown[] {
  let text: string;
  try {
    text = inflateSync(data, { maxOutputLength: MAX_TELEPHONY_JSON }).toString("utf8");
  } catch (e) {
    if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new VigilError(`telephony backup inflates to more than ${MAX_TELEPHONY_JSON / 1024 / 1024} MiB (a file holds at most 1000 messages); not read`, { file });
    }
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
      const from = addrs.find((a) => num(a?.type) === 137);
      const box = str(m.msg_box);
      return {
        message_type: "mms",
        address: str(from?.address) ?? str(addrs[0]?.address),
        body: str(m.mms_body),
        isodate: fromUnixSeconds(num(m.date)),
        isodate_sent: num(m.date_sent) ? fromUnixSeconds(num(m.date_sent)) : undefined,
        type: box,
        direction: box === "1" ? "received" : box === "2" || box === "4" ? "sent" : "unknown",
        read: m.read === undefined ? undefined : asText(m.read) === "1",
        recipients: Array.isArray(m.recipients) ? m.recipients.map(asText) : undefined,
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
      isodate: fromUnixMillis(num(m.date)),
      isodate_sent: num(m.date_sent) ? fromUnixMillis(num(m.date_sent)) : undefined,
      type,
      direction: type === "1" ? "received" : type === "2" || type === "4" || type === "5" || type === "6" ? "sent" : "unknown",
      read: m.read === undefined ? undefined : asText(m.read) === "1",
      recipients: Array.isArray(m.recipients) ? m.recipients.map(asText) : undefined,
      date: str(m.date),
      date_sent: str(m.date_sent),
      file,
    } satisfies AndroidMessage;
  });
}
