import { test } from "node:test";
import assert from "node:assert/strict";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { loadContent } from "../../../src/indicators/load.ts";

// Deterministic pseudo-random junk built from the characters that matter to the parsers.
function* junk(n: number, seed = 42): Generator<string> {
  const alphabet = "aZ09.-_:/[]@%#?&=' \"\\\t\n\u00e9\u4e2d\uD83D\uDE00xn--.evil.com:443/http://[::1]hxxp";
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const len = x % 60;
    let s = "";
    for (let j = 0; j < len; j++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[x % alphabet.length];
    }
    yield s;
  }
}

test("no matcher method throws on junk, and junk does not match", () => {
  const m = matcherFromValues({
    domain: ["evil.com"], url: ["https://evil.com/x"], ipv4: ["1.2.3.4"], ipv6: ["::1"], email: ["a@evil.com"], process: ["bh"],
    file_path: ["/var/x"], file_name: ["x"], sha256: ["a".repeat(64)], app_id: ["com.x"], app_cert_hash: ["b".repeat(64)],
    android_property: ["p"], configuration_profile: ["c"],
  });
  const methods = ["domain", "url", "urlsInText", "ip", "email", "filePath", "fileName", "hash", "appId", "appCertHash", "androidProperty", "configurationProfile"] as const;
  for (const s of junk(3000)) {
    for (const k of methods) assert.doesNotThrow(() => (m[k] as (v: string) => unknown)(s), `${k}(${JSON.stringify(s)})`);
    assert.doesNotThrow(() => m.process(s, { maybeTruncated: true }));
  }
  for (const v of [null, undefined, 42, {}, []] as unknown[]) {
    for (const k of methods) assert.deepEqual((m[k] as (v: unknown) => unknown)(v), []);
  }
});

test("no loader throws on junk content", () => {
  const names = ["a.stix2", "b.json", "ioc.yaml", "indicators.yaml", "domains.txt", "ips.txt", "x.csv", "hosts", "sha256.txt"];
  let i = 0;
  for (const s of junk(600, 7)) {
    const name = names[i++ % names.length]!;
    assert.doesNotThrow(() => loadContent(name, Buffer.from(s), { source: name, file: name, sha256: "", loadedAt: "", defaultName: name }), `${name}: ${JSON.stringify(s)}`);
  }
});
