// Zeek, Suricata and App Privacy Report lines of unexpected shapes: a result or a counted
// problem, never a plain exception, and linear time on long lists.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readAppPrivacyReport } from "../../../../src/formats/network/app-privacy-report.ts";
import type { NetRecord } from "../../../../src/formats/network/records.ts";
import { readEve } from "../../../../src/formats/network/suricata.ts";
import { readZeek } from "../../../../src/formats/network/zeek.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

async function* lines(ls: string[]): AsyncGenerator<string> {
  yield* ls;
}

function sink(): { recs: NetRecord[]; emit: (r: NetRecord) => void } {
  const recs: NetRecord[] = [];
  return { recs, emit: (r) => recs.push(r) };
}

test("zeek dns: a TTLs list of 300,000 values gives the smallest, not a RangeError", async () => {
  // Math.min(...ttls) ran out of stack on a long list.
  const { recs, emit } = sink();
  const ttls = [...Array(300_000).fill("60"), "5"].join(",");
  await readZeek(lines(["#fields\tts\tquery\tanswers\tTTLs", `1700000000\ta.example\t192.0.2.1\t${ttls}`]), "dns", "dns.log", emit, () => {});
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.kind === "dns" && recs[0]!.r.ttl, 5);
});

test("zeek JSON and the App Privacy Report: an object where text is expected is left out, not a TypeError", async () => {
  // String() of {"toString": 1} throws "Cannot convert object to primitive value".
  const bad = { toString: 1 };
  const { recs, emit } = sink();
  await readZeek(lines([JSON.stringify({ ts: 1700000000, query: "a.example", answers: [bad, "192.0.2.1", "cdn.example"], TTLs: [bad, 30] })]), "dns", "dns.log", emit, () => {});
  assert.equal(recs.length, 1);
  const r = recs[0]!.r as Extract<NetRecord, { kind: "dns" }>["r"];
  assert.deepEqual(r.answer_ips, ["192.0.2.1"]);
  assert.deepEqual(r.cnames, ["cdn.example"]);
  assert.equal(r.ttl, 30);

  const apr = sink();
  const line = (domainType: unknown) => JSON.stringify({ type: "networkActivity", timeStamp: "2024-01-01T00:00:00Z", bundleID: "com.example", domain: "a.example", domainType });
  await readAppPrivacyReport(lines([line(bad), line(2)]), "apr.ndjson", apr.emit, () => {});
  assert.deepEqual(
    apr.recs.map((x) => (x.r as { domain_type?: string }).domain_type),
    [undefined, "2"],
  );
});

test("eve dns: a grouped answer of 250,000 addresses is read in linear time, each address once", async () => {
  // Each address was looked up in the list of those before it (28 s of CPU for this 2 MB line).
  const ips = Array.from({ length: 250_000 }, (_, i) => String(i));
  const line = JSON.stringify({ timestamp: "2024-01-01T00:00:00Z", event_type: "dns", src_ip: "192.0.2.53", dest_ip: "10.0.0.2", dns: { type: "answer", id: 1, rrname: "a.example", answers: [{ rrtype: "A", rdata: "0" }], grouped: { A: [...ips, "7"], CNAME: ["C.example", "c.example"] } } });
  const { recs, emit } = sink();
  await withinCpu(5, "a grouped answer of 250,000 addresses", () => readEve(lines([line]), "eve.json", emit, () => {}));
  const r = recs[0]!.r as Extract<NetRecord, { kind: "dns" }>["r"];
  assert.equal(r.answer_ips.length, 250_000);
  assert.deepEqual(r.answer_ips.slice(0, 3), ["0", "1", "2"]);
  assert.deepEqual(r.cnames, ["c.example"]);
});
