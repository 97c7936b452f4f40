// End to end through `vigil check-network`: real loopback captures made by tcpdump (compared
// with what tshark and openssl said about them), captures built in code for beaconing, hidden
// traffic and damage, every log format, check-iocs on the results, evidence unchanged.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { testDir } from "../../helpers/archive-builder.ts";
import { hashTree } from "../../helpers/evidence.ts";
import { clientHello, clientHelloMessage, dnsQuery, dnsResponse, ethernet, frame, pcap, pcapngInterface, pcapngPacket, pcapngSectionHeader, quicInitial, serverFlight, tcpSession, udp, type Pkt } from "../../helpers/net-builder.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const FIXTURES = resolve(import.meta.dirname, "../../fixtures/network");
const dir = testDir("vigil-network-cli");
const iocs = join(dir, "iocs");
const T0 = Date.UTC(2024, 2, 20, 9, 0, 0);

function vigil(args: string[]) {
  const report = args[0] === "check-iocs" ? [] : ["--no-report"];
  return spawnSync(process.execPath, [BIN, ...args, "--json", ...report], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
const json = <T = any>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;
type Alert = { module: string; grade: string; kind: string; title: string; matched: string; artifact: string; rule?: { id: string }; matched_indicator?: { value: string; type: string } };
type Cov = { module: string; status: string; reason?: string; records?: number; warnings?: string[]; limited?: boolean };

before(() => {
  mkdirSync(iocs, { recursive: true });
  writeFileSync(join(iocs, "domains.txt"), "vigil-fixture.test\nc2.evil.example\nbeacon.evil.example\nquic-c2.evil.example\n");
  writeFileSync(join(iocs, "ips.txt"), "203.0.113.0/24\n");
  const expected = json<{ cert_sha1: string }>(join(FIXTURES, "expected.json"));
  writeFileSync(join(iocs, "tls_cert_hashes.txt"), `${expected.cert_sha1}\n`);
  writeFileSync(join(iocs, "ja3.txt"), "9dffdb8b608a430b774a2ff7d36c1a0c\n");
});

test("real loopback captures (tcpdump): the names, fingerprints and certificate tshark and openssl saw; lookups, contacts and grades", () => {
  const expected = json<Record<string, string>>(join(FIXTURES, "expected.json"));
  const inputs = join(dir, "real");
  mkdirSync(inputs, { recursive: true });
  for (const f of ["loopback-tls.pcap", "loopback-dns-http.pcapng"]) copyFileSync(join(FIXTURES, f), join(inputs, f));
  const before = hashTree(inputs);
  const out = join(dir, "out-real");
  const r = vigil(["check-network", inputs, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  assert.deepEqual(hashTree(inputs), before, "evidence unchanged");

  const tls = json<{ server_name: string; ja3: string; version: string; cert_sha256?: string }[]>(join(out, "tls.json"));
  const seen = tls.map((t) => `${t.server_name} ${t.ja3}`).join(";") + ";";
  assert.equal(seen, expected.tshark_tls_client_hellos);
  assert.equal(tls[0]!.cert_sha256, expected.cert_sha256);
  assert.deepEqual(tls.map((t) => t.version), ["TLSv1.2", "TLSv1.3"]);
  const dns = json<{ query: string; answer_ips: string[] }[]>(join(out, "dns.json"));
  assert.equal(dns.map((d) => `${d.query} ${d.answer_ips.join(",")}`).join(";") + ";", expected.tshark_dns_responses);
  const http = json<{ host: string; uri: string }[]>(join(out, "http.json"));
  assert.equal(http.map((h) => `${h.host} ${h.uri}`).join(";") + ";", expected.tshark_http_requests);

  const alerts = json<Alert[]>(join(out, "alerts.json"));
  const by = (m: string) => alerts.filter((a) => a.module === m);
  assert.ok(by("dns").some((a) => a.grade === "medium" && a.title.includes("looked up") && a.matched === "beacon.vigil-fixture.test"));
  assert.ok(by("certificates").some((a) => a.matched_indicator?.type === "tls_cert_hash" && a.grade === "medium"));
  assert.ok(by("tls").some((a) => a.matched === "c2.vigil-fixture.test" && a.title.includes("TLS connection")));
  assert.ok(by("tls").some((a) => a.matched_indicator?.type === "ja3" && a.grade === "weak"));
  assert.ok(by("http").some((a) => a.matched === "beacon.vigil-fixture.test" && a.title.startsWith("HTTP request")));
  assert.equal(alerts.filter((a) => a.kind === "heuristic").length, 0, "no beaconing in a few seconds of traffic");

  const cov = json<Cov[]>(join(out, "coverage.json"));
  const c = (m: string) => cov.find((x) => x.module === m)!;
  // What the traffic hid is a limit of the evidence, read in full: listed, not a failure.
  assert.deepEqual([c("hidden_certificates").status, c("hidden_certificates").limited], ["checked", true]);
  assert.match(c("hidden_certificates").reason!, /1 of 2 TLS\/QUIC connections \(50\.0%\)/);
  assert.deepEqual([c("capture_length").status, c("capture_length").limited], ["checked", true]);
  assert.equal(c("encrypted_dns").limited, undefined);
  assert.equal(c("encrypted_dns").status, "checked");
  assert.equal(c("quic").status, "checked");
  assert.equal(c("app_privacy_report").status, "absent");
  const info = json<{ inputs: { path: string; sha256: string }[]; acquisition: { kind: string } }>(join(out, "info.json"));
  assert.equal(info.acquisition.kind, "network");
  assert.equal(info.inputs.length, 2);
  assert.ok(info.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256)));
  const timeline = readFileSync(join(out, "timeline.csv"), "utf8");
  assert.match(timeline, /"2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}000","dns","dns_lookup","DNS lookup of beacon\.vigil-fixture\.test \(A\) → 127\.0\.0\.2"/);

  // check-iocs re-checks the results folder against the indicators.
  const re = vigil(["check-iocs", out, "--iocs", iocs, "-o", join(dir, "recheck-real")]);
  assert.equal(re.status, 10, re.stderr);
  const again = json<Alert[]>(join(dir, "recheck-real", "alerts.json"));
  // Each module's records go through its own check again: the same detections as the check.
  const key = (a: Alert) => `${a.module} ${a.grade} ${a.matched} ${a.matched_indicator?.type}`;
  assert.deepEqual(new Set(again.map(key)), new Set(alerts.map(key)));
  const mods = new Set(again.map((a) => a.module));
  for (const m of ["dns", "tls", "http", "certificates"]) assert.ok(mods.has(m), `${m} re-checked: ${[...mods].join(", ")}`);
  assert.ok(again.some((a) => a.module === "tls" && a.matched_indicator?.type === "ja3" && a.grade === "weak"));
  assert.ok(again.some((a) => a.module === "certificates" && a.matched_indicator?.type === "tls_cert_hash" && a.grade === "medium"));
});

/** Two hours of traffic: a periodic contact with a known domain (by its resolved address), QUIC, noise. */
function beaconingCapture(periodic: boolean): Buffer {
  const pkts: Pkt[] = [];
  let t = T0;
  for (let i = 0; i < 10; i++) {
    // Every 10 minutes (or at irregular times), a lookup and a connection to the address it gave.
    t = T0 + (periodic ? i * 600_000 + (i % 3) * 1500 : [0, 40, 45, 300, 1900, 2000, 2010, 4500, 6000, 7100][i]! * 1000);
    pkts.push({ ts: t, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000 + i, 53, dnsQuery("beacon.evil.example", i))) });
    pkts.push({ ts: t + 10, data: frame("10.0.0.1", "10.0.0.2", 17, udp(53, 40000 + i, dnsResponse("beacon.evil.example", ["198.51.100.77"], { id: i }))) });
    pkts.push(...tcpSession({ client: "10.0.0.2", server: "198.51.100.77", cport: 50000 + i, sport: 443, ts: t + 20, toServer: [Buffer.from([0x17, 3, 3, 0, 4, 1, 2, 3, 4])] }));
  }
  const msg = clientHelloMessage({ sni: "quic-c2.evil.example", alpn: ["h3"], versions: [0x0304] });
  pkts.push({ ts: T0 + 7_000_000, data: frame("10.0.0.2", "203.0.113.9", 17, udp(55555, 443, quicInitial(Buffer.from("a1a2a3a4a5a6a7a8", "hex"), msg))) });
  pkts.push(...tcpSession({ client: "10.0.0.2", server: "1.1.1.1", cport: 51111, sport: 443, ts: T0 + 7_100_000, toServer: [clientHello({ sni: "cloudflare-dns.com", versions: [0x0304] })], toClient: [serverFlight(0x0304)] }));
  pkts.sort((a, b) => a.ts - b.ts);
  return pcap(pkts);
}

test("beaconing: regular contacts with a known domain's address are strong evidence; irregular ones are not", () => {
  for (const periodic of [true, false]) {
    const file = join(dir, `beacon-${periodic}.pcap`);
    writeFileSync(file, beaconingCapture(periodic));
    const out = join(dir, `out-beacon-${periodic}`);
    const r = vigil(["check-network", file, "--iocs", iocs, "-o", out]);
    assert.equal(r.status, 10, r.stderr);
    const alerts = json<Alert[]>(join(out, "alerts.json"));
    const beacons = alerts.filter((a) => a.rule?.id === "NET-BEACON-01");
    if (periodic) {
      assert.equal(beacons.length, 1, JSON.stringify(alerts.map((a) => a.title)));
      assert.equal(beacons[0]!.grade, "strong");
      assert.match(beacons[0]!.title, /10 contacts about every 10 min/);
    } else assert.equal(beacons.length, 0);
    // The connections named no server: each is contact with the domain through its address.
    const viaAddress = alerts.filter((a) => a.module === "flows" && a.title.includes("an address known"));
    assert.equal(viaAddress.length, 10);
    assert.ok(viaAddress.every((a) => a.grade === "medium"));
    // QUIC: the name inside the Initial packet, and the address range indicator.
    assert.ok(alerts.some((a) => a.module === "quic" && a.matched === "quic-c2.evil.example"));
    assert.ok(alerts.some((a) => a.module === "quic" && a.matched === "203.0.113.9" && a.matched_indicator?.value === "203.0.113.0/24"));
    const cov = json<Cov[]>(join(out, "coverage.json"));
    const enc = cov.find((c) => c.module === "encrypted_dns")!;
    assert.deepEqual([enc.status, enc.limited], ["checked", true]);
    assert.match(enc.reason!, /^DNS over HTTPS or TLS .*: 1 of 22 connections \(4\.5%\)/);
    assert.equal(cov.find((c) => c.module === "capture_length")!.status, "checked");
  }
});

test("an address several names resolved to: a connection takes the name last looked up before it, not every name the address had", () => {
  const answer = (ts: number, name: string, id: number): Pkt[] => [
    { ts, data: frame("10.0.0.2", "10.0.0.1", 17, udp(41000 + id, 53, dnsQuery(name, id))) },
    { ts: ts + 5, data: frame("10.0.0.1", "10.0.0.2", 17, udp(53, 41000 + id, dnsResponse(name, ["198.51.100.50"], { id }))) },
  ];
  const connect = (ts: number, port: number) => tcpSession({ client: "10.0.0.2", server: "198.51.100.50", cport: port, sport: 443, ts, toServer: [Buffer.from([0x17, 3, 3, 0, 2, 1, 2])] });
  const pkts = [
    ...answer(T0, "c2.evil.example", 1),
    ...connect(T0 + 5_000, 52001), // after the known domain's answer: contact with it
    ...answer(T0 + 10_000, "cdn.example", 2),
    ...connect(T0 + 20_000, 52002), // the same address, now looked up as a harmless name
    ...answer(T0 + 30_000, "c2.evil.example", 3),
    ...connect(T0 + 40_000, 52003), // looked up as the known domain again
  ].sort((a, b) => a.ts - b.ts);
  const file = join(dir, "shared-address.pcap");
  writeFileSync(file, pcap(pkts));
  const out = join(dir, "out-shared-address");
  const r = vigil(["check-network", file, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  const flows = json<{ src_port: number; resolved_names?: string[] }[]>(join(out, "flows.json")).filter((f) => f.src_port >= 52001 && f.src_port <= 52003);
  assert.deepEqual(flows.map((f) => [f.src_port, f.resolved_names]), [[52001, ["c2.evil.example"]], [52002, ["cdn.example"]], [52003, ["c2.evil.example"]]]);
  const viaAddress = json<Alert[]>(join(out, "alerts.json")).filter((a) => a.module === "flows" && a.title.includes("an address known"));
  assert.equal(viaAddress.length, 2, viaAddress.map((a) => a.title).join("\n"));
});

test("vigil check on a capture runs the network check: the same results as check-network", () => {
  const file = join(dir, "generic-check.pcap");
  writeFileSync(file, beaconingCapture(true));
  const outs = ["check", "check-network"].map((cmd) => {
    const out = join(dir, `out-generic-${cmd}`);
    const r = vigil([cmd, file, "--iocs", iocs, "-o", out]);
    assert.equal(r.status, 10, r.stderr);
    return out;
  });
  for (const f of ["alerts.json", "coverage.json", "flows.json", "dns.json"]) assert.deepEqual(json(join(outs[0]!, f)), json(join(outs[1]!, f)), f);
  assert.equal(json<{ acquisition: { kind: string } }>(join(outs[0]!, "info.json")).acquisition.kind, "network");
});

test("a capture that holds no traffic (one ARP frame): too little could be checked to say, exit 20, never 'no known traces'", () => {
  const file = join(dir, "arp-only.pcap");
  writeFileSync(file, pcap([{ ts: T0, data: ethernet(Buffer.alloc(28, 1), 0x0806) }]));
  const out = join(dir, "out-arp-only");
  const r = vigil(["check-network", file, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 20, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.verdict, "too_little_to_say");
  assert.deepEqual(s.missing.map((m: { need: string }) => m.need), ["traffic"]);
  assert.equal(s.advice.id, "network");
});

test("exit codes: a clean capture read in full is 0 even when TLS 1.3 hid certificates and it is short; one with a damaged part stays 20", () => {
  // A lookup and a TLS 1.3 connection to a harmless name, a few seconds long.
  const pkts: Pkt[] = [
    { ts: T0, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000, 53, dnsQuery("www.example.org", 1))) },
    { ts: T0 + 5, data: frame("10.0.0.1", "10.0.0.2", 17, udp(53, 40000, dnsResponse("www.example.org", ["192.0.2.80"], { id: 1 }))) },
    ...tcpSession({ client: "10.0.0.2", server: "192.0.2.80", cport: 50123, sport: 443, ts: T0 + 10, toServer: [clientHello({ sni: "www.example.org", versions: [0x0304] })], toClient: [serverFlight(0x0304)] }),
  ];
  const clean = join(dir, "clean.pcapng");
  writeFileSync(clean, Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), ...pkts.map((p) => pcapngPacket(p))]));
  const out = join(dir, "out-clean");
  const r = vigil(["check-network", clean, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const s = JSON.parse(r.stdout);
  assert.deepEqual([s.verdict, s.incomplete, s.coverage.failed], ["no_known_traces", false, 0]);
  // The limits are listed, with their share, in summary.json and the terminal.
  assert.deepEqual(s.limits.map((l: { module: string }) => l.module), ["hidden_certificates", "capture_length"]);
  assert.match(s.limits[0].reason, /1 of 1 TLS\/QUIC connections \(100%\)/);
  const text = spawnSync(process.execPath, [BIN, "check-network", clean, "--iocs", iocs, "-o", join(dir, "out-clean-text"), "--no-report"], { encoding: "utf8" });
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^Read in full, but not visible in this evidence \(2\):\n {2}hidden_certificates: TLS 1\.3 and QUIC encrypt .*\n {2}capture_length: the traffic covers \d+ s, less than an hour/m);
  // The same traffic with a damaged block between its packets: part could not be read.
  const damaged = join(dir, "clean-damaged.pcapng");
  writeFileSync(damaged, Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), pcapngPacket(pkts[0]!), Buffer.alloc(32, 0xab), ...pkts.slice(1).map((p) => pcapngPacket(p))]));
  const r2 = vigil(["check-network", damaged, "--iocs", iocs, "-o", join(dir, "out-clean-damaged")]);
  assert.equal(r2.status, 20, r2.stdout + r2.stderr);
  const s2 = JSON.parse(r2.stdout);
  assert.deepEqual([s2.verdict, s2.incomplete], ["no_known_traces", true]);
  assert.deepEqual(s2.notChecked.filter((n: { status: string }) => n.status === "failed").map((n: { module: string }) => n.module), ["unreadable_traffic"]);
});

test("a damaged capture: the rest is read, and a coverage entry says what could not be", () => {
  const query: Pkt = { ts: T0, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000, 53, dnsQuery("c2.evil.example", 1))) };
  const answer: Pkt = { ts: T0 + 5, data: frame("10.0.0.1", "10.0.0.2", 17, udp(53, 40000, dnsResponse("c2.evil.example", ["192.0.2.1"], { id: 1 }))) };
  const file = join(dir, "damaged.pcapng");
  writeFileSync(file, Buffer.concat([pcapngSectionHeader(), pcapngInterface(1), pcapngPacket(query), Buffer.alloc(32, 0xab), pcapngPacket(answer)]));
  const out = join(dir, "out-damaged");
  const r = vigil(["check-network", file, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  const cov = json<Cov[]>(join(out, "coverage.json"));
  const bad = cov.find((c) => c.module === "unreadable_traffic")!;
  assert.equal(bad.status, "failed");
  assert.match(bad.reason!, /damaged\.pcapng: .*skipped/);
  assert.equal(cov.find((c) => c.module === "dns")!.status, "checked");
  assert.ok(json<Alert[]>(join(out, "alerts.json")).some((a) => a.matched === "c2.evil.example"));
});

test("sensor logs and phone exports: Zeek (TSV and JSON), Suricata eve.json, PCAPdroid CSV, App Privacy Report", () => {
  const logs = join(dir, "logs");
  mkdirSync(join(logs, "zeek"), { recursive: true });
  const ts = (T0 / 1000).toFixed(6);
  writeFileSync(
    join(logs, "zeek", "dns.log"),
    ["#separator \\x09", "#set_separator\t,", "#path\tdns", "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode_name\tanswers\tTTLs", `${ts}\tC1\t10.0.0.2\t5353\t10.0.0.1\t53\tudp\t7\tc2.evil.example\tA\tNOERROR\tedge.cdn.example,192.0.2.55\t60.000000,300.000000`, "#close\t2024-03-20-10-00-00"].join("\n") + "\n",
  );
  writeFileSync(join(logs, "zeek", "ssl.log"), JSON.stringify({ ts: T0 / 1000 + 1, uid: "C2", "id.orig_h": "10.0.0.2", "id.orig_p": 50000, "id.resp_h": "192.0.2.55", "id.resp_p": 443, version: "TLSv13", server_name: "c2.evil.example", ja4: "t13d1516h2_8daaf6152771_e5627efa2ab1" }) + "\n");
  writeFileSync(join(logs, "zeek", "conn.log"), JSON.stringify({ ts: T0 / 1000 + 1, uid: "C2", "id.orig_h": "10.0.0.2", "id.orig_p": 50000, "id.resp_h": "203.0.113.200", "id.resp_p": 443, proto: "tcp", service: "ssl", duration: 4.5, orig_ip_bytes: 900, resp_ip_bytes: 12000 }) + "\n");
  const ev = (o: object) => JSON.stringify({ timestamp: "2024-03-20T09:30:00.123456+0000", src_ip: "10.0.0.2", src_port: 50001, dest_ip: "192.0.2.60", dest_port: 443, proto: "TCP", ...o });
  writeFileSync(
    join(logs, "eve.json"),
    [
      ev({ event_type: "tls", tls: { sni: "beacon.evil.example", version: "TLS 1.2", fingerprint: "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd", ja3: { hash: "00112233445566778899aabbccddeeff" } } }),
      ev({ event_type: "dns", src_port: 5000, dest_port: 53, proto: "UDP", dns: { version: 2, type: "answer", id: 3, rrname: "quic-c2.evil.example", rrtype: "A", rcode: "NOERROR", grouped: { A: ["192.0.2.61"] } } }),
      ev({ event_type: "http", dest_port: 80, http: { hostname: "c2.evil.example", url: "/x", http_method: "GET", http_user_agent: "UA" } }),
      ev({ event_type: "alert", alert: { action: "allowed", signature_id: 2000001, signature: "ET MALWARE test beacon", category: "A Network Trojan was detected", severity: 1 } }),
      ev({ event_type: "flow", flow: { pkts_toserver: 5, pkts_toclient: 6, bytes_toserver: 500, bytes_toclient: 6000, start: "2024-03-20T09:30:00.100000+0000", end: "2024-03-20T09:30:05.000000+0000" } }),
      "not json",
    ].join("\n") + "\n",
  );
  writeFileSync(join(logs, "Connections_PCAPdroid.csv"), "IPProto,SrcIP,SrcPort,DstIP,DstPort,UID,App,Proto,Status,Info,BytesSent,BytesRcvd,PktsSent,PktsRcvd,FirstSeen,LastSeen\n" + `17,10.0.0.2,41000,10.0.0.1,53,10123,Suspicious Helper,DNS,CLOSED,beacon.evil.example,60,120,1,1,${T0 + 3_600_000},${T0 + 3_600_050}\n` + `6,10.0.0.2,41001,192.0.2.70,443,10123,Suspicious Helper,TLS,CLOSED,c2.evil.example,900,5000,8,9,${T0 + 3_600_100},${T0 + 3_700_000}\n`);
  writeFileSync(
    join(logs, "App_Privacy_Report_v4_2024-03-20T10_00_00.ndjson"),
    [
      JSON.stringify({ domain: "c2.evil.example", firstTimeStamp: "2024-03-20T10:01:00.000+01:00", context: "", timeStamp: "2024-03-20T10:05:00.000+01:00", domainType: 2, initiatedType: "AppInitiated", hits: 12, type: "networkActivity", domainOwner: "", bundleID: "com.example.flashlight" }),
      JSON.stringify({ accessor: { identifier: "com.example.flashlight", identifierType: "bundleID" }, category: "microphone", identifier: "X", kind: "intervalBegin", timeStamp: "2024-03-20T10:02:00.000+01:00", type: "access" }),
    ].join("\n") + "\n",
  );
  const out = join(dir, "out-logs");
  const r = vigil(["check-network", logs, "--iocs", iocs, "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  const alerts = json<Alert[]>(join(out, "alerts.json"));
  const has = (m: string, re: RegExp) => assert.ok(alerts.some((a) => a.module === m && re.test(a.title)), `${m} ${re}: ${alerts.map((a) => `${a.module}: ${a.title}`).join("\n")}`);
  has("dns", /looked up: c2\.evil\.example/);
  has("tls", /TLS connection to known .* server c2\.evil\.example/);
  has("flows", /known .* address 203\.0\.113\.200:443/);
  has("tls", /beacon\.evil\.example/);
  has("dns", /quic-c2\.evil\.example/);
  has("http", /HTTP request to known .* c2\.evil\.example/);
  has("dns", /looked up: beacon\.evil\.example by Suspicious Helper/);
  has("tls", /c2\.evil\.example by Suspicious Helper/);
  has("app_privacy_report", /com\.example\.flashlight contacted known .* domain c2\.evil\.example/);
  const sensor = alerts.find((a) => a.module === "sensor_alerts")!;
  assert.equal(sensor.grade, "weak");
  assert.equal(sensor.rule?.id, "NET-SENSOR-01");
  const dns = json<{ query: string; cnames: string[]; answer_ips: string[]; source: string }[]>(join(out, "dns.json"));
  const z = dns.find((d) => d.source === "zeek")!;
  assert.deepEqual([z.cnames, z.answer_ips], [["edge.cdn.example"], ["192.0.2.55"]]);
  const cov = json<Cov[]>(join(out, "coverage.json"));
  assert.ok(cov.find((c) => c.module === "dns")!.warnings!.some((w) => /eve\.json: line 6 is not/.test(w)));
  const hidden = cov.find((c) => c.module === "hidden_certificates")!;
  assert.match(hidden.reason!, /1 of \d+ TLS\/QUIC connections/);
  const apr = json<{ kind: string; category?: string }[]>(join(out, "app_privacy_report.json"));
  assert.deepEqual(apr.map((a) => a.kind).sort(), ["access", "network"]);
});

test("input that is not network evidence is an error of the whole check; a capture with an odd name is read by its content", () => {
  const txt = join(dir, "notes.txt");
  writeFileSync(txt, "hello\n");
  const r = vigil(["check-network", txt, "--iocs", iocs, "-o", join(dir, "out-bad")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no network capture or log found/);
  const odd = join(dir, "capture-from-phone");
  writeFileSync(odd, pcap([{ ts: T0, data: frame("10.0.0.2", "10.0.0.1", 17, udp(40000, 53, dnsQuery("c2.evil.example", 1))) }]));
  const out = join(dir, "out-odd");
  const ok = vigil(["check-network", odd, txt, "--iocs", iocs, "-o", out]);
  assert.equal(ok.status, 10, ok.stderr);
  assert.ok(json<Alert[]>(join(out, "alerts.json")).some((a) => a.artifact === "capture-from-phone.pcap"));
});
