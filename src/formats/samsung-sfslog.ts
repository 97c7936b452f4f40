// Samsung's system framework log (sfslog.N.gz under /data/log, collected by androidqf): logcat-
// like lines with the date, the time-zone offset, the pid, the level and the tag, e.g.
//   25-06-18 (GMT-03:00) 18:10:00.000 1498 D UsbHostManager: USB device attached: vidpid 18d1:4ee7 mfg/product/ver/serial Google/Pixel/1.00/ABC123 hasAudio/HID/Storage: true/false/true
// The lines of three framework services are decoded: USB devices attached to the phone
// (UsbHostManager), USB state changes (UsbDeviceManager) and adb key decisions
// (AdbDebuggingManager). Other lines are skipped.
import { createGunzip } from "node:zlib";
import { Readable, pipeline } from "node:stream";
import { fromOffsetDateTime } from "../core/time.ts";
import { adbKeyFingerprint } from "./dumpsys/adb.ts";

const LINE = /^(\d{2})-(\d{2})-(\d{2}) \(GMT([+-]\d{2}:\d{2})\) (\d{2}:\d{2}:\d{2}\.\d{3}) +(\d+) ([VDIWEAF]) ([^:]+): (.*)$/;
const USB_DEVICE = /^USB device attached: vidpid ([^\s:]+):(\S+) mfg\/product\/ver(\/serial)? (.*) hasAudio\/HID\/Storage: (true|false)\/(true|false)\/(true|false)$/;
const USB_UEVENT = /^USB UEVENT: \{(.*)\}$/;
const ADB_KEY = /^Logging key (\S+)(?: (.*?))?, state = (\d+), alwaysAllow = (true|false), lastConnectionTime = (\d+), authWindow = (\d+)$/;

/** AdbDebuggingManager's decision codes. */
export const ADB_KEY_STATES: Record<number, string> = {
  0: "unknown",
  1: "awaiting_user_approval",
  2: "user_allowed",
  3: "user_denied",
  4: "automatically_allowed",
  5: "denied_invalid_key",
  6: "denied_vold_decrypt",
  7: "disconnected",
};

export interface SfsLine {
  /** UTC, from the line's date and its GMT offset. */
  timestamp: string;
  pid: number;
  level: string;
  tag: string;
  message: string;
}

export type SfsEvent =
  | {
      event: "usb_device_attached";
      timestamp: string;
      vendor_id: string;
      product_id: string;
      manufacturer: string;
      product: string;
      version: string;
      serial: string | null;
      has_audio: boolean;
      has_hid: boolean;
      has_storage: boolean;
    }
  | { event: "usb_state"; timestamp: string; usb_state: string; action: string | null; device_path: string | null; subsystem: string | null }
  | {
      event: "adb_key";
      timestamp: string;
      key: string;
      comment: string | null;
      fingerprint: string | null;
      state: number;
      state_name: string;
      always_allow: boolean;
      /** Unix ms as logged; 0 when never connected. */
      last_connection_time: number;
      auth_window_ms: number;
    };

export function parseSfsLine(line: string): SfsLine | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const timestamp = fromOffsetDateTime(`20${m[1]}-${m[2]}-${m[3]} ${m[5]} ${m[4]}`);
  if (!timestamp) return undefined;
  return { timestamp, pid: Number(m[6]), level: m[7], tag: m[8].trim(), message: m[9] };
}

/** The event a line records, for the three services decoded; undefined for any other line. */
export function sfsEvent(l: SfsLine): SfsEvent | undefined {
  if (l.tag === "UsbHostManager") {
    const m = USB_DEVICE.exec(l.message);
    if (!m) return undefined;
    // "mfg/product/ver/serial" gives four fields; without "/serial", three.
    const parts = m[4].split("/");
    const n = m[3] ? 4 : 3;
    const fields = parts.length > n ? [...parts.slice(0, n - 1), parts.slice(n - 1).join("/")] : parts;
    return {
      event: "usb_device_attached",
      timestamp: l.timestamp,
      vendor_id: m[1].toLowerCase(),
      product_id: m[2].toLowerCase(),
      manufacturer: fields[0] ?? "",
      product: fields[1] ?? "",
      version: fields[2] ?? "",
      serial: n === 4 ? (fields[3] ?? null) : null,
      has_audio: m[5] === "true",
      has_hid: m[6] === "true",
      has_storage: m[7] === "true",
    };
  }
  if (l.tag === "UsbDeviceManager") {
    const m = USB_UEVENT.exec(l.message);
    if (!m) return undefined;
    const props = new Map<string, string>();
    for (const item of m[1].split(",")) {
      const eq = item.indexOf("=");
      if (eq > 0) props.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
    const state = props.get("USB_STATE");
    if (!state) return undefined;
    return { event: "usb_state", timestamp: l.timestamp, usb_state: state, action: props.get("ACTION") ?? null, device_path: props.get("DEVPATH") ?? null, subsystem: props.get("SUBSYSTEM") ?? null };
  }
  if (l.tag === "AdbDebuggingManager") {
    const m = ADB_KEY.exec(l.message);
    if (!m) return undefined;
    const state = Number(m[3]);
    return {
      event: "adb_key",
      timestamp: l.timestamp,
      key: m[1],
      comment: m[2]?.trim() || null,
      fingerprint: adbKeyFingerprint(m[1]) ?? null,
      state,
      state_name: ADB_KEY_STATES[state] ?? "unknown",
      always_allow: m[4] === "true",
      last_connection_time: Number(m[5]),
      auth_window_ms: Number(m[6]),
    };
  }
  return undefined;
}

/** The text of an sfslog file: gzip-compressed (sfslog.N.gz) or plain. */
export async function sfslogText(stream: Readable): Promise<AsyncIterable<Buffer>> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const head: Buffer | undefined = first.done ? undefined : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head) yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value);
    }
  }
  if (head && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    // An error on either side destroys the gunzip stream, so it reaches whoever reads the text.
    pipeline(Readable.from(rest()), gunzip, () => {});
    return gunzip;
  }
  return rest();
}
