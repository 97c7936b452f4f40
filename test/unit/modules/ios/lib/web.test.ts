import { test } from "node:test";
import assert from "node:assert/strict";
import { CachedChecks, fastHost, originFromWebKitName, originsInPath } from "../../../../../src/modules/ios/lib/web.ts";
import { matcherFromValues } from "../../../../helpers/web-fixtures.ts";

test("fastHost: hosts of plain http(s) URLs; undefined when the full parser is needed", () => {
  assert.equal(fastHost("https://WWW.Example.com:8443/a?b#c"), "www.example.com");
  assert.equal(fastHost("http://user:pw@evil.com./x"), "evil.com");
  assert.equal(fastHost("HTTP://a.b"), "a.b");
  assert.equal(fastHost("https://[2001:db8::1]:443/"), "[2001:db8::1]");
  assert.equal(fastHost("https://xn--bcher-kva.example/"), "xn--bcher-kva.example");
  assert.equal(fastHost("https://bücher.example/"), undefined);
  assert.equal(fastHost("https://a%2eb.com/"), undefined);
  assert.equal(fastHost("about:blank"), undefined);
  assert.equal(fastHost("evil.com/path"), undefined);
  assert.equal(fastHost("https:///nohost"), undefined);
});

test("CachedChecks gives the matcher's answers (domain, IP, URL indicators, odd URLs)", () => {
  const urls = [
    "https://sub.evil.com/x",
    "http://EVIL.com./",
    "https://notevil.com/",
    "http://10.1.2.3/a",
    "http://167837955/", // 10.1.2.3 as one number
    "https://evil.com@good.example/",
    "https://good.example/exact",
    "evil.com/no-scheme",
    "https://bücher.evil.com/",
    "about:blank",
    "",
  ];
  for (const values of [{ domain: ["evil.com"], ipv4: ["10.1.2.3"] }, { domain: ["evil.com"], ipv4: ["10.1.2.3"], url: ["https://good.example/exact"] }]) {
    const iocs = matcherFromValues(values, "T");
    const cached = new CachedChecks(iocs);
    for (const u of urls) {
      const want = u ? iocs.url(u).map((m) => m.indicator.value).sort() : [];
      // twice: the second answer comes from the cache
      for (let i = 0; i < 2; i++) assert.deepEqual(cached.url(u).map((m) => m.indicator.value).sort(), want, `${u} with ${JSON.stringify(values)}`);
    }
  }
});

test("registrableDomain: public-suffix aware", () => {
  const c = new CachedChecks(matcherFromValues({}, "T"));
  assert.equal(c.registrableDomain("http://a.b.example.co.uk/x"), "example.co.uk");
  assert.equal(c.registrableDomain("https://www.example.com"), "example.com");
  assert.equal(c.registrableDomain("http://10.0.0.1/"), "10.0.0.1");
  assert.equal(c.registrableDomain(""), "");
});

test("WebKit origin names", () => {
  assert.equal(originFromWebKitName("https_www.example.com_0"), "https://www.example.com");
  assert.equal(originFromWebKitName("http_localhost_8080.localstorage"), "http://localhost:8080");
  assert.equal(originFromWebKitName("https_my_host.example_0.localstorage-wal"), "https://my_host.example");
  assert.equal(originFromWebKitName("StorageTracker.db"), undefined);
  assert.equal(originFromWebKitName("https_example.com"), undefined);
  assert.deepEqual(originsInPath("X/WebsiteData/IndexedDB/v1/https_a.com_0/https_b.com_0/db", "/WebsiteData/IndexedDB/"), [
    { folder: "X/WebsiteData/IndexedDB/v1", url: "https://a.com" },
    { folder: "X/WebsiteData/IndexedDB/v1/https_a.com_0", url: "https://b.com" },
  ]);
});
