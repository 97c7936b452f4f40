// Traces of physical access to an Android phone, built in code: adb public keys as adb writes
// them, Samsung framework log lines (sfslog) for USB devices, USB states and adb key decisions,
// and the adb section of dumpsys naming the acquiring computer's key.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/** An adb RSA public key blob (base64 of a 524-byte key, starting "QAAAA") with its comment. */
export function adbKey(seed: string, comment = `${seed}@host`): { key: string; line: string; fingerprint: string } {
  const blob = Buffer.alloc(524);
  blob.writeUInt32LE(64, 0);
  let fill = createHash("sha256").update(seed).digest();
  for (let at = 4; at < blob.length; at += fill.length) {
    fill.copy(blob, at);
    fill = createHash("sha256").update(fill).digest();
  }
  const key = blob.toString("base64");
  const fingerprint = createHash("md5").update(blob).digest("hex").toUpperCase().match(/../g)!.join(":");
  return { key, line: `${key} ${comment}`, fingerprint };
}

/** "YY-MM-DD (GMT+HH:MM) HH:MM:SS.mmm" for a UTC ISO time shown in a zone `offsetMin` east. */
function stamp(iso: string, offsetMin: number): string {
  const d = new Date(Date.parse(iso) + offsetMin * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const sign = offsetMin < 0 ? "-" : "+";
  const off = Math.abs(offsetMin);
  return `${p(d.getUTCFullYear() % 100)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} (GMT${sign}${p(Math.floor(off / 60))}:${p(off % 60)}) ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

export type SfsFixture =
  | { at: string; usb: { vid: string; pid: string; mfg: string; product: string; serial?: string; audio?: boolean; hid?: boolean; storage?: boolean } }
  | { at: string; state: string }
  | { at: string; adb: { line: string; state: number; always?: boolean } }
  | { at: string; other: string };

/** Samsung framework log text, each line written in the zone `offsetMin` east of UTC. */
export function sfslogText(lines: SfsFixture[], offsetMin = 120): string {
  return (
    lines
      .map((l) => {
        const t = stamp(l.at, offsetMin);
        if ("usb" in l) {
          const u = l.usb;
          const f = `${u.mfg}/${u.product}/1.00${u.serial !== undefined ? `/${u.serial}` : ""}`;
          return `${t} 1498 D UsbHostManager: USB device attached: vidpid ${u.vid}:${u.pid} mfg/product/ver${u.serial !== undefined ? "/serial" : ""} ${f} hasAudio/HID/Storage: ${!!u.audio}/${!!u.hid}/${!!u.storage}`;
        }
        if ("state" in l) return `${t} 1498 V UsbDeviceManager: USB UEVENT: {SUBSYSTEM=android_usb, SEQNUM=4242, ACTION=change, USB_STATE=${l.state}, DEVPATH=/devices/virtual/android_usb/android0}`;
        if ("adb" in l) return `${t} 1498 D AdbDebuggingManager: Logging key ${l.adb.line}, state = ${l.adb.state}, alwaysAllow = ${!!l.adb.always}, lastConnectionTime = 0, authWindow = 604800000`;
        return `${t} 1498 I ActivityManager: ${l.other}`;
      })
      .join("\n") + "\n"
  );
}

export function sfslogGz(lines: SfsFixture[], offsetMin = 120): Buffer {
  return gzipSync(sfslogText(lines, offsetMin));
}

/** The body of dumpsys adb with the keys trusted and the one of the computer connected now. */
export function dumpsysAdbBody(userKeys: string[], lastKeyFingerprint?: string): string {
  return [
    "ADB MANAGER STATE (dumpsys adb):",
    "{",
    "  debugging_manager={",
    "    connected_to_adb=true",
    ...(lastKeyFingerprint ? [`    last_key_received=${lastKeyFingerprint}`] : []),
    `    user_keys=${userKeys[0] ?? ""}`,
    ...userKeys.slice(1).map((k) => `    ${k}`),
    "",
    "  }",
    "}",
  ].join("\n");
}
