// Samsung's system framework logs (sfslog.N.gz from /data/log, in androidqf's logs/ folder):
// USB devices attached to the phone with their vendor and product ids and whether they offered
// audio, HID (keyboard) or mass storage; USB state changes; and each decision on an adb key,
// with its time. Forensic unlocking tools work through the USB port: Cellebrite's exploit chain
// against Android (Amnesty, 2025) emulated a series of USB devices (video, audio, HID) to reach
// kernel driver flaws, and a computer authorised for adb keeps access to the phone.
import { defineModule } from "../contract.ts";
import { codeRule, heuristic } from "../../core/detection.ts";
import { msg } from "../../core/i18n/index.ts";
import { VigilError, describeError } from "../../core/errors.ts";
import { parseAdb } from "../../formats/dumpsys/adb.ts";
import { readLines } from "../../formats/lines.ts";
import { parseSfsLine, sfsEvent, sfslogText, type SfsEvent } from "../../formats/samsung-sfslog.ts";
import type { ModuleContext } from "../contract.ts";
import { DUMPSYS_READS, dumpsysOf } from "./lib/common.ts";

export type SfsRecord = SfsEvent & {
  file: string;
  /** For adb keys: whether it is the key of the computer that made this acquisition (null: unknown). */
  acquisition_host?: boolean | null;
};

export const BURST_DEVICES = 3;
export const BURST_WINDOW_MS = 60_000;
export const ADB_AUTHORIZED_RULE = codeRule("android-adb-key-authorized-other");
export const USB_BURST_RULE = codeRule("android-usb-device-burst", { n: BURST_DEVICES, seconds: BURST_WINDOW_MS / 1000 });
export const USB_HID_RULE = codeRule("android-usb-hid-device");
const ALLOWED = new Set([2, 4]);
/** Attachments kept for the burst search; past it the rest are not looked at (with a warning). */
export const MAX_ATTACHED = 50_000;
/** adb key records held until the acquiring computer is known; past it they are read again. */
export const MAX_KEYS = 10_000;

/** The fingerprint of the adb key of the computer connected when the dump was taken, if any. */
async function hostKey(ctx: ModuleContext): Promise<string | undefined> {
  try {
    for (const f of await ctx.view.find({ androidqf: DUMPSYS_READS.androidqf, bugreport: DUMPSYS_READS.bugreport })) {
      const lines = (await dumpsysOf(ctx, f, ["adb"])).sections.get("adb");
      const k = lines ? parseAdb(lines).last_key_received : undefined;
      if (k) return k.toUpperCase();
    }
  } catch (e) {
    ctx.warn(`dumpsys adb unreadable, the acquiring computer's key is unknown: ${describeError(e)}`);
  }
  return undefined;
}

function device(r: { vendor_id: string; product_id: string; manufacturer: string; product: string }): string {
  const name = [r.manufacturer, r.product].filter(Boolean).join(" ");
  return `${r.vendor_id}:${r.product_id}${name ? ` (${name})` : ""}`;
}

export default defineModule<SfsRecord>({
  name: "samsung_sfs_logs",
  title: "Samsung framework logs (USB and adb)",
  platform: "android",
  description:
    "USB devices attached to the phone (vendor/product ids, audio, HID and storage flags), USB state changes and adb key decisions from Samsung's sfslog files. Bursts of different USB devices, keyboard-like devices and computers authorised for adb other than the acquiring one are flagged.",
  reads: { androidqf: ["**/sfslog*"], bugreport: ["**/sfslog*"] },
  async *records(ctx) {
    const host = await hostKey(ctx);
    const attached: SfsRecord[] = [];
    let attachedLeft = 0;
    // The first keyboard-only attachment of each device, flagged after the adb keys.
    const hidFirst = new Map<string, SfsRecord>();
    // Undefined once past MAX_KEYS: the keys are then read again from the files at the end.
    let keys: SfsRecord[] | undefined = [];
    let lastAllowed: SfsRecord | undefined;
    let firstError: unknown;
    let ok = 0;
    for (const f of ctx.files) {
      let lines = 0;
      let logLines = 0;
      try {
        for await (const line of readLines(await sfslogText(await ctx.view.openStream(f)))) {
          if (!line) continue;
          lines++;
          const l = parseSfsLine(line);
          if (!l) continue;
          logLines++;
          const e = sfsEvent(l);
          if (!e) continue;
          const rec: SfsRecord = { ...e, file: f.path };
          if (rec.event === "usb_device_attached") {
            if (attached.length < MAX_ATTACHED) attached.push(rec);
            else attachedLeft++;
            const id = `${rec.vendor_id}:${rec.product_id}`;
            if (rec.has_hid && !rec.has_audio && !hidFirst.has(id)) hidFirst.set(id, rec);
          }
          // Keys wait until every authorisation is known, to tell the acquiring computer's.
          if (rec.event === "adb_key") {
            if (ALLOWED.has(rec.state) && (!lastAllowed || Date.parse(rec.timestamp) >= Date.parse(lastAllowed.timestamp))) lastAllowed = rec;
            keys?.push(rec);
            if (keys && keys.length > MAX_KEYS) keys = undefined;
          } else yield rec;
        }
        if (lines > 0 && logLines === 0) throw new VigilError("not a Samsung framework log (no dated log line)", { file: f.path });
        ok++;
      } catch (e) {
        const err = e instanceof VigilError ? e : new VigilError(`cannot read: ${describeError(e)}`, { file: f.path, cause: e });
        firstError ??= err;
        if (ctx.files.length > 1) ctx.warn(describeError(err));
      }
    }
    if (ok === 0 && firstError) throw firstError;

    // The acquiring computer: the one dumpsys names, else the last one allowed.
    const last = lastAllowed;
    const hostFp = host ?? (last?.event === "adb_key" ? (last.fingerprint ?? undefined) : undefined);
    const flagged = new Set<string>();
    for await (const k of keys ?? keysAgain(ctx)) {
      if (k.event !== "adb_key") continue;
      k.acquisition_host = hostFp && k.fingerprint ? k.fingerprint === hostFp : null;
      yield k;
      if (!ALLOWED.has(k.state) || k.acquisition_host !== false || flagged.has(k.fingerprint!)) continue;
      flagged.add(k.fingerprint!);
      ctx.detect(
        heuristic({
          rule: ADB_AUTHORIZED_RULE.id,
          ruleDescription: ADB_AUTHORIZED_RULE.description,
          grade: "weak",
          title: msg(k.comment ? "det.sfslog.adb_allowed_named" : "det.sfslog.adb_allowed", { date: k.timestamp, name: k.comment ?? "", key: k.fingerprint! }),
          why: msg("det.sfslog.adb_allowed.why"),
          matched: k.fingerprint!,
          artifact: k.file,
          timestamp: k.timestamp,
          record: k,
        }),
      );
    }

    for (const [id, a] of hidFirst) {
      if (a.event !== "usb_device_attached") continue;
      ctx.detect(
        heuristic({
          rule: USB_HID_RULE.id,
          ruleDescription: USB_HID_RULE.description,
          grade: "weak",
          title: msg("det.sfslog.usb_hid", { date: a.timestamp, device: device(a) }),
          why: msg("det.sfslog.usb_hid.why"),
          matched: id,
          artifact: a.file,
          timestamp: a.timestamp,
          record: a,
        }),
      );
    }
    if (attachedLeft > 0) ctx.warn(`${attachedLeft.toLocaleString("en")} USB attachments past the first ${MAX_ATTACHED.toLocaleString("en")} were not looked at for bursts of devices`);
    for (const burst of bursts(attached)) {
      const ids = [...new Set(burst.map((b) => (b.event === "usb_device_attached" ? `${b.vendor_id}:${b.product_id}` : "")))];
      ctx.detect(
        heuristic({
          rule: USB_BURST_RULE.id,
          ruleDescription: USB_BURST_RULE.description,
          grade: "weak",
          title: msg("det.sfslog.usb_burst", { n: ids.length, date: burst[0].timestamp, ids: ids.join(", ") }),
          why: msg("det.sfslog.usb_burst.why"),
          matched: ids.join(", "),
          artifact: burst[0].file,
          timestamp: burst[0].timestamp,
          record: burst,
        }),
      );
    }
  },
  events(r) {
    if (r.event === "usb_device_attached") {
      const offers = [r.has_audio && "audio", r.has_hid && "HID", r.has_storage && "storage"].filter(Boolean).join(", ");
      return [{ timestamp: r.timestamp, event: "usb_device_attached", description: `USB device ${device(r)} attached${r.serial ? `, serial ${r.serial}` : ""}${offers ? `; offers ${offers}` : ""}` }];
    }
    if (r.event === "usb_state") return [{ timestamp: r.timestamp, event: "usb_state", description: `USB state ${r.usb_state}${r.device_path ? ` (${r.device_path})` : ""}` }];
    const kind = ALLOWED.has(r.state) ? "adb_key_authorized" : r.state === 3 || r.state === 5 || r.state === 6 ? "adb_key_denied" : "adb_key_event";
    return [{ timestamp: r.timestamp, event: kind, description: `adb key ${r.fingerprint ?? "?"}${r.comment ? ` (${r.comment})` : ""}: ${r.state_name}${r.always_allow ? ", always allow" : ""}${r.acquisition_host ? " (the acquiring computer)" : ""}` }];
  },
});

/** The adb key records of the files, read again (errors were told in the first reading). */
async function* keysAgain(ctx: ModuleContext): AsyncGenerator<SfsRecord> {
  for (const f of ctx.files) {
    try {
      for await (const line of readLines(await sfslogText(await ctx.view.openStream(f)))) {
        if (!line.includes("AdbDebuggingManager")) continue;
        const l = parseSfsLine(line);
        const e = l && sfsEvent(l);
        if (e?.event === "adb_key") yield { ...e, file: f.path };
      }
    } catch {
      // The first reading warned about this file or failed the module.
    }
  }
}

/**
 * Runs of BURST_DEVICES or more different devices within BURST_WINDOW_MS of the first. The
 * window slides with a count per device, so that a long series of attachments of one or two
 * devices within a minute is not walked again from each of them (quadratic).
 */
function bursts(attached: SfsRecord[]): SfsRecord[][] {
  const sorted = attached.filter((a) => a.event === "usb_device_attached").sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const times = sorted.map((r) => Date.parse(r.timestamp));
  const ids = sorted.map((r) => (r.event === "usb_device_attached" ? `${r.vendor_id}:${r.product_id}` : ""));
  const out: SfsRecord[][] = [];
  // Devices of sorted[i..j], with their counts; j only moves forward.
  const inWindow = new Map<string, number>();
  let i = 0;
  let j = -1;
  while (i < sorted.length) {
    if (j < i) {
      inWindow.clear();
      j = i;
      inWindow.set(ids[i], 1);
    }
    while (j + 1 < sorted.length && times[j + 1] - times[i] <= BURST_WINDOW_MS) {
      j++;
      inWindow.set(ids[j], (inWindow.get(ids[j]) ?? 0) + 1);
    }
    if (inWindow.size >= BURST_DEVICES) {
      out.push(sorted.slice(i, j + 1));
      i = j + 1;
    } else {
      const left = (inWindow.get(ids[i]) ?? 0) - 1;
      if (left > 0) inWindow.set(ids[i], left);
      else inWindow.delete(ids[i]);
      i++;
    }
  }
  return out;
}
