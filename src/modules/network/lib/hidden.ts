// What traffic hides from a network check, recognised from the outside: encrypted DNS to the
// well-known public resolvers, and tunnels (VPNs, iCloud Private Relay) that carry everything
// else inside them. Connections to these are counted, never looked up.

/** Public resolvers that answer DNS over HTTPS or TLS (their anycast addresses). */
export const PUBLIC_RESOLVER_IPS = new Set([
  // Cloudflare
  "1.1.1.1", "1.0.0.1", "1.1.1.2", "1.0.0.2", "1.1.1.3", "1.0.0.3",
  "2606:4700:4700::1111", "2606:4700:4700::1001", "2606:4700:4700::1112", "2606:4700:4700::1002", "2606:4700:4700::1113", "2606:4700:4700::1003",
  // Google
  "8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "2001:4860:4860::8844",
  // Quad9
  "9.9.9.9", "149.112.112.112", "9.9.9.10", "149.112.112.10", "9.9.9.11", "149.112.112.11",
  "2620:fe::fe", "2620:fe::9", "2620:fe::10", "2620:fe::fe:10", "2620:fe::11", "2620:fe::fe:11",
  // OpenDNS
  "208.67.222.222", "208.67.220.220", "208.67.222.123", "208.67.220.123", "2620:119:35::35", "2620:119:53::53",
  // AdGuard
  "94.140.14.14", "94.140.15.15", "94.140.14.15", "94.140.15.16", "2a10:50c0::ad1:ff", "2a10:50c0::ad2:ff",
  // CleanBrowsing, Mullvad, DNS.SB
  "185.228.168.9", "185.228.169.9", "185.228.168.168", "185.228.169.168", "194.242.2.2", "194.242.2.3", "185.222.222.222", "45.11.45.11",
]);

/** Host names of DNS-over-HTTPS/TLS services, matched with their subdomains. */
export const PUBLIC_RESOLVER_NAMES = [
  "dns.google", "dns.google.com", "cloudflare-dns.com", "one.one.one.one", "dns.quad9.net", "doh.opendns.com", "dns.opendns.com",
  "dns.adguard.com", "dns.adguard-dns.com", "dns.nextdns.io", "doh.cleanbrowsing.org", "doh.mullvad.net", "dns.mullvad.net", "doh.dns.sb", "dns.sb",
  "doh.dns.apple.com", "dns.controld.com", "doh.libredns.gr",
];

/** iCloud Private Relay's entry points: Safari and DNS traffic goes inside it. */
const RELAY_NAMES = ["mask.icloud.com", "mask-h2.icloud.com", "mask-api.icloud.com", "mask-canary.icloud.com"];

function underAny(name: string | undefined, list: string[]): boolean {
  if (!name) return false;
  let n = name.toLowerCase();
  if (n.endsWith(".")) n = n.slice(0, -1);
  // Without building "." + d for every name of the list and every flow.
  return list.some((d) => n === d || (n.length > d.length && n.endsWith(d) && n.charCodeAt(n.length - d.length - 1) === 0x2e));
}

/** A connection that carries DNS encrypted (DoT on port 853, DoH to a public resolver). */
export function isEncryptedDns(f: { proto?: string; dst_ip?: string; dst_port?: number; server_name?: string }): boolean {
  if (f.dst_port === 853) return true;
  if (f.dst_port !== 443) return false;
  return (f.dst_ip !== undefined && PUBLIC_RESOLVER_IPS.has(f.dst_ip)) || underAny(f.server_name, PUBLIC_RESOLVER_NAMES);
}

/** A VPN or relay tunnel: IPsec (ESP, IKE), WireGuard, OpenVPN, GRE, iCloud Private Relay. */
export function isTunnel(f: { proto?: string; dst_port?: number; server_name?: string }): boolean {
  if (f.proto === "esp" || f.proto === "gre" || f.proto === "ah") return true;
  if (f.proto === "udp" && (f.dst_port === 500 || f.dst_port === 4500 || f.dst_port === 51820 || f.dst_port === 1194)) return true;
  if (f.proto === "tcp" && f.dst_port === 1194) return true;
  return underAny(f.server_name, RELAY_NAMES);
}
