import { domainToASCII } from "node:url";
import { isIPv4, isIPv6 } from "node:net";
const PLAIN_HOST = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;
const ASCII_ONLY = /^[\x21-\x7e]*$/;
function normalizeDomain(raw) {
  const d = hostKey(raw);
  return d !== null && d.includes(".") ? d : null;
}
function hostKey(raw) {
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
function unwrapIp(raw) {
  let s = raw.trim();
  if (s.startsWith("/")) s = s.slice(1);
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    s = end > 0 ? s.slice(1, end) : s.slice(1);
  } else {
    const colon = s.indexOf(":");
    if (colon > 0 && s.indexOf(":", colon + 1) < 0) s = s.slice(0, colon);
  }
  const zone = s.indexOf("%");
  if (zone > 0) s = s.slice(0, zone);
  return s;
}
function normalizeIpv4(raw) {
  const s = unwrapIp(raw);
  return isIPv4(s) ? s : null;
}
const v6cache = /* @__PURE__ */ new Map();
function normalizeIpv6(raw) {
  const s = unwrapIp(raw).toLowerCase();
  if (!isIPv6(s)) return null;
  let n = v6cache.get(s);
  if (n === void 0) {
    try {
      const h = new URL(`http://[${s}]/`).hostname;
      n = h.slice(1, -1);
    } catch {
      return null;
    }
    if (v6cache.size > 1e4) v6cache.clear();
    v6cache.set(s, n);
  }
  return n;
}
function mappedIpv4(v6) {
  if (!v6.startsWith("::ffff:")) return null;
  const rest = v6.slice(7);
  if (isIPv4(rest)) return rest;
  const m = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (!m) return null;
  const hi = parseInt(m[1], 16);
  const lo = parseInt(m[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
function parseUrl(raw) {
  let s = raw.trim();
  if (s.length === 0 || s.length > 8192) return null;
  if (!s.includes("://") && !(HAS_SCHEME.test(s) && !/^[^:/]+:\d+(?:[/?#]|$)/.test(s))) s = "http://" + s;
  let u;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  let host = u.hostname;
  if (host.startsWith("[")) host = host.slice(1, -1);
  if (host.endsWith(".")) host = host.slice(0, -1);
  const authority = u.port ? `${u.hostname.endsWith(".") ? u.hostname.slice(0, -1) : u.hostname}:${u.port}` : u.hostname.endsWith(".") ? u.hostname.slice(0, -1) : u.hostname;
  let path = u.pathname;
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  else if (path === "/") path = "";
  const scheme = u.protocol === "https:" || u.protocol === "http:" ? "" : u.protocol;
  const key = authority ? `${scheme}//${authority}${path}${u.search}` : `${scheme}${path}${u.search}`;
  return { key, host };
}
function normalizePath(raw) {
  let p = raw.trim().replace(/\\/g, "/");
  if (p.length === 0) return null;
  if (!p.startsWith("/")) p = "/" + p;
  if (p.includes("//")) p = p.replace(/\/{2,}/g, "/");
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  if (p === "/private" || p.startsWith("/private/")) p = p.slice(8) || "/";
  return p === "/" ? null : p;
}
const HEX = /^[0-9a-f]+$/;
function hashKind(hex) {
  if (!HEX.test(hex)) return null;
  return hex.length === 64 ? "sha256" : hex.length === 40 ? "sha1" : hex.length === 32 ? "md5" : null;
}
function normalizeHash(raw) {
  const h = raw.trim().toLowerCase();
  return hashKind(h) ? h : null;
}
function normalizeCertHash(raw) {
  const h = raw.trim().toLowerCase().replace(/:/g, "");
  return h.length >= 32 && HEX.test(h) ? h : null;
}
function normalizeEmail(raw) {
  let e = raw.trim().toLowerCase();
  const lt = e.lastIndexOf("<");
  if (lt >= 0 && e.endsWith(">")) e = e.slice(lt + 1, -1).trim();
  if (e.startsWith("mailto:")) e = e.slice(7);
  const at = e.lastIndexOf("@");
  return at > 0 && at < e.length - 1 && !/\s/.test(e) ? e : null;
}
function exact(raw) {
  const v = raw.trim();
  return v.length > 0 ? v : null;
}
function normalizeIndicator(kind, raw) {
  switch (kind) {
    case "domain":
      return normalizeDomain(raw);
    case "ipv4":
      return normalizeIpv4(raw);
    case "ipv6":
      return normalizeIpv6(raw);
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
    case "process":
    case "file_name":
    case "app_id":
    case "android_property":
    case "configuration_profile":
      return exact(raw);
  }
}
function refang(raw) {
  if (raw.indexOf("[") < 0 && raw.indexOf("(") < 0 && !/^(?:hxxp|fxp)/i.test(raw)) return raw;
  return raw.replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, ".").replace(/\[@\]|\[at\]|\(at\)/gi, "@").replace(/\[:\]/g, ":").replace(/\[\/\]/g, "/").replace(/^hxxp(s?)/i, "http$1").replace(/^fxp/i, "ftp").replace(/^\[?(https?)\]?:/i, "$1:");
}
export {
  hashKind,
  hostKey,
  mappedIpv4,
  normalizeCertHash,
  normalizeDomain,
  normalizeEmail,
  normalizeHash,
  normalizeIndicator,
  normalizeIpv4,
  normalizeIpv6,
  normalizePath,
  parseUrl,
  refang
};
