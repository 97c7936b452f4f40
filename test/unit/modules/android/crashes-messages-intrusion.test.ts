// tombstones (bugreport), sms (Android backup), intrusion-log modules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import tombstones, { PRIVILEGED_CRASH_RULE, REMOTE_SURFACE_CRASH_RULE } from "../../../../src/modules/android/tombstones.ts";
import sms from "../../../../src/modules/android/sms.ts";
import intrusionDns from "../../../../src/modules/android/intrusion-dns.ts";
import intrusionConnections from "../../../../src/modules/android/intrusion-connections.ts";
import intrusionSecurity, { CA_INSTALLED_RULE } from "../../../../src/modules/android/intrusion-security.ts";
import { ab, br, il, run } from "../../../helpers/android-views.ts";

function tomb(opts: { pid: number; name: string; uid: number; sig?: string; addr?: string; cause?: string; ts?: string }): string {
  return `*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***
Build fingerprint: 'google/panther/panther:14/UQ1A/1:user/release-keys'
ABI: 'arm64'
Timestamp: ${opts.ts ?? "2024-05-01 10:00:00.123456789+0200"}
pid: ${opts.pid}, tid: ${opts.pid}, name: main  >>> ${opts.name} <<<
uid: ${opts.uid}
signal 11 (${opts.sig ?? "SIGSEGV"}), code 1 (SEGV_MAPERR), fault addr ${opts.addr ?? "0x7a3c001000"}
${opts.cause ? `Cause: ${opts.cause}\n` : ""}backtrace:
      #00 pc 000603ca  /apex/com.android.runtime/lib64/bionic/libc.so
`;
}

test("tombstones: wild-address crash of a media parser is medium; privileged crash weak; app crash not flagged", async () => {
  const r = await run(
    tombstones,
    br({
      "FS/data/tombstones/tombstone_00": tomb({ pid: 10, name: "media.extractor", uid: 1040 }),
      "FS/data/tombstones/tombstone_01": tomb({ pid: 11, name: "system_server", uid: 1000, addr: "0x0", cause: "null pointer dereference" }),
      "FS/data/tombstones/tombstone_02": tomb({ pid: 12, name: "com.example.game", uid: 10123 }),
      "FS/data/tombstones/tombstone_03": tomb({ pid: 13, name: "media.extractor", uid: 1040, addr: "0x8", cause: "null pointer dereference" }),
    }),
  );
  assert.equal(r.records.length, 4);
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade, d.artifact]), [
    [REMOTE_SURFACE_CRASH_RULE.id, "medium", "FS/data/tombstones/tombstone_00"],
    [PRIVILEGED_CRASH_RULE.id, "weak", "FS/data/tombstones/tombstone_01"],
    [PRIVILEGED_CRASH_RULE.id, "weak", "FS/data/tombstones/tombstone_03"],
  ]);
  assert.equal(r.events.length, 4);
  assert.equal(r.events[0].timestamp, "2024-05-01T08:00:00.123Z");
});

test("tombstones: the same crash in text and protobuf counts once; process indicators strong", async () => {
  const text = tomb({ pid: 77, name: "/data/local/tmp/bh", uid: 10100 });
  const r = await run(tombstones, br({ "FS/data/tombstones/tombstone_05": text, "FS/data/tombstones/tombstone_06": text }), { process: ["bh"] });
  assert.equal(r.records.length, 1);
  assert.equal((r.records[0] as { also_in?: string }).also_in, "FS/data/tombstones/tombstone_06");
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "bh"]]);
});

test("tombstones: a corrupt tombstone is a warning when others read; all corrupt fails with one line", async () => {
  const r = await run(tombstones, br({ "FS/data/tombstones/tombstone_00": tomb({ pid: 1, name: "x", uid: 10000 }), "FS/data/tombstones/tombstone_01.pb": Buffer.from([0x0f, 0xff]) }));
  assert.equal(r.coverage.status, "checked");
  assert.equal(r.records.length, 1);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /^FS\/data\/tombstones\/tombstone_01\.pb: not a tombstone protobuf/);
  const bad = await run(tombstones, br({ "FS/data/tombstones/tombstone_00": "hello" }));
  assert.equal(bad.coverage.status, "failed");
  assert.equal(bad.coverage.reason, 'FS/data/tombstones/tombstone_00: not a tombstone (no "pid: P, tid: T, name: ..." line)');
});

const D = "apps/com.android.providers.telephony/d_f/";

test("sms: links to indicator domains in SMS and MMS bodies are medium; clean messages not flagged", async () => {
  const v = ab({
    [D + "000000_sms_backup"]: deflateSync(JSON.stringify([
      { address: "+331", body: "Your parcel: https://track.evil-link.com/a1", date: "1645543781956", type: "1" },
      { address: "+332", body: "See you at 5", date: "1645543781957", type: "2" },
    ])),
    [D + "000001_mms_backup"]: deflateSync(JSON.stringify([{ date: "1579531789", msg_box: "1", mms_addresses: [{ type: 137, address: "+3" }], mms_body: "click evil-link.com/x" }])),
  });
  const r = await run(sms, v, { domain: ["evil-link.com"] });
  assert.equal(r.records.length, 3);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.artifact]), [["medium", D + "000000_sms_backup"], ["medium", D + "000001_mms_backup"]]);
  assert.deepEqual(r.events.map((e) => e.event), ["sms_received", "sms_sent", "mms_received"]);
  const clean = await run(sms, v, { domain: ["other.com"] });
  assert.equal(clean.detections.length, 0);
});

test("sms: corrupt backup entry is a one-line error naming the file", async () => {
  const r = await run(sms, ab({ [D + "000000_sms_backup"]: Buffer.from("not zlib") }));
  assert.equal(r.coverage.reason, `${D}000000_sms_backup: not a zlib-compressed telephony backup (corrupt or truncated)`);
});

const LOG = [
  '{"dnsEvent":{"hostname":"c2.evil.com","ips":["/203.0.113.9"],"packageName":"com.spy","time":1700000000000}}',
  '{"dnsEvent":{"hostname":"www.google.com","ips":["/142.250.1.1"],"time":1700000001000}}',
  '{"connectEvent":{"ip":"/198.51.100.7","port":443,"packageName":"com.spy","time":1700000002000}}',
  '{"connectEvent":{"ip":"/142.250.1.1","port":443,"time":1700000003000}}',
  '{"securityEvent":{"tag":210029,"time":1700000004000000000,"data":[1,"CN=Monitor CA",0]}}',
  '{"securityEvent":{"tag":210029,"time":1700000004500000000,"data":[0,"CN=Failed CA",0]}}',
  '{"securityEvent":{"tag":210005,"time":1700000005000000000,"data":["com.spy",1700000005000,10200,1234,"abc"]}}',
  '{"securityEvent":{"tag":299999,"time":1700000006000000000}}',
  "{broken",
  "",
].join("\n");

test("intrusion dns: indicator domains and resolved IPs medium; other lookups not flagged", async () => {
  const r = await run(intrusionDns, il({ "logs/intrusion-0001.jsonl": LOG }), { domain: ["evil.com"], ipv4: ["203.0.113.9"] });
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["medium", "c2.evil.com"], ["medium", "203.0.113.9"]]);
  assert.deepEqual(r.warnings, ["logs/intrusion-0001.jsonl: line 9: not valid JSON"]);
  assert.equal(r.events[0].timestamp, "2023-11-14T22:13:20.000Z");
  // The broken line might have been a lookup: the check is not complete.
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.skipped, 1);
});

test("intrusion connections: indicator IPs (written with a leading slash) medium", async () => {
  const r = await run(intrusionConnections, il({ "logs/intrusion-0001.jsonl": LOG }), { ipv4: ["198.51.100.7"] });
  assert.equal(r.records.length, 2);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["medium", "198.51.100.7"]]);
  const clean = await run(intrusionConnections, il({ "logs/intrusion-0001.jsonl": LOG }), { ipv4: ["192.0.2.1"] });
  assert.equal(clean.detections.length, 0);
});

test("intrusion security: all events kept (unknown tags too), CA install flagged weak (failed install not), app indicators strong", async () => {
  const r = await run(intrusionSecurity, il({ "logs/intrusion-0001.jsonl": LOG }), { app_id: ["com.spy"] });
  assert.equal(r.records.length, 4);
  assert.deepEqual((r.records as { tag: number; tag_name?: string }[]).map((x) => [x.tag, x.tag_name]), [[210029, "CERT_AUTHORITY_INSTALLED"], [210029, "CERT_AUTHORITY_INSTALLED"], [210005, "APP_PROCESS_START"], [299999, undefined]]);
  assert.deepEqual(r.detections.map((d) => [d.kind, d.grade, d.rule?.id ?? d.matched]), [["heuristic", "weak", CA_INSTALLED_RULE.id], ["indicator", "strong", "com.spy"]]);
  assert.equal(r.events[0].timestamp, "2023-11-14T22:13:24.000Z");
});

test("intrusion logs: no file with a JSON event fails with one line; a stray file beside a log is skipped with a warning", async () => {
  for (const mod of [intrusionDns, intrusionConnections, intrusionSecurity]) {
    const r = await run(mod, il({ "logs/notes.txt": "hello\nworld\n" }));
    assert.equal(r.coverage.status, "failed", mod.name);
    assert.equal(r.coverage.reason, "logs/notes.txt: not an intrusion log (no line is a JSON event)");
  }
  const mixed = await run(intrusionDns, il({ "logs/README": "read me\n", "logs/export": LOG.replace("{broken\n", "") }));
  assert.equal(mixed.coverage.status, "checked");
  assert.ok(mixed.warnings.includes("logs/README: not an intrusion log (no line is a JSON event); skipped"));
});
