// The shipped correlation rules over cases built in code: each acquisition's records (as its
// <module>.json holds them) become case events, merged in time order, and each rule must fire
// across acquisitions inside its window and stay quiet outside it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Detection } from "../../../src/core/model.ts";
import type { CaseEvent } from "../../../src/rules/case-events.ts";
import { Correlator, type CaseSets } from "../../../src/rules/correlate.ts";
import { CorrelationSet, shippedCorrelations } from "../../../src/rules/correlation.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

const T0 = Date.parse("2024-03-10T12:00:00.000Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** A record of `module` in acquisition `acq`. */
interface Rec {
  acq: string;
  module: string;
  record: Record<string, unknown>;
  taken?: string;
}

const rules = shippedCorrelations();

/** Runs the shipped rules over the records of a case (contacts from the case's contacts records unless `sets` is given). */
function correlate(recs: Rec[], sets?: CaseSets): { detections: Detection[]; correlator: Correlator } {
  const contacts = new Set<string>();
  let contactSources = 0;
  for (const r of recs) {
    for (const [set, v] of rules.setValuesOf(r.module, r.record)) if (set === "contacts") contacts.add(v);
    if (r.module === "contacts" || r.module === "whatsapp_contacts") contactSources++;
  }
  const s: CaseSets = sets ?? (contactSources ? { values: new Map([["contacts", contacts]]), unavailable: new Map() } : { values: new Map(), unavailable: new Map([["contacts", "absent from every acquisition"]]) });
  const events: CaseEvent[] = recs.flatMap((r) => rules.eventsOf(r.module, r.record, r.acq, r.taken));
  events.sort((a, b) => a.at - b.at);
  const c = new Correlator(rules, s);
  for (const e of events) c.push(e);
  return { detections: c.end(), correlator: c };
}

const byRule = (ds: Detection[], id: string) => ds.filter((d) => d.rule?.id === id);

const sms = (minutes: number, from: string, links: string[] = []): Rec => ({
  acq: "backup",
  module: "sms",
  record: { ROWID: minutes, phone_number: from, service: "iMessage", text: "secret text", direction: "received", isodate: iso(minutes), links },
});
const crash = (minutes: number, proc: string, acq = "sysdiagnose"): Rec => ({
  acq,
  module: "crash_reports",
  record: { process: proc, bug_type: "309", timestamp: iso(minutes), file: `crashes/${proc}.ips` },
});
const contact = (value: string): Rec => ({ acq: "backup", module: "contacts", record: { person_id: 1, value, kind: "phone", first: "Ana" } });

test("delivery then crash: a message from an unknown sender, then a BlastDoor-family crash in another acquisition within 5 minutes", () => {
  const { detections } = correlate([contact("+44 20 7946 0000"), sms(0, "+33 6 12 34 56 78"), crash(3, "IMTranscoderAgent")]);
  const d = byRule(detections, "CASE-DELIVERY-CRASH-01");
  assert.equal(d.length, 1);
  assert.equal(d[0].grade, "medium");
  assert.equal(d[0].kind, "heuristic");
  assert.match(d[0].title, /Crash of IMTranscoderAgent 3 min after a message from 612345678/);
  assert.match(d[0].artifact, /backup \(sms\).*sysdiagnose \(crash_reports\)/);
  assert.equal(d[0].timestamp, iso(0));
  // The detection keeps who and what, never the message text.
  assert.doesNotMatch(JSON.stringify(d[0]), /secret text/);
  assert.doesNotMatch(d[0].why ?? "", /could not be read/);
});

test("delivery then crash does not fire outside its window, for a known sender, or for a process that parses nothing", () => {
  assert.equal(byRule(correlate([contact("1"), sms(0, "+33612345678"), crash(6, "IMTranscoderAgent")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
  // The crash before the message.
  assert.equal(byRule(correlate([contact("1"), sms(5, "+33612345678"), crash(3, "imagent")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
  // The contact saved in national form, the message from the international form.
  assert.equal(byRule(correlate([contact("06 12 34 56 78"), sms(0, "+33612345678"), crash(1, "imagent")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
  assert.equal(byRule(correlate([contact("1"), sms(0, "+33612345678"), crash(1, "SpringBoard")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
});

test("delivery then crash: WhatsApp calls and messages on Android, with a WhatsApp contact making the sender known", () => {
  const wa = (m: number, jid: string): Rec => ({ acq: "androidqf", module: "whatsapp", record: { ZFROMJID: jid, ZTEXT: "hi", direction: "received", isodate: iso(m), links: [] } });
  const tomb = (m: number, name: string): Rec => ({ acq: "bugreport", module: "tombstones", record: { pid: 1, process_name: name, timestamp: iso(m), format: "text" } });
  assert.equal(byRule(correlate([contact("1"), wa(0, "33698765432@s.whatsapp.net"), tomb(2, "/system/bin/mediaserver")]).detections, "CASE-DELIVERY-CRASH-01").length, 1);
  const known: Rec = { acq: "backup", module: "whatsapp_contacts", record: { whatsapp_id: "33698765432@s.whatsapp.net", phone_number: "+33 6 98 76 54 32" } };
  assert.equal(byRule(correlate([known, wa(0, "33698765432@s.whatsapp.net"), tomb(2, "com.whatsapp")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
  // A group message names the group, not a sender.
  assert.equal(byRule(correlate([contact("1"), wa(0, "120363000000@g.us"), tomb(2, "com.whatsapp")]).detections, "CASE-DELIVERY-CRASH-01").length, 0);
});

test("without readable contacts every sender counts as unknown, and the detection says so", () => {
  const { detections } = correlate([sms(0, "+33612345678"), crash(1, "MessagesBlastDoorService")]);
  const d = byRule(detections, "CASE-DELIVERY-CRASH-01");
  assert.equal(d.length, 1);
  assert.match(d[0].why ?? "", /contacts could not be read \(absent from every acquisition\): every sender counts as not in the contacts/);
  assert.deepEqual((d[0].record as { notes: string[] }).notes.length, 1);
});

test("one delivery followed by several crashes is one detection listing the others", () => {
  const { detections } = correlate([contact("1"), sms(0, "+33612345678"), crash(1, "imagent"), crash(2, "IMTranscoderAgent"), crash(3, "BlastDoor")]);
  const d = byRule(detections, "CASE-DELIVERY-CRASH-01");
  assert.equal(d.length, 1);
  assert.equal((d[0].record as { also_count: number }).also_count, 2);
});

const manifest = (minutes: number, path: string, times: ("modified" | "status_changed" | "created")[]): Rec => {
  const t = iso(minutes);
  return {
    acq: "backup",
    module: "manifest",
    record: { relative_path: path.replace(/^\/private\/var\/(mobile|root)\//, ""), domain: "MediaDomain", device_path: path, modified: times.includes("modified") ? t : iso(-9999), status_changed: times.includes("status_changed") ? t : iso(-9998), created: times.includes("created") ? t : iso(-9997) },
  };
};
const usage = (minutes: number, proc: string, acq = "fs"): Rec => ({
  acq,
  module: "datausage",
  record: { first_isodate: iso(minutes), isodate: iso(minutes), proc_name: proc, bundle_id: null, live_isodate: null, source: "DataUsage.sqlite" },
});

test("Operation Triangulation: an SMS attachment folder changed in a backup and BackupAgent's network use in a file system dump, within 5 minutes", () => {
  const recs = [manifest(0, "/private/var/mobile/Library/SMS/Attachments/ab/11", ["modified", "status_changed"]), usage(2, "BackupAgent")];
  const d = byRule(correlate(recs).detections, "CASE-TRIANGULATION-01");
  assert.equal(d.length, 1);
  assert.match(d[0].title, /sms_attachment_folder, network_use within 2 min/);
  // The folder's two changes, and BackupAgent's first and last network use.
  assert.equal((d[0].record as { events: unknown[] }).events.length, 4);
});

test("Operation Triangulation does not fire with one class, outside 5 minutes, or beside an attachment file (triangle_check's false-positive rule)", () => {
  const dir = "/private/var/mobile/Library/SMS/Attachments/ab/11";
  const quiet = (recs: Rec[]) => assert.equal(byRule(correlate(recs).detections, "CASE-TRIANGULATION-01").length, 0);
  quiet([manifest(0, dir, ["modified", "status_changed"])]);
  quiet([manifest(0, dir, ["modified", "status_changed"]), usage(6, "BackupAgent")]);
  // Modified only: the folder class needs a modification and a status change.
  quiet([manifest(0, dir, ["modified"]), usage(1, "BackupAgent")]);
  quiet([manifest(0, dir, ["modified", "status_changed"]), usage(1, "BackupAgent"), manifest(2, `${dir}/IMG_0001.heic`, ["created"])]);
});

test("Operation Triangulation: a preference file and a location client stop, from two acquisitions", () => {
  const pref = manifest(0, "/private/var/root/Library/Preferences/com.apple.ImageIO.plist", ["modified"]);
  const loc: Rec = { acq: "fs", module: "locationd_clients", record: { package: "com.apple.locationd.bundle-/System/Library/LocationBundles/WRMLinkSelection.bundle", LocationTimeStopped: iso(4), source: "clients.plist" } };
  assert.equal(byRule(correlate([pref, loc]).detections, "CASE-TRIANGULATION-01").length, 1);
});

test("new process after a delivery: first network use of a process never seen before in the case, within 10 minutes", () => {
  const d = byRule(correlate([contact("1"), sms(0, "+33612345678"), usage(4, "bh")]).detections, "CASE-NEW-PROCESS-01");
  assert.equal(d.length, 1);
  assert.equal(d[0].grade, "weak");
  assert.match(d[0].title, /Process bh first seen 4 min after a message/);
  // Seen a day earlier in another acquisition's shutdown.log: not new.
  const shutdown: Rec = { acq: "sysdiagnose", module: "shutdown_log", record: { isodate: iso(-1440), pid: 3, client: "/private/var/db/bh", delay: 1, times_delayed: 1, reboot: 1, file: "shutdown.log" } };
  assert.equal(byRule(correlate([contact("1"), shutdown, sms(0, "+33612345678"), usage(4, "bh")]).detections, "CASE-NEW-PROCESS-01").length, 0);
  assert.equal(byRule(correlate([contact("1"), sms(0, "+33612345678"), usage(11, "bh")]).detections, "CASE-NEW-PROCESS-01").length, 0);
});

test("new process: a ps listing counts at the time its sysdiagnose was taken", () => {
  const ps: Rec = { acq: "sysdiagnose", module: "sysdiagnose_processes", record: { process_name: "msgacntd", command: "/private/var/db/msgacntd", file: "ps.txt" }, taken: iso(5) };
  assert.equal(byRule(correlate([contact("1"), sms(0, "+33612345678"), ps]).detections, "CASE-NEW-PROCESS-01").length, 1);
});

const dns = (minutes: number, query: string): Rec => ({ acq: "capture", module: "dns", record: { timestamp: iso(minutes), file: "phone.pcap", source: "capture", query, answered: true, answer_ips: [], cnames: [] } });

test("link then lookup: a link received in a message, then a DNS lookup of its host (or a subdomain) in a network capture of the case", () => {
  const d = byRule(correlate([contact("1"), sms(0, "+33612345678", ["https://evil.example/x?id=1"]), dns(60, "cdn.evil.example")]).detections, "CASE-LINK-LOOKUP-01");
  assert.equal(d.length, 1);
  assert.match(d[0].title, /DNS lookup of cdn\.evil\.example 1 h after a link to it was received from 612345678/);
  assert.match(d[0].artifact, /capture \(dns\)/);
  const tls: Rec = { acq: "capture", module: "tls", record: { timestamp: iso(30), file: "phone.pcap", source: "capture", server_name: "evil.example", server_ip: "203.0.113.5" } };
  assert.equal(byRule(correlate([contact("1"), sms(0, "+33612345678", ["https://evil.example/x"]), tls]).detections, "CASE-LINK-LOOKUP-01").length, 1);
});

test("link then lookup does not fire for another host, after 24 hours, or for a sender in the contacts", () => {
  const quiet = (recs: Rec[]) => assert.equal(byRule(correlate(recs).detections, "CASE-LINK-LOOKUP-01").length, 0);
  quiet([contact("1"), sms(0, "+33612345678", ["https://evil.example/x"]), dns(10, "notevil.example")]);
  quiet([contact("1"), sms(0, "+33612345678", ["https://evil.example/x"]), dns(25 * 60, "evil.example")]);
  quiet([contact("+33612345678"), sms(0, "+33612345678", ["https://evil.example/x"]), dns(10, "evil.example")]);
});

test("the engine streams: what it holds is bounded by the windows, not by the case", () => {
  // Ten days of a message from an unknown sender every minute: the 24-hour link rule holds at
  // most a day of them, whatever the length of the case.
  const c = new Correlator(rules, { values: new Map([["contacts", new Set()]]), unavailable: new Map() });
  const minutes = 10 * 24 * 60;
  for (let m = 0; m < minutes; m++) {
    for (const e of rules.eventsOf("sms", sms(m, `+3361234${String(m % 1000).padStart(4, "0")}`, ["https://a.example/"]).record, "backup")) c.push(e);
  }
  c.end();
  assert.equal(c.stats.events, minutes);
  assert.ok(c.stats.maxHeld <= 3 * (24 * 60 + 1), `held ${c.stats.maxHeld}`);
  assert.ok(c.stats.maxHeld >= 24 * 60, `held ${c.stats.maxHeld}: the link rule keeps a day of messages`);
});

// A flood of events of one kind must cost the engine linear time: each of these took
// 20 to 50 s of CPU before (seconds per window, hours for a big case).
const noContacts: CaseSets = { values: new Map(), unavailable: new Map([["contacts", "absent from every acquisition"]]) };

test("a flood of links, then of lookups that join none of them, takes linear time; a lookup of the first link still fires", async () => {
  // Each lookup walked back over every link held (a day of messages) to find the ones it joins.
  const n = 20_000;
  const events = [
    ...rules.eventsOf("sms", sms(0, "+33612345678", ["https://target.example/x"]).record, "backup"),
    ...Array.from({ length: n }, (_, i) => rules.eventsOf("sms", sms(1, `+3361${i}`, [`https://l${i}.example.com/`]).record, "backup")).flat(),
    ...Array.from({ length: n }, (_, i) => rules.eventsOf("dns", { query: `q${i}.example.net`, timestamp: iso(2) }, "capture")).flat(),
    ...rules.eventsOf("dns", { query: "cdn.target.example", timestamp: iso(3) }, "capture"),
  ];
  const c = new Correlator(rules, noContacts);
  await withinCpu(8, "the link rule", () => events.forEach((e) => c.push(e)));
  const d = byRule(c.end(), "CASE-LINK-LOOKUP-01");
  assert.equal(d.length, 1);
  assert.match(d[0].matched, /612345678 → cdn\.target\.example/);
});

test("a flood of deliveries each followed by a crash (one detection each) takes linear time", async () => {
  // Past 4,096 detections still inside a rule's span, each new one swept every earlier one.
  const n = 60_000;
  const events = Array.from({ length: n }, (_, i) => [...rules.eventsOf("sms", sms(0, `+3361${i}`).record, "backup"), ...rules.eventsOf("crash_reports", crash(0, "imagent").record, "sysdiagnose")]).flat();
  const c = new Correlator(rules, noContacts);
  await withinCpu(5, "the delivery rules", () => events.forEach((e) => c.push(e)));
  assert.equal(c.stats.events, 2 * n);
});

test("a flood of attachment folders changed at one time takes linear time in the Triangulation cluster", async () => {
  // Each event leaving the window made the engine read the whole window again.
  const n = 20_000;
  const att = "/private/var/mobile/Library/SMS/Attachments/";
  const folders = Array.from({ length: n }, (_, i) => rules.eventsOf("manifest", { device_path: `${att}${(i % 256).toString(16)}`, modified: iso(0), status_changed: iso(0) }, "backup")).flat();
  const c = new Correlator(rules, noContacts);
  const found = await withinCpu(8, "the cluster rule", () => {
    for (const e of folders) c.push(e);
    return c.end();
  });
  assert.equal(byRule(found, "CASE-TRIANGULATION-01").length, 0);
  // The same flood with a preference file in its window is one detection.
  const c2 = new Correlator(rules, noContacts);
  for (const e of [...folders, ...rules.eventsOf("manifest", { device_path: "/private/var/root/Library/Preferences/com.apple.ImageIO.plist", modified: iso(4) }, "backup")]) c2.push(e);
  assert.equal(byRule(c2.end(), "CASE-TRIANGULATION-01").length, 1);
});

test("events out of time order are refused", () => {
  const c = new Correlator(rules, { values: new Map(), unavailable: new Map() });
  const [a] = rules.eventsOf("sms", sms(5, "+33612345678").record, "backup");
  const [b] = rules.eventsOf("sms", sms(1, "+33612345678").record, "backup");
  c.push(a);
  assert.throws(() => c.push(b), /out of order/);
});

test("a rule file with a mistake is refused with a one-line error", () => {
  const base = { events: { x: { label: "x", description: "x", from: [{ module: "m", time: ["t"], fields: {} }] } } };
  const rule = { id: "R", grade: "weak", description: "d", title: "t", why: "w", sources: ["s"] };
  assert.throws(() => new CorrelationSet({ ...base, correlations: [{ ...rule, sequence: [{ name: "a", event: ["y"] }] }] } as never), /unknown event kind y/);
  assert.throws(() => new CorrelationSet({ ...base, correlations: [{ ...rule, sequence: [{ name: "a", event: ["x"] }, { name: "b", event: ["x"] }] }] } as never), /within must be a duration/);
  assert.throws(() => new CorrelationSet({ ...base, correlations: [{ ...rule, sources: [], sequence: [{ name: "a", event: ["x"] }] }] } as never), /give its sources/);
  assert.throws(() => new CorrelationSet({ ...base, correlations: [{ ...rule, sequence: [{ name: "a", event: ["x"], when: { field: "f", not_in_set: "friends" } }] }] } as never), /unknown set friends/);
});
