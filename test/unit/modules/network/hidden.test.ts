// Encrypted DNS and tunnels are recognised by address, port and server name; a name counts with
// its subdomains, not as any name that merely ends with the same letters.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isEncryptedDns, isTunnel } from "../../../../src/modules/network/lib/hidden.ts";

test("DoH and relay names match themselves and their subdomains, in any case, with a final dot", () => {
  const doh = (server_name: string) => isEncryptedDns({ dst_port: 443, dst_ip: "192.0.2.1", server_name });
  for (const n of ["dns.google", "DNS.Google", "dns.google.", "a.b.dns.google", "chrome.cloudflare-dns.com"]) assert.equal(doh(n), true, n);
  for (const n of ["xdns.google", "dns.google.example", "google", "", "cloudflare-dns.co"]) assert.equal(doh(n), false, n);
  assert.equal(isEncryptedDns({ dst_port: 443, dst_ip: "1.1.1.1" }), true);
  assert.equal(isEncryptedDns({ dst_port: 853, dst_ip: "192.0.2.1" }), true);
  assert.equal(isEncryptedDns({ dst_port: 80, server_name: "dns.google" }), false);
  assert.equal(isTunnel({ proto: "tcp", dst_port: 443, server_name: "mask.icloud.com" }), true);
  assert.equal(isTunnel({ proto: "tcp", dst_port: 443, server_name: "x.mask-h2.icloud.com" }), true);
  assert.equal(isTunnel({ proto: "tcp", dst_port: 443, server_name: "unmask.icloud.com" }), false);
  assert.equal(isTunnel({ proto: "udp", dst_port: 51820 }), true);
});
