// Network indicators: address ranges, JA3/JA4 fingerprints and server certificate hashes, in the
// matcher and in every loader that can carry them; JA4 against the published example.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadContent } from "../../../src/indicators/load.ts";
import { buildMatcher, matcherFromValues } from "../../../src/indicators/matcher.ts";
import { normalizeIndicator } from "../../../src/indicators/normalize.ts";
import { ja4, type ClientHello } from "../../../src/formats/network/tls.ts";

const meta = (file: string) => ({ source: `/iocs/${file}`, file, sha256: "0".repeat(64), loadedAt: "2024-01-01T00:00:00.000Z", defaultName: file });

test("address ranges: IPv4 and IPv6 CIDR, host bits ignored, mapped IPv4 addresses, single-address ranges", () => {
  const m = matcherFromValues({ ipv4: ["203.0.113.77/24", "198.51.100.5/32", "0.0.0.0/0"].slice(0, 2), ipv6: ["2001:db8:abcd::/48", "2001:db8:1::1/128"] });
  assert.deepEqual(m.ip("203.0.113.1").map((x) => x.indicator.value), ["203.0.113.77/24"]);
  assert.equal(m.ip("203.0.114.1").length, 0);
  assert.equal(m.ip("198.51.100.5").length, 1);
  assert.equal(m.ip("::ffff:203.0.113.9").length, 1);
  assert.equal(m.ip("2001:db8:abcd:ffff::1").length, 1);
  assert.equal(m.ip("2001:db8:abce::1").length, 0);
  assert.equal(m.ip("2001:db8:1::1").length, 1);
  assert.equal(m.url("http://203.0.113.8/x").length, 1);
  assert.equal(normalizeIndicator("ipv4", "203.0.113.77/24"), "203.0.113.0/24");
  assert.equal(normalizeIndicator("ipv4", "203.0.113.77/33"), null);
  assert.equal(normalizeIndicator("ipv4", "/203.0.113.77"), "203.0.113.77");
  assert.equal(normalizeIndicator("ipv6", "2001:DB8:0:0:1::/64"), "2001:db8::/64");
});

test("JA3, JA4 and TLS certificate hashes match case-insensitively, with or without colons, and nothing else", () => {
  const m = matcherFromValues({ ja3: ["E7ECA2BAF4458D095B7F45DA28C16C34"], ja4: ["t13d1516h2_8daaf6152771_e5627efa2ab1"], tls_cert_hash: ["AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD"] });
  assert.equal(m.ja3("e7eca2baf4458d095b7f45da28c16c34").length, 1);
  assert.equal(m.ja4("T13D1516H2_8DAAF6152771_E5627EFA2AB1").length, 1);
  assert.equal(m.tlsCertHash("aabbccddeeff00112233445566778899aabbccdd").length, 1);
  assert.equal(m.appCertHash("aabbccddeeff00112233445566778899aabbccdd").length, 0, "a server certificate is not an app signing certificate");
  assert.equal(m.hash("e7eca2baf4458d095b7f45da28c16c34").length, 0, "a JA3 is not a file hash");
  assert.equal(normalizeIndicator("ja4", "t13d1516h2_8daaf6152771"), null);
});

test("loaders: list files by name, MISP and plain CSV columns, TinyCheck's cidr and sha1cert, STIX x509 and JA3 paths", () => {
  const load = (name: string, text: string) => loadContent(name, Buffer.from(text), meta(name));
  const sets = [
    ...load("ja3.txt", "e7eca2baf4458d095b7f45da28c16c34\n").sets,
    ...load("ja4.txt", "t13d1516h2_8daaf6152771_e5627efa2ab1\n").sets,
    ...load("tls_cert_hashes.txt", "aabbccddeeff00112233445566778899aabbccdd\n").sets,
    ...load("ip_ranges.txt", "192.0.2.0/25\n").sets,
    ...load("misp.csv", "uuid,type,value\n1,ja3-fingerprint-md5,00112233445566778899aabbccddeeff\n2,x509-fingerprint-sha256," + "ab".repeat(32) + "\n3,ip-dst,198.51.100.0/28\n").sets,
    ...load("tinycheck.json", JSON.stringify({ iocs: [{ type: "cidr", value: "100.64.0.0/10" }, { type: "sha1cert", value: "11".repeat(20) }] })).sets,
    ...load(
      "net.stix2",
      JSON.stringify({
        type: "bundle",
        objects: [
          { type: "indicator", id: "indicator--1", pattern_type: "stix", pattern: "[x509-certificate:hashes.'SHA-256' = '" + "cd".repeat(32) + "']" },
          { type: "indicator", id: "indicator--2", pattern_type: "stix", pattern: "[x-ja3:value = 'ffeeddccbbaa99887766554433221100']" },
          { type: "indicator", id: "indicator--3", pattern_type: "stix", pattern: "[ipv4-addr:value = '203.0.113.0/24']" },
        ],
      }),
    ).sets,
  ];
  const m = buildMatcher(sets);
  assert.equal(m.ja3("e7eca2baf4458d095b7f45da28c16c34").length, 1);
  assert.equal(m.ja4("t13d1516h2_8daaf6152771_e5627efa2ab1").length, 1);
  assert.equal(m.tlsCertHash("aabbccddeeff00112233445566778899aabbccdd").length, 1);
  assert.equal(m.ip("192.0.2.100").length, 1);
  assert.equal(m.ip("192.0.2.200").length, 0);
  assert.equal(m.ja3("00112233445566778899aabbccddeeff").length, 1);
  assert.equal(m.tlsCertHash("ab".repeat(32)).length, 1);
  assert.equal(m.ip("198.51.100.15").length, 1);
  assert.equal(m.ip("100.100.1.1").length, 1);
  assert.equal(m.tlsCertHash("11".repeat(20)).length, 1);
  assert.equal(m.tlsCertHash("cd".repeat(32)).length, 1);
  assert.equal(m.ja3("ffeeddccbbaa99887766554433221100").length, 1);
  assert.equal(m.ip("203.0.113.250").length, 1);
});

test("JA4 of the published example ClientHello (FoxIO's t13d1516h2_8daaf6152771_e5627efa2ab1)", () => {
  const ch: ClientHello = {
    legacyVersion: 0x0303,
    ciphers: [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
    extensions: [0x0000, 0x0017, 0xff01, 0x000a, 0x000b, 0x0023, 0x0010, 0x0005, 0x000d, 0x0012, 0x0033, 0x002d, 0x002b, 0x001b, 0x4469, 0x0015],
    serverName: "example.com",
    alpn: ["h2", "http/1.1"],
    versions: [0x0a0a, 0x0304, 0x0303],
    groups: [],
    pointFormats: [],
    sigAlgs: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
    ech: false,
  };
  assert.equal(ja4(ch, "t"), "t13d1516h2_8daaf6152771_e5627efa2ab1");
});
