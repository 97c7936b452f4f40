import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import assert from "node:assert/strict";
import sfs, { ADB_AUTHORIZED_RULE, MAX_ATTACHED, MAX_KEYS, USB_BURST_RULE, USB_HID_RULE } from "../../../../src/modules/android/samsung-sfs-logs.ts";
import { dumpsys, qf, run } from "../../../helpers/android-views.ts";
import { runModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { adbKey, dumpsysAdbBody, sfslogGz, sfslogText, type SfsFixture } from "../../../helpers/physical-access-fixtures.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const HOST = adbKey("analyst", "analyst@lab");
const OTHER = adbKey("unknown", "user@DESKTOP-7Q");
const DENIED = adbKey("denied", "x@y");

const LOG: SfsFixture[] = [
  { at: "2024-11-02T08:00:00Z", other: "Start proc 1234:com.android.settings" },
  { at: "2024-11-02T08:00:05Z", state: "CONNECTED" },
  { at: "2024-11-02T08:00:06Z", adb: { line: OTHER.line, state: 2, always: true } },
  { at: "2024-11-02T08:00:07Z", state: "CONFIGURED" },
  // The exploit's parade of devices: video, audio, keyboard within seconds.
  { at: "2024-11-02T08:10:00Z", usb: { vid: "046D", pid: "082D", mfg: "Logitech", product: "HD Pro Webcam C920" } },
  { at: "2024-11-02T08:10:04Z", usb: { vid: "0d8c", pid: "0014", mfg: "C-Media", product: "USB Audio Device", audio: true } },
  { at: "2024-11-02T08:10:09Z", usb: { vid: "05ac", pid: "0250", mfg: "Apple", product: "Keyboard", hid: true, serial: "" } },
  // Ordinary use later: a USB-C headset (audio with buttons) and a flash drive.
  { at: "2024-12-20T18:00:00Z", usb: { vid: "18d1", pid: "5033", mfg: "Google", product: "USB-C to 3.5mm", audio: true, hid: true } },
  { at: "2024-12-21T09:00:00Z", usb: { vid: "0781", pid: "5581", mfg: "SanDisk", product: "Ultra", storage: true, serial: "4C530001" } },
  { at: "2025-01-05T09:00:00Z", adb: { line: DENIED.line, state: 3 } },
  { at: "2025-01-10T14:00:00Z", adb: { line: HOST.line, state: 2, always: false } },
];

test("samsung_sfs_logs: USB devices, USB states and adb key decisions, times in UTC from the logged offset", async () => {
  const v = qf({ "logs/data/log/sfslog.0.gz": sfslogGz(LOG), "dumpsys.txt": dumpsys({ adb: dumpsysAdbBody([HOST.line, OTHER.line], HOST.fingerprint) }) });
  const r = await run(sfs, v);
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  const recs = r.records as any[];
  assert.deepEqual(recs.map((x) => x.event), ["usb_state", "usb_state", "usb_device_attached", "usb_device_attached", "usb_device_attached", "usb_device_attached", "usb_device_attached", "adb_key", "adb_key", "adb_key"]);
  const cam = recs[2];
  assert.deepEqual([cam.timestamp, cam.vendor_id, cam.product_id, cam.manufacturer, cam.product, cam.has_audio, cam.has_hid, cam.has_storage], ["2024-11-02T08:10:00.000Z", "046d", "082d", "Logitech", "HD Pro Webcam C920", false, false, false]);
  assert.equal(recs[6].serial, "4C530001");
  const keys = recs.filter((x) => x.event === "adb_key");
  assert.deepEqual(keys.map((k) => [k.fingerprint, k.state_name, k.acquisition_host, k.comment]), [
    [OTHER.fingerprint, "user_allowed", false, "user@DESKTOP-7Q"],
    [DENIED.fingerprint, "user_denied", false, "x@y"],
    [HOST.fingerprint, "user_allowed", true, "analyst@lab"],
  ]);
  assert.deepEqual(
    r.events.filter((e) => e.event.startsWith("adb_")).map((e) => e.event),
    ["adb_key_authorized", "adb_key_denied", "adb_key_authorized"],
  );
  assert.match(r.events.find((e) => e.event === "usb_device_attached" && e.description.includes("SanDisk"))!.description, /0781:5581 \(SanDisk Ultra\) attached, serial 4C530001; offers storage/);
});

test("samsung_sfs_logs: another computer allowed for adb, a burst of USB devices and a keyboard-only device are weak detections", async () => {
  const v = qf({ "logs/data/log/sfslog.0.gz": sfslogGz(LOG), "dumpsys.txt": dumpsys({ adb: dumpsysAdbBody([HOST.line, OTHER.line], HOST.fingerprint) }) });
  const r = await run(sfs, v);
  assert.deepEqual(
    r.detections.map((d) => [d.rule?.id, d.grade, d.matched, d.timestamp]),
    [
      [ADB_AUTHORIZED_RULE.id, "weak", OTHER.fingerprint, "2024-11-02T08:00:06.000Z"],
      [USB_HID_RULE.id, "weak", "05ac:0250", "2024-11-02T08:10:09.000Z"],
      [USB_BURST_RULE.id, "weak", "046d:082d, 0d8c:0014, 05ac:0250", "2024-11-02T08:10:00.000Z"],
    ],
  );
  assert.equal(r.detections[0].artifact, "logs/data/log/sfslog.0.gz");
});

test("samsung_sfs_logs: without dumpsys the newest authorisation is taken for the acquiring computer; a plain-text log reads too", async () => {
  const r = await run(sfs, qf({ "logs/data/log/sfslog.1": sfslogText(LOG, -300) }));
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  const adb = r.detections.filter((d) => d.rule?.id === ADB_AUTHORIZED_RULE.id);
  assert.deepEqual(adb.map((d) => d.matched), [OTHER.fingerprint]);
  assert.equal((r.records as any[])[2].timestamp, "2024-11-02T08:10:00.000Z", "a negative offset converts too");
  // Only the acquiring computer ever allowed: nothing to flag.
  const alone = await run(sfs, qf({ "logs/data/log/sfslog.0.gz": sfslogGz([{ at: "2025-01-10T14:00:00Z", adb: { line: HOST.line, state: 2 } }]) }));
  assert.equal(alone.detections.length, 0);
});

test("samsung_sfs_logs: a damaged file is a one-line failure naming it; one good file among two is enough", async () => {
  const bad = await run(sfs, qf({ "logs/data/log/sfslog.0.gz": Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]) }));
  assert.equal(bad.coverage.status, "failed");
  assert.match(bad.coverage.reason!, /^logs\/data\/log\/sfslog\.0\.gz: cannot read: /);
  const notLog = await run(sfs, qf({ "logs/data/log/sfslog.0": "hello\nworld\n" }));
  assert.equal(notLog.coverage.reason, "logs/data/log/sfslog.0: not a Samsung framework log (no dated log line)");
  const mixed = await run(sfs, qf({ "logs/data/log/sfslog.0.gz": Buffer.from("garbage"), "logs/data/log/sfslog.1.gz": sfslogGz(LOG) }));
  assert.equal(mixed.coverage.status, "checked");
  assert.ok(mixed.warnings.some((w) => w.startsWith("logs/data/log/sfslog.0.gz")), mixed.warnings.join("; "));
});

test("samsung_sfs_logs: thousands of attachments of two devices within a minute are walked once", async () => {
  // The burst search walked the window again from each attachment (quadratic: 26 s for 8,000).
  const two: SfsFixture[] = Array.from({ length: 20_000 }, (_, i) => ({ at: "2024-11-02T08:10:00Z", usb: { vid: "18d1", pid: i % 2 ? "4ee1" : "4ee2", mfg: "G", product: "P" } }));
  const third: SfsFixture = { at: "2024-11-02T08:10:30Z", usb: { vid: "05ac", pid: "0250", mfg: "Apple", product: "Keyboard", hid: true } };
  const r = await withinCpu(5, "the log", () => run(sfs, qf({ "logs/data/log/sfslog.0": sfslogText(two) })));
  assert.equal(r.records.length, 20_000);
  assert.equal(r.detections.filter((d) => d.rule?.id === USB_BURST_RULE.id).length, 0);
  // A third device in the minute makes one burst of all of them.
  const b = await withinCpu(5, "the log", () => run(sfs, qf({ "logs/data/log/sfslog.0": sfslogText([...two, third]) })));
  const bursts = b.detections.filter((d) => d.rule?.id === USB_BURST_RULE.id);
  assert.equal(bursts.length, 1);
  assert.equal((bursts[0].record as unknown[]).length, 20_001);
});

test("samsung_sfs_logs: a log inflating to more attachments than kept for the burst search says how many were not looked at", async () => {
  const many: SfsFixture[] = Array.from({ length: MAX_ATTACHED + 10 }, (_, i) => ({ at: "2024-11-02T08:10:00Z", usb: { vid: "18d1", pid: ["4ee1", "4ee2", "4ee3"][i % 3]!, mfg: "G", product: "P" } }));
  const r = await run(sfs, qf({ "logs/data/log/sfslog.0.gz": sfslogGz(many) }));
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  assert.equal(r.records.length, MAX_ATTACHED + 10);
  assert.deepEqual(r.warnings, [`10 USB attachments past the first ${MAX_ATTACHED.toLocaleString("en")} were not looked at for bursts of devices`]);
  const bursts = r.detections.filter((d) => d.rule?.id === USB_BURST_RULE.id);
  assert.equal(bursts.length, 1);
  assert.equal((bursts[0].record as unknown[]).length, MAX_ATTACHED);
});

test("samsung_sfs_logs: adb key decisions past the number held are read again rather than all kept in memory", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const n = MAX_KEYS * 3;
  const log: SfsFixture[] = Array.from({ length: n }, (_, i) => ({ at: "2024-11-02T08:10:00Z", adb: { line: (i % 2 ? OTHER : HOST).line, state: 2 } }));
  const v = qf({ "logs/data/log/sfslog.0.gz": sfslogGz(log), "dumpsys.txt": dumpsys({ adb: dumpsysAdbBody([HOST.line], HOST.fingerprint) }) });
  gc();
  const before = process.memoryUsage().heapUsed;
  let heldWhenYielded = -1;
  const keys: [string, boolean][] = [];
  const detections: string[] = [];
  const out = await runModule(sfs, v, matcherFromValues({}, "Test set"), {
    record: (rec: any) => {
      if (heldWhenYielded < 0) {
        gc();
        heldWhenYielded = process.memoryUsage().heapUsed - before;
      }
      keys.push([rec.fingerprint, rec.acquisition_host]);
    },
    event: () => {},
    detection: (d) => detections.push(d.matched!),
    exposure: () => {},
  });
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.equal(keys.length, n);
  assert.deepEqual(keys.slice(0, 3), [[HOST.fingerprint, true], [OTHER.fingerprint, false], [HOST.fingerprint, true]]);
  assert.deepEqual(detections, [OTHER.fingerprint]);
  assert.ok(heldWhenYielded < 8 * 1048576, `${heldWhenYielded} bytes held when the keys were written`);
});
