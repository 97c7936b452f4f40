// What a hunt for a value looks up: the value as given and as the archive spells values of each
// kind (lower-cased names and addresses, IP addresses in one form), and the hosts whose
// subdomains and URLs count as sightings too (a domain; a URL's host).
import { hostKey, normalizeEmail, normalizeHash, normalizeIpv4, normalizeIpv6 } from "../indicators/normalize.ts";

export function huntKeys(raw: string): { exact: string[]; hosts: string[] } {
  const q = raw.trim();
  const exact = new Set<string>([q, q.toLowerCase()]);
  const hosts = new Set<string>();
  for (const v of [normalizeIpv4(q), normalizeIpv6(q), normalizeEmail(q), normalizeHash(q)]) if (v) exact.add(v);
  let host: string | null = null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(q)) {
    try {
      host = new URL(q).hostname;
    } catch {
      host = null;
    }
  } else if (!q.includes("/") && !q.includes("@")) {
    host = hostKey(q);
  }
  if (host) {
    const h = hostKey(host.replace(/^\[|\]$/g, ""));
    if (h) {
      hosts.add(h);
      exact.add(h);
    }
  }
  exact.delete("");
  return { exact: [...exact], hosts: [...hosts] };
}
