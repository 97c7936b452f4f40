import { test } from "node:test";
import assert from "node:assert/strict";
import { matcherFromValues, buildMatcher } from "../../../src/indicators/matcher.ts";
import type { IocSetInfo } from "../../../src/core/model.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

const values = (ms: { indicator: { value: string } }[]) => ms.map((m) => m.indicator.value).sort();

test("domain: the host itself and every subdomain, case-insensitive, trailing dot ignored", () => {
  const m = matcherFromValues({ domain: ["evil.com", "sub.bad.org"] }, "Set A");
  assert.deepEqual(values(m.domain("evil.com")), ["evil.com"]);
  assert.deepEqual(values(m.domain("a.b.evil.com")), ["evil.com"]);
  assert.deepEqual(values(m.domain("A.B.EVIL.COM.")), ["evil.com"]);
  assert.deepEqual(values(m.domain("www.evil.com")), ["evil.com"]);
  assert.deepEqual(values(m.domain("x.sub.bad.org")), ["sub.bad.org"]);
  assert.deepEqual(values(m.domain("evil.com:443")), ["evil.com"]);
  assert.deepEqual(values(m.domain("https://x.evil.com/path")), ["evil.com"], "a URL where a host was expected");
  const hit = m.domain("a.evil.com")[0]!;
  assert.equal(hit.matched, "a.evil.com");
  assert.equal(hit.indicator.type, "domain");
  assert.equal(hit.indicator.set.name, "Set A");
});

test("domain: never a name that merely ends the same way, nor a parent of the indicator", () => {
  const m = matcherFromValues({ domain: ["evil.com", "sub.bad.org", "www.other.net"] });
  assert.deepEqual(m.domain("notevil.com"), []);
  assert.deepEqual(m.domain("evil.com.example.org"), []);
  assert.deepEqual(m.domain("bad.org"), []);
  assert.deepEqual(m.domain("xsub.bad.org"), []);
  assert.deepEqual(m.domain("other.net"), [], "www is not stripped");
  assert.deepEqual(m.domain(""), []);
  assert.deepEqual(m.domain("evil"), []);
});

test("domain: a public-suffix indicator only matches exactly", () => {
  const m = matcherFromValues({ domain: ["co.uk", "evil.co.uk"] });
  assert.deepEqual(values(m.domain("a.evil.co.uk")), ["evil.co.uk"]);
  assert.deepEqual(m.domain("bbc.co.uk"), []);
  assert.deepEqual(values(m.domain("co.uk")), ["co.uk"]);
});

test("domain: IDN hosts meet their punycode indicator", () => {
  const m = matcherFromValues({ domain: ["xn--bcher-kva.example"] });
  assert.equal(m.domain("bücher.example").length, 1);
  assert.equal(m.domain("a.BÜCHER.example").length, 1);
  assert.deepEqual(m.domain("bucher.example"), []);
});

test("url: normalized URL indicators; host checked against domains and IPs", () => {
  const m = matcherFromValues({
    url: ["https://Bad.Example.com:443/path/x/", "http://plain.org/p?q=1"],
    domain: ["evil.com"],
    ipv4: ["1.2.3.4"],
    ipv6: ["2001:db8::1"],
  });
  assert.deepEqual(values(m.url("https://bad.example.com/path/x")), ["https://Bad.Example.com:443/path/x/"]);
  assert.deepEqual(values(m.url("HTTPS://BAD.EXAMPLE.COM/path/x/#frag")), ["https://Bad.Example.com:443/path/x/"]);
  assert.deepEqual(values(m.url("http://bad.example.com/path/x/")), ["https://Bad.Example.com:443/path/x/"]);
  assert.deepEqual(values(m.url("plain.org/p?q=1")), ["http://plain.org/p?q=1"]);
  assert.deepEqual(values(m.url("https://a.evil.com/whatever?x=1")), ["evil.com"]);
  assert.deepEqual(values(m.url("evil.com/x")), ["evil.com"]);
  assert.deepEqual(values(m.url("http://user:pw@evil.com/")), ["evil.com"]);
  assert.deepEqual(values(m.url("http://1.2.3.4:8080/x")), ["1.2.3.4"]);
  assert.deepEqual(values(m.url("http://[2001:DB8:0:0::1]/x")), ["2001:db8::1"]);
  assert.deepEqual(values(m.url("ftp://evil.com/file")), ["evil.com"]);
  assert.deepEqual(values(m.url("https://user@x.evil.com./a")), ["evil.com"], "trailing dot on the slow path");
  assert.deepEqual(values(m.url("https://bad.example.com./path/x")), ["https://Bad.Example.com:443/path/x/"]);
  assert.deepEqual(values(m.url("https://u@bad.example.com.:443/path/x")), ["https://Bad.Example.com:443/path/x/"]);
});

test("url: must not match other paths, hosts, or junk", () => {
  const m = matcherFromValues({ url: ["https://bad.example.com/path/x"], domain: ["evil.com"], ipv4: ["1.2.3.4"] });
  assert.deepEqual(m.url("https://bad.example.com/path/x2"), []);
  assert.deepEqual(m.url("https://bad.example.com/PATH/x"), [], "paths are case-sensitive");
  assert.deepEqual(m.url("https://bad.example.com/"), []);
  assert.deepEqual(m.url("https://notevil.com/evil.com"), []);
  assert.deepEqual(m.url("https://evil.com.attacker.net/"), []);
  assert.deepEqual(m.url("http://1.2.3.44/"), []);
  for (const junk of ["", "::::", "http://", "http://[zz]/", "%%%", "javascript:alert(1)", "a".repeat(10000), "mailto:x@evil.org"]) {
    assert.doesNotThrow(() => m.url(junk));
    assert.deepEqual(m.url(junk), []);
  }
  assert.deepEqual(m.url(undefined as unknown as string), []);
});

test("urlsInText: URLs and bare domains inside message text", () => {
  const m = matcherFromValues({ domain: ["evil.com"], url: ["https://bad.org/p"], ipv4: ["9.9.9.9"] });
  const text = "Hi! check https://x.evil.com/a?b=1, or bad.org/p. Also (www.evil.com) and 9.9.9.9/x";
  assert.deepEqual(values(m.urlsInText(text)), ["9.9.9.9", "evil.com", "https://bad.org/p"]);
  assert.deepEqual(m.urlsInText("the notevil.com site and evil.company.org and bad.org/q"), []);
  assert.deepEqual(m.urlsInText("nothing here, version 3.14 and e.g. this"), []);
  assert.deepEqual(values(m.urlsInText("EVIL.COM!")), ["evil.com"]);
});

test("ip: IPv4 and IPv6 exact, with wrappers", () => {
  const m = matcherFromValues({ ipv4: ["1.2.3.4"], ipv6: ["2001:0db8:0000:0000:0000:0000:0000:0001"] });
  assert.equal(m.ip("1.2.3.4").length, 1);
  assert.equal(m.ip("/1.2.3.4").length, 1);
  assert.equal(m.ip("1.2.3.4:5555").length, 1);
  assert.equal(m.ip("2001:db8::1").length, 1);
  assert.equal(m.ip("[2001:db8::1]:443").length, 1);
  assert.equal(m.ip("/2001:DB8:0::1").length, 1);
  assert.equal(m.ip("::ffff:1.2.3.4").length, 1);
  assert.equal(m.domain("1.2.3.4").length, 1, "domain() hands IP literals to ip()");
  assert.deepEqual(m.ip("1.2.3.40"), []);
  assert.deepEqual(m.ip("11.2.3.4"), []);
  assert.deepEqual(m.ip("2001:db8::2"), []);
  assert.deepEqual(m.ip("not an ip"), []);
});

test("filePath: the path and anything under it, by whole components; /private tolerated", () => {
  const m = matcherFromValues({ file_path: ["/var/foo", "/private/var/tmp/bad.plist"] });
  assert.equal(m.filePath("/var/foo").length, 1);
  assert.equal(m.filePath("/var/foo/x/y").length, 1);
  assert.equal(m.filePath("/private/var/foo/x").length, 1);
  assert.equal(m.filePath("/var/tmp/bad.plist").length, 1);
  assert.equal(m.filePath("private/var/tmp/bad.plist").length, 1);
  assert.equal(m.filePath("/var/foo/").length, 1);
  assert.equal(m.filePath("/var/foo/x")[0]!.matched, "/var/foo/x");
  assert.deepEqual(m.filePath("/var/foobar"), []);
  assert.deepEqual(m.filePath("/var"), []);
  assert.deepEqual(m.filePath("/var/tmp/bad.plist.bak"), []);
  assert.deepEqual(m.filePath("/other/var/foo"), []);
  assert.deepEqual(m.filePath(""), []);
});

test("process: exact, and truncated 15/16-character prefixes when asked", () => {
  const m = matcherFromValues({ process: ["bh", "com.apple.Launcher", "roleaccountd"] });
  assert.equal(m.process("bh").length, 1);
  assert.deepEqual(m.process("bhd"), []);
  assert.equal(m.process("/private/var/tmp/bh").length, 1, "an executable path is matched by its name");
  assert.equal(m.process("/private/var/tmp/bh")[0]!.matched, "bh");
  assert.deepEqual(m.process("/bh/other"), []);
  assert.deepEqual(m.process("BH"), []);
  assert.deepEqual(m.process("com.apple.Launc"), [], "no prefix match unless asked");
  const t15 = m.process("com.apple.Launc", { maybeTruncated: true });
  assert.equal(t15.length, 1);
  assert.equal(t15[0]!.truncated, true);
  const t16 = m.process("com.apple.Launch", { maybeTruncated: true });
  assert.equal(t16.length, 1);
  assert.equal(t16[0]!.truncated, true);
  assert.deepEqual(m.process("com.apple.Lau", { maybeTruncated: true }), [], "shorter names are not truncations");
  assert.deepEqual(m.process("com.apple.Launx", { maybeTruncated: true }), []);
  const full = m.process("com.apple.Launcher", { maybeTruncated: true });
  assert.equal(full.length, 1);
  assert.equal(full[0]!.truncated, undefined);
});

test("hashes, cert hashes, app ids, emails, properties, profiles, file names", () => {
  const sha256 = "a".repeat(63) + "B";
  const m = matcherFromValues({
    sha256: [sha256],
    sha1: ["0123456789abcdef0123456789abcdef01234567"],
    md5: ["0123456789ABCDEF0123456789ABCDEF"],
    app_cert_hash: ["AB:CD:" + "0".repeat(60)],
    app_id: ["com.evil.App"],
    email: ["Bad@Evil.com"],
    android_property: ["persist.evil.flag"],
    configuration_profile: ["F1B2-ID"],
    file_name: ["evil.dylib"],
  });
  assert.equal(m.hash(sha256.toLowerCase()).length, 1);
  assert.equal(m.hash(sha256.toUpperCase()).length, 1);
  assert.equal(m.hash("0123456789ABCDEF0123456789ABCDEF01234567").length, 1);
  assert.equal(m.hash("0123456789abcdef0123456789abcdef").length, 1);
  assert.deepEqual(m.hash("a".repeat(64)), []);
  assert.deepEqual(m.hash("zz"), []);
  assert.equal(m.appCertHash("abcd" + "0".repeat(60)).length, 1);
  assert.deepEqual(m.appCertHash("abce" + "0".repeat(60)), []);
  assert.equal(m.appId("com.evil.App").length, 1);
  assert.deepEqual(m.appId("com.evil.app"), [], "package names are case-sensitive");
  assert.equal(m.email("bad@EVIL.com").length, 1);
  assert.equal(m.email("Mr Bad <Bad@evil.com>").length, 1);
  assert.equal(m.email("mailto:bad@evil.com").length, 1);
  assert.deepEqual(m.email("notbad@evil.com"), []);
  assert.deepEqual(m.email("bad@evil.co"), []);
  assert.equal(m.androidProperty("persist.evil.flag").length, 1);
  assert.deepEqual(m.androidProperty("persist.evil"), []);
  assert.equal(m.configurationProfile("F1B2-ID").length, 1);
  assert.deepEqual(m.configurationProfile("f1b2-id"), []);
  assert.equal(m.fileName("evil.dylib").length, 1);
  assert.equal(m.fileName("/usr/lib/evil.dylib").length, 1);
  assert.deepEqual(m.fileName("evil.dylib2"), []);
});

test("matches carry the indicator reference and set provenance; counts", () => {
  const info: IocSetInfo = { name: "Pegasus", source: "/x/pegasus.stix2", file: "pegasus.stix2", sha256: "ff", loadedAt: "2026-01-01T00:00:00.000Z", counts: {} };
  const info2: IocSetInfo = { ...info, name: "Other", file: "other.stix2" };
  const m = buildMatcher([
    { info, indicators: [{ type: "domain", value: "evil.com", id: "indicator--1" }, { type: "domain", value: "EVIL.com" }, { type: "process", value: "bh" }, { type: "domain", value: "not a domain" }] },
    { info: info2, indicators: [{ type: "domain", value: "evil.com" }] },
  ]);
  const hits = m.domain("x.evil.com");
  assert.equal(hits.length, 2, "one match per set, duplicates within a set collapsed");
  assert.equal(hits[0]!.indicator.id, "indicator--1");
  assert.equal(hits[0]!.indicator.set.source, "/x/pegasus.stix2");
  assert.equal(hits[1]!.indicator.set.name, "Other");
  assert.equal(m.count("domain"), 2);
  assert.equal(m.count("process"), 1);
  assert.equal(m.count(), 3);
  assert.equal(m.sets.length, 2);
});

test("an address range given by many sets is indexed in linear time (each set's reference added once)", async () => {
  // An Echap ioc.yaml of 60,000 apps (2 MB) naming the same C2 range: one set each.
  const info: IocSetInfo = { name: "", source: "/x/ioc.yaml", file: "ioc.yaml", sha256: "ff", loadedAt: "2026-01-01T00:00:00.000Z", counts: {} };
  const sets = Array.from({ length: 60_000 }, (_, i) => ({
    info: { ...info, name: `app ${i}` },
    indicators: [
      { type: "ipv4" as const, value: "10.0.0.0/8" },
      { type: "ipv6" as const, value: "2001:db8::/32" },
    ],
  }));
  const m = await withinCpu(5, "60,000 sets naming the same ranges", () => buildMatcher(sets));
  assert.equal(m.ip("10.1.2.3").length, 60_000);
  assert.equal(m.ip("2001:db8::7").length, 60_000);
  assert.equal(m.ip("11.0.0.1").length, 0);
});

test("url: a link padded past the URL parser's length (a long path or query) is still checked by its host", () => {
  const m = matcherFromValues({ domain: ["evil.example"], ipv4: ["203.0.113.9"] });
  const pad = "a".repeat(70_000);
  for (const u of [`https://x.evil.example/${pad}`, `https://evil.example?q=${pad}`, `x.evil.example/${pad}`, `http://EVIL.example:8443/${pad}`, `  https://evil.example./#${pad}`, `http://203.0.113.9/${pad}`]) {
    assert.equal(m.url(u).length, 1, u.slice(0, 40));
  }
  assert.equal(m.urlsInText(`look https://x.evil.example/${pad} now`).length, 1);
  assert.equal(m.url(`https://good.example/evil.example/${pad}`).length, 0);
  assert.equal(m.url(`https://${"a".repeat(9000)}.evil.example/`).length, 0, "a host past any DNS name's length");
});
