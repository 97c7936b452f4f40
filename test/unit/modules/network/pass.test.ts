// The shared network pass: what it adds to the records it spills, bounded by the input.
import assert from "node:assert/strict";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openNetwork } from "../../../../src/acquisitions/network/open.ts";
import type { DnsRecord, FlowRecord } from "../../../../src/formats/network/records.ts";
import { networkPass } from "../../../../src/modules/network/lib/pass.ts";
import { readSpill } from "../../../../src/modules/network/lib/spill.ts";
import { bareContext } from "../../../helpers/module-context.ts";
import { ethernet, ipv4, pcap, udp, type Pkt } from "../../../helpers/net-builder.ts";

const T0 = Date.UTC(2024, 2, 20, 9, 0, 0);

/**
 * A DNS response for "a" giving 192.0.2.99 under `cnames` CNAMEs: a 240-character name, then
 * names of one 2-letter label and a pointer to it (245 characters of text from 17 bytes each).
 */
function manyNames(cnames: number): Buffer {
  const b = Buffer.alloc(17 * cnames + 400);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(0x8180, 2);
  b.writeUInt16BE(1, 4);
  let p = b.writeUInt8(1, 12);
  p = b.writeUInt8(0x61, p);
  p = b.writeUInt8(0, p);
  p = b.writeUInt32BE(0x00010001, p);
  const rr = (type: number, rdata: Buffer) => {
    p = b.writeUInt16BE(0xc00c, p);
    p = b.writeUInt16BE(type, p);
    p = b.writeUInt16BE(1, p);
    p = b.writeUInt32BE(60, p);
    p = b.writeUInt16BE(rdata.length, p);
    const at = p;
    p += rdata.copy(b, p);
    return at;
  };
  const long = Buffer.concat([...[0, 1, 2, 3].map((i) => Buffer.concat([Buffer.from([59]), Buffer.alloc(59, 0x62 + i)])), Buffer.from([0])]);
  const base = rr(5, long);
  for (let i = 1; i < cnames; i++) rr(5, Buffer.from([2, 0x61 + (i % 26), 0x61 + (Math.floor(i / 26) % 26), 0xc0 | (base >> 8), base & 255]));
  rr(1, Buffer.from([192, 0, 2, 99]));
  b.writeUInt16BE(cnames + 1, 6);
  return b.subarray(0, p);
}

test("flows to an address a DNS answer gave under thousands of names keep its first and last 8, with a warning", async () => {
  // Every later flow to the address, 70 bytes of capture each, carried the answer's 2,000
  // names into its record: 37 MB of spilled flows for a 60 KB capture.
  const pkts: Pkt[] = [{ ts: T0, data: ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 40000, manyNames(2000)))) }];
  for (let i = 0; i < 50; i++) pkts.push({ ts: T0 + 1000 + i, data: ethernet(ipv4("10.0.0.2", "192.0.2.99", 17, udp(1000 + i, 9, Buffer.alloc(0)))) });
  const dir = mkdtempSync(join(tmpdir(), "vigil-pass-"));
  const capture = pcap(pkts);
  writeFileSync(join(dir, "a.pcap"), capture);
  const pass = await networkPass(bareContext(await openNetwork(dir)));
  assert.equal(pass.counts.dns, 1);
  const flows: FlowRecord[] = [];
  for await (const batch of readSpill<FlowRecord>(pass.spill.get("flow")!)) flows.push(...batch);
  const tied = flows.filter((f) => f.dst_ip === "192.0.2.99");
  assert.equal(tied.length, 50);
  const dns: DnsRecord[] = [];
  for await (const batch of readSpill<DnsRecord>(pass.spill.get("dns")!)) dns.push(...batch);
  const names = [dns[0]!.query, ...dns[0]!.cnames];
  assert.equal(names.length, 2001);
  for (const f of tied) assert.deepEqual(f.resolved_names, [...names.slice(0, 8), ...names.slice(-8)], "the name looked up and the one that holds the address are kept");
  assert.ok(statSync(pass.spill.get("flow")!).size < 10 * capture.length);
  const warnings = [...pass.fileWarnings.values()].flat();
  assert.ok(warnings.some((w) => /50 connections went to an address that a DNS answer gave under more than 16 names/.test(w)), warnings.join("\n"));
});

test("a log line longer than the lines kept whole is said to be read in part", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-pass-"));
  const head = ["#separator \\x09", "#path\tdns", "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers"];
  const long = `1710925200\tC1\t10.0.0.2\t5353\t10.0.0.1\t53\tudp\tlong.example\t${"192.0.2.1,".repeat(900_000)}192.0.2.2`;
  writeFileSync(join(dir, "dns.log"), [...head, long, "1710925201\tC2\t10.0.0.2\t5354\t10.0.0.1\t53\tudp\tnext.example\t192.0.2.3", ""].join("\n"));
  const pass = await networkPass(bareContext(await openNetwork(dir)));
  assert.equal(pass.counts.dns, 2, "the cut line and the next are read");
  const warnings = [...pass.fileWarnings.values()].flat();
  assert.ok(warnings.some((w) => /dns\.log: line 4 is 9,000,\d{3} characters long; only its first 8,388,608 were read/.test(w)), warnings.join("\n"));
});
