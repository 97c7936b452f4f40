// Canonical keys for indicator values, shared by the loaders (to validate and dedupe) and the
// matcher (so that an indicator and an artifact value meet on the same key). Each function
// returns null for a value that cannot be of that kind; none of them throws.
import { domainToASCII } from "node:url";
import { isIPv4, isIPv6 } from "node:net";
import type { IndicatorKind } from "../core/model.ts";

const PLAIN_HOST = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;
const ASCII_ONLY = /^[\x21-\x7e]*$/;

/** Lowercase, no trailing dot, IDN as punycode. Null when it is not a host name. */
export function normalizeDomain(raw: string): string | null {
  const d = hostKey(raw);
  // A single label ("localhost", "bad") is not something an indicator can mean.
  return d !== null && d.includes(".") ? d : null;
}

/** normalizeDomain without the two-label rule, for looking up artifact host names. */
export function hostKey(raw: string): string | null {
  let d = raw.trim().toLowerCase();
  if (d.endsWith(".")) d = d.slice(0, -1);
  if (d.startsWith("*.")) d = d.slice(2);
  if (d.startsWith(".")) d = d.slice(1);
  if (d.length === 0 || d.length > 253) return null;
  if (PLAIN_HOST.test(d)) return d;
  if (ASCII_ONLY.test(d)) return null;
  const ascii = domainToASCII(d);
  return ascii && PLAIN_HOST.test(ascii) ? ascii : null;
}

/** Strips what logs wrap around an address: "/1.2.3.4" (Android), "[::1]:443", "1.2.3.4:80", zone ids. */
function unwrapIp(raw: string): string {
  let s = raw.trim();
  if (s.startsWith("/")) s = s.slice(1);
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    s = end > 0 ? s.slice(1, end) : s.slice(1);
  } else {
    const colon = s.indexOf(":");
    // One colon only: an IPv4 with a port. More colons: an IPv6 without brackets, no port.
    if (colon > 0 && s.indexOf(":", colon + 1) < 0) s = s.slice(0, colon);
  }
  const zone = s.indexOf("%");
  if (zone > 0) s = s.slice(0, zone);
  return s;
}

export function normalizeIpv4(raw: string): string | null {
  const s = unwrapIp(raw);
  return isIPv4(s) ? s : null;
}

/**
 * An address range in CIDR notation ("203.0.113.0/24", "2001:db8::/32"), as its network address
 * and prefix length ("203.0.113.7/24" names the same range as "203.0.113.0/24"). A /32 (IPv4) or
 * /128 (IPv6) is the single address. Null when it is not a range.
 */
export function normalizeCidr(raw: string): { v: 4 | 6; key: string; bits: number; prefix: number } | null {
  const s = raw.trim();
  const slash = s.indexOf("/");
  if (slash < 0 || !/^\d{1,3}$/.test(s.slice(slash + 1))) return null;
  const prefix = Number(s.slice(slash + 1));
  const addr = s.slice(0, slash);
  if (isIPv4(addr)) {
    if (prefix > 32) return null;
    const n = ipv4Number(addr);
    const masked = prefix === 0 ? 0 : (n & (~0 << (32 - prefix))) >>> 0;
    const net = `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}`;
    return { v: 4, key: prefix === 32 ? net : `${net}/${prefix}`, bits: masked, prefix };
  }
  const v6 = normalizeIpv6(addr);
  if (v6 === null || prefix > 128) return null;
  const hex = maskHex(ipv6Hex(v6), prefix);
  const net = normalizeIpv6(hexToIpv6(hex))!;
  return { v: 6, key: prefix === 128 ? net : `${net}/${prefix}`, bits: 0, prefix };
}

export function ipv4Number(ip: string): number {
  const p = ip.split(".");
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** The 32 hex digits of a normalized IPv6 address. */
export function ipv6Hex(v6: string): string {
  let s = v6;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = ipv4Number(dotted[1]!);
    s = s.slice(0, dotted.index) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => g.padStart(4, "0")).join("");
}

/** The first `prefix` bits of 32 hex digits, the rest zeroed. */
export function maskHex(hex: string, prefix: number): string {
  const full = prefix >> 2;
  const rem = prefix & 3;
  let out = hex.slice(0, full);
  if (rem) out += ((parseInt(hex[full]!, 16) & (0xf << (4 - rem)) & 0xf) >>> 0).toString(16);
  return out.padEnd(32, "0");
}

function hexToIpv6(hex: string): string {
  const g: string[] = [];
  for (let i = 0; i < 32; i += 4) g.push(hex.slice(i, i + 4));
  return g.join(":");
}

const v6cache = new Map<string, string>();
/** RFC 5952 form (lowercase, longest zero run compressed), so "2001:db8:0:0::1" meets "2001:db8::1". */
export function normalizeIpv6(raw: string): string | null {
  const s = unwrapIp(raw).toLowerCase();
  if (!isIPv6(s)) return null;
  let n = v6cache.get(s);
  if (n === undefined) {
    try {
      const h = new URL(`http://[${s}]/`).hostname;
      n = h.slice(1, -1);
    } catch {
      return null;
    }
    if (v6cache.size > 10000) v6cache.clear();
    v6cache.set(s, n);
  }
  return n;
}

/** An IPv4-mapped IPv6 address ("::ffff:1.2.3.4", or its hex form) as its IPv4 address. */
export function mappedIpv4(v6: string): string | null {
  if (!v6.startsWith("::ffff:")) return null;
  const rest = v6.slice(7);
  if (isIPv4(rest)) return rest;
  const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (!m) return null;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export interface ParsedUrl {
  /** Scheme-insensitive for http/https: "//host:port/path?query". */
  key: string;
  /** Hostname as the URL parser gives it (IPv6 without brackets). */
  host: string;
}

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Parses with the WHATWG URL parser (lowercase scheme and host, default port dropped, IDN to
 * punycode, percent-encoding normalized). The key drops user info and fragment (not part of what
 * the server sees), drops one trailing slash of the path, and treats http and https alike: a known
 * malicious path is as malicious over either scheme.
 */
/** The longest URL parseUrl reads. */
export const MAX_URL_LENGTH = 8192;

export function parseUrl(raw: string): ParsedUrl | null {
  let s = raw.trim();
  if (s.length === 0 || s.length > MAX_URL_LENGTH) return null;
  // "evil.com/x" and "evil.com:8080/x" have no scheme; "mailto:x@y" has one.
  if (!s.includes("://") && !(HAS_SCHEME.test(s) && !/^[^:/]+:\d+(?:[/?#]|$)/.test(s))) s = "http://" + s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  let host = u.hostname;
  if (host.startsWith("[")) host = host.slice(1, -1);
  // "evil.com." is the same host as "evil.com"; the URL parser keeps the dot.
  if (host.endsWith(".")) host = host.slice(0, -1);
  const authority = u.port ? `${u.hostname.endsWith(".") ? u.hostname.slice(0, -1) : u.hostname}:${u.port}` : u.hostname.endsWith(".") ? u.hostname.slice(0, -1) : u.hostname;
  let path = u.pathname;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  else if (path === "/") path = "";
  const scheme = u.protocol === "https:" || u.protocol === "http:" ? "" : u.protocol;
  const key = authority ? `${scheme}//${authority}${path}${u.search}` : `${scheme}${path}${u.search}`;
  return { key, host };
}

/**
 * Absolute, no trailing or doubled slashes, without the "/private" prefix (iOS resolves
 * /var, /etc and /tmp through /private, and artifacts write either form).
 */
export function normalizePath(raw: string): string | null {
  let p = raw.trim().replace(/\\/g, "/");
  if (p.length === 0) return null;
  if (!p.startsWith("/")) p = "/" + p;
  if (p.includes("//")) p = p.replace(/\/{2,}/g, "/");
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  if (p === "/private" || p.startsWith("/private/")) p = p.slice(8) || "/";
  return p === "/" ? null : p;
}

const HEX = /^[0-9a-f]+$/;
export function hashKind(hex: string): "sha256" | "sha1" | "md5" | null {
  if (!HEX.test(hex)) return null;
  return hex.length === 64 ? "sha256" : hex.length === 40 ? "sha1" : hex.length === 32 ? "md5" : null;
}
export function normalizeHash(raw: string): string | null {
  const h = raw.trim().toLowerCase();
  return hashKind(h) ? h : null;
}

/** Certificate fingerprints are written with or without ":" separators, in either case. */
export function normalizeCertHash(raw: string): string | null {
  const h = raw.trim().toLowerCase().replace(/:/g, "");
  return h.length >= 32 && HEX.test(h) ? h : null;
}

/** A JA3 (or JA3S) fingerprint: the MD5 of its text, 32 hex digits. */
export function normalizeJa3(raw: string): string | null {
  const h = raw.trim().toLowerCase();
  return h.length === 32 && HEX.test(h) ? h : null;
}

const JA4 = /^[tqd][0-9s][0-9a-z][di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;
/** A JA4 fingerprint in its hashed form ("t13d1516h2_8daaf6152771_02713d6af862"). */
export function normalizeJa4(raw: string): string | null {
  const f = raw.trim().toLowerCase();
  return JA4.test(f) ? f : null;
}

export function normalizeEmail(raw: string): string | null {
  let e = raw.trim().toLowerCase();
  // "Name <user@host>" as mail headers and contact cards write it.
  const lt = e.lastIndexOf("<");
  if (lt >= 0 && e.endsWith(">")) e = e.slice(lt + 1, -1).trim();
  if (e.startsWith("mailto:")) e = e.slice(7);
  const at = e.lastIndexOf("@");
  return at > 0 && at < e.length - 1 && !/\s/.test(e) ? e : null;
}

function exact(raw: string): string | null {
  const v = raw.trim();
  return v.length > 0 ? v : null;
}

const CIDR_TAIL = /[0-9a-f.:]\/\d{1,3}\s*$/i;

/** The key an indicator of this kind is stored under; null when the value is not valid for it. */
export function normalizeIndicator(kind: IndicatorKind, raw: string): string | null {
  switch (kind) {
    case "domain":
      return normalizeDomain(raw);
    case "ipv4": {
      if (CIDR_TAIL.test(raw)) {
        const c = normalizeCidr(raw);
        return c && c.v === 4 ? c.key : null;
      }
      return normalizeIpv4(raw);
    }
    case "ipv6": {
      if (CIDR_TAIL.test(raw)) {
        const c = normalizeCidr(raw);
        return c && c.v === 6 ? c.key : null;
      }
      return normalizeIpv6(raw);
    }
    case "url": {
      const u = parseUrl(raw);
      return u && u.host ? u.key : null;
    }
    case "email":
      return normalizeEmail(raw);
    case "file_path":
      return normalizePath(raw);
    case "sha256":
    case "sha1":
    case "md5": {
      const h = normalizeHash(raw);
      return h && hashKind(h) === kind ? h : null;
    }
    case "app_cert_hash":
      return normalizeCertHash(raw);
    case "tls_cert_hash": {
      const h = normalizeCertHash(raw);
      return h && (h.length === 40 || h.length === 64 || h.length === 32) ? h : null;
    }
    case "ja3":
      return normalizeJa3(raw);
    case "ja4":
      return normalizeJa4(raw);
    case "process":
    case "file_name":
    case "app_id":
    case "android_property":
    case "configuration_profile":
      return exact(raw);
  }
}

/** "evil[.]com", "hxxps://", "evil(.)com", "user[@]x" → their live forms. */
export function refang(raw: string): string {
  // Plain indexOf checks: this runs on every line of every list, and almost none is defanged.
  if (raw.indexOf("[") < 0 && raw.indexOf("(") < 0 && !/^(?:hxxp|fxp)/i.test(raw)) return raw;
  return raw
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, ".")
    .replace(/\[@\]|\[at\]|\(at\)/gi, "@")
    .replace(/\[:\]/g, ":")
    .replace(/\[\/\]/g, "/")
    .replace(/^hxxp(s?)/i, "http$1")
    .replace(/^fxp/i, "ftp")
    .replace(/^\[?(https?)\]?:/i, "$1:");
}
