// The indicator lookup engine: every indicator is stored once under its canonical key (see
// normalize.ts), so each check is a few Map lookups, never a scan over the indicators.
import { trimEndOf } from "../core/trim.ts";
import { getDomain, parse as parseDomain } from "tldts";
import type { IndicatorKind, IndicatorMatch, IndicatorRef, IocSetInfo } from "../core/model.ts";
import type { Matcher } from "./matcher-api.ts";
import {
  ipv4Number,
  ipv6Hex,
  mappedIpv4,
  maskHex,
  normalizeCertHash,
  normalizeJa3,
  normalizeJa4,
  hostKey,
  normalizeEmail,
  normalizeHash,
  normalizeIndicator,
  normalizeIpv4,
  normalizeIpv6,
  normalizePath,
  MAX_URL_LENGTH,
  parseUrl,
} from "./normalize.ts";
import { INDICATOR_KINDS, type Indicator, type LoadedSet } from "./types.ts";

type Index = Map<string, IndicatorRef[]>;

// Keys are already canonical host names: skip tldts' own URL and host clean-up.
const PSL_OPTS = { allowPrivateDomains: false, extractHostname: false, detectIp: false, validateHostname: false, mixedInputs: false };

function add<K>(index: Map<K, IndicatorRef[]>, key: K, ref: IndicatorRef): void {
  const list = index.get(key);
  if (list) list.push(ref);
  else index.set(key, [ref]);
}

function push(out: IndicatorMatch[], refs: IndicatorRef[] | undefined, matched: string, truncated?: boolean): void {
  if (!refs) return;
  for (const indicator of refs) {
    if (truncated) out.push({ indicator, matched, truncated: true });
    else out.push({ indicator, matched });
  }
}

// A URL whose host can be read without the full parser: lowercase ASCII labels, no user info.
/** A URL's scheme and authority, up to its path, query or fragment. */
const URL_HEAD = /^(?:[a-z][a-z0-9+.-]{0,31}:)?(?:\/\/)?[^/?#\s]{1,2048}(?=[/?#\s]|$)/i;
const FAST_URL = /^(?:https?:)?\/\/([a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::\d{1,5})?(?:[/?#]|$)/i;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The WHATWG parser reads a host whose last label is numeric as an IPv4 address. */
function lastLabelNumeric(host: string): boolean {
  let end = host.length;
  if (host.charCodeAt(end - 1) === 46) end--;
  const start = host.lastIndexOf(".", end - 1) + 1;
  if (start >= end) return false;
  if (host.charCodeAt(start) === 48 && (host.charCodeAt(start + 1) | 32) === 120) return true;
  for (let i = start; i < end; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// URLs with scheme, then IPv4 literals with an optional path, then bare domain names with an
// optional path. The name part requires a letter in the last label so "3.14" is not a host, and
// has at most 127 labels, as a DNS name: unbounded, a long "a.a.a..." (a message anyone can
// send) made it try every label count at every position, quadratic.
const TEXT_URL =
  /\b(?:https?:\/\/[^\s<>"'`{}|\\^]+|(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?:\/[^\s<>"'`{}|\\^]*)?|(?:[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?\.){1,126}[a-z][a-z0-9-]{0,62}[a-z0-9](?::\d{1,5})?(?:\/[^\s<>"'`{}|\\^]*)?)/gi;
/** Punctuation that ends a sentence more often than a URL (cut from the end of a token). */
const TRAILING_PUNCT = ".,;:!?)]}'\"»…";

/** The URLs, IP addresses and domain names written in a text, as urlsInText() checks them. */
export function urlTokensInText(text: string): string[] {
  const out: string[] = [];
  TEXT_URL.lastIndex = 0;
  for (let m = TEXT_URL.exec(text); m !== null; m = TEXT_URL.exec(text)) out.push(trimEndOf(m[0], TRAILING_PUNCT));
  return out;
}

class IndexMatcher implements Matcher {
  readonly sets: IocSetInfo[];
  private readonly counts = new Map<IndicatorKind, number>();
  /** Every domain indicator: matches itself and, unless it is a public suffix, its subdomains. */
  private readonly domains: Index = new Map();
  private readonly publicSuffixCache = new Map<string, boolean>();
  /** Last two labels of every domain indicator. */
  private readonly domainTails = new Set<string>();
  private readonly ipv4: Index = new Map();
  private readonly ipv6: Index = new Map();
  /** Address ranges by prefix length: network number (IPv4) or masked hex digits (IPv6). */
  private readonly ipv4Ranges = new Map<number, Map<number, IndicatorRef[]>>();
  private readonly ipv6Ranges = new Map<number, Map<string, IndicatorRef[]>>();
  private readonly ja3s: Index = new Map();
  private readonly ja4s: Index = new Map();
  private readonly tlsCerts: Index = new Map();
  private readonly urls: Index = new Map();
  /** Hosts of URL indicators: the full URL parse is only worth doing for these. */
  private readonly urlHosts = new Set<string>();
  private readonly emails: Index = new Map();
  private readonly processes: Index = new Map();
  private readonly processPrefix15: Index = new Map();
  private readonly processPrefix16: Index = new Map();
  private readonly filePaths: Index = new Map();
  private readonly fileNames: Index = new Map();
  private readonly hashes: Index = new Map();
  private readonly appIds: Index = new Map();
  private readonly certHashes: Index = new Map();
  private readonly properties: Index = new Map();
  private readonly profiles: Index = new Map();

  constructor(sets: LoadedSet[]) {
    this.sets = sets.map((s) => s.info);
    // One indicator per set name: a publication's STIX file and its plain lists (or two copies
    // of one set) repeat the same values, and one finding should not be reported twice.
    const seenByName = new Map<string, Set<string>>();
    for (const s of sets) {
      let seen = seenByName.get(s.info.name);
      if (!seen) seenByName.set(s.info.name, (seen = new Set<string>()));
      for (const ind of s.indicators) {
        const key = ind.key ?? normalizeIndicator(ind.type, ind.value);
        if (key === null) continue;
        const dedupe = ind.type + "\0" + key;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const ref: IndicatorRef = { value: ind.value, type: ind.type, set: s.info };
        if (ind.id) ref.id = ind.id;
        this.index(ref, key);
        this.counts.set(ind.type, (this.counts.get(ind.type) ?? 0) + 1);
      }
    }
  }

  private index(ref: IndicatorRef, key: string): void {
    switch (ref.type) {
      case "domain": {
        add(this.domains, key, ref);
        const last = key.lastIndexOf(".");
        const prev = key.lastIndexOf(".", last - 1);
        this.domainTails.add(prev < 0 ? key : key.slice(prev + 1));
        break;
      }
      case "ipv4":
      case "ipv6": {
        const slash = key.indexOf("/");
        if (slash < 0) return add(ref.type === "ipv4" ? this.ipv4 : this.ipv6, key, ref);
        const prefix = Number(key.slice(slash + 1));
        if (ref.type === "ipv4") {
          let m = this.ipv4Ranges.get(prefix);
          if (!m) this.ipv4Ranges.set(prefix, (m = new Map()));
          add(m, ipv4Number(key.slice(0, slash)), ref);
        } else {
          let m = this.ipv6Ranges.get(prefix);
          if (!m) this.ipv6Ranges.set(prefix, (m = new Map()));
          add(m, maskHex(ipv6Hex(key.slice(0, slash)), prefix), ref);
        }
        break;
      }
      case "ja3":
        return add(this.ja3s, key, ref);
      case "ja4":
        return add(this.ja4s, key, ref);
      case "tls_cert_hash":
        return add(this.tlsCerts, key, ref);
      case "url": {
        add(this.urls, key, ref);
        const host = parseUrl(ref.value)?.host;
        if (host) this.urlHosts.add(host);
        break;
      }
      case "email":
        return add(this.emails, key, ref);
      case "process":
        add(this.processes, key, ref);
        if (key.length > 15) add(this.processPrefix15, key.slice(0, 15), ref);
        if (key.length > 16) add(this.processPrefix16, key.slice(0, 16), ref);
        break;
      case "file_path":
        return add(this.filePaths, key, ref);
      case "file_name":
        return add(this.fileNames, key, ref);
      case "sha256":
      case "sha1":
      case "md5":
        return add(this.hashes, key, ref);
      case "app_id":
        return add(this.appIds, key, ref);
      case "app_cert_hash":
        return add(this.certHashes, key, ref);
      case "android_property":
        return add(this.properties, key, ref);
      case "configuration_profile":
        return add(this.profiles, key, ref);
    }
  }

  private isPublicSuffix(d: string): boolean {
    let v = this.publicSuffixCache.get(d);
    if (v === undefined) {
      const p = parseDomain(d, PSL_OPTS);
      v = p.isIcann === true && p.publicSuffix === d;
      this.publicSuffixCache.set(d, v);
    }
    return v;
  }

  count(kind?: IndicatorKind): number {
    if (kind) return this.counts.get(kind) ?? 0;
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  domain(host: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof host !== "string" || host.length === 0) return out;
    // Hot path: a plain lowercase host name, checked by one scan without regexes or copies.
    const plain = plainHost(host);
    if (plain === 1) {
      this.domainInto(host, out);
      return out;
    }
    if (plain === 2) {
      this.domainInto(host.toLowerCase(), out);
      return out;
    }
    let h = host.trim().toLowerCase();
    // A URL given where a host was expected: check it as one rather than miss it.
    if (h.includes("/") && !h.startsWith("/")) return this.url(host);
    const colon = h.indexOf(":");
    if (colon >= 0) {
      // Two colons or more: IPv6. One: a port to drop.
      if (h.indexOf(":", colon + 1) >= 0) return this.ip(h);
      h = h.slice(0, colon);
    }
    if (h.startsWith("[") || h.startsWith("/") || lastLabelNumeric(h)) return this.ip(host);
    if (h.endsWith(".")) h = h.slice(0, -1);
    if (!FAST_HOST.test(h)) {
      const n = hostKey(h);
      if (n === null) return out;
      h = n;
    }
    this.domainInto(h, out);
    return out;
  }

  /** `h` is already a canonical host name. */
  private domainInto(h: string, out: IndicatorMatch[]): void {
    if (this.domains.size === 0) return;
    // Every indicator has at least two labels, so a host whose last two labels end no
    // indicator cannot match: one lookup settles most hosts of ordinary traffic.
    const last = h.lastIndexOf(".");
    if (last <= 0) return;
    const prev = h.lastIndexOf(".", last - 1);
    if (!this.domainTails.has(prev < 0 ? h : h.slice(prev + 1))) return;
    push(out, this.domains.get(h), h);
    let dot = h.indexOf(".");
    while (dot >= 0) {
      const parent = h.slice(dot + 1);
      const refs = this.domains.get(parent);
      // A bare public suffix ("co.uk") as an indicator would flag every site under it: it
      // matches only itself. Asked of tldts only on a hit, so loading stays cheap.
      if (refs && !this.isPublicSuffix(parent)) push(out, refs, h);
      dot = h.indexOf(".", dot + 1);
    }
  }

  url(url: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof url !== "string" || url.length === 0) return out;
    // A link padded past what parseUrl reads (a long path or query) keeps its host: it is
    // checked from the scheme and authority alone.
    if (url.length > MAX_URL_LENGTH) {
      const head = URL_HEAD.exec(url.trimStart());
      return head && head[0].length <= MAX_URL_LENGTH ? this.url(head[0]) : out;
    }
    const u = url.length < 2048 ? (isSpace(url.charCodeAt(0)) || isSpace(url.charCodeAt(url.length - 1)) ? url.trim() : url) : "";
    const m = FAST_URL.exec(u) ?? (u.includes("://") ? null : FAST_URL.exec("//" + u));
    if (m) {
      let host = m[1]!.toLowerCase();
      if (host.endsWith(".")) host = host.slice(0, -1);
      if (!lastLabelNumeric(host)) {
        this.domainInto(host, out);
        if (this.urlHosts.has(host)) this.urlKeyInto(url, out);
        return out;
      }
    }
    const p = parseUrl(url);
    if (!p || !p.host) return out;
    if (this.urls.size > 0) push(out, this.urls.get(p.key), url);
    if (p.host.includes(":") || /^\d+\.\d+\.\d+\.\d+$/.test(p.host)) {
      for (const x of this.ip(p.host)) out.push(x);
    } else {
      this.domainInto(p.host, out);
    }
    return out;
  }

  private urlKeyInto(url: string, out: IndicatorMatch[]): void {
    const p = parseUrl(url);
    if (p) push(out, this.urls.get(p.key), url);
  }

  urlsInText(text: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof text !== "string" || text.length === 0) return out;
    if (this.domains.size === 0 && this.urls.size === 0 && this.ipv4.size === 0 && this.ipv6.size === 0 && this.ipv4Ranges.size === 0 && this.ipv6Ranges.size === 0) return out;
    const seen = new Set<IndicatorRef>();
    TEXT_URL.lastIndex = 0;
    for (let m = TEXT_URL.exec(text); m !== null; m = TEXT_URL.exec(text)) {
      const token = trimEndOf(m[0], TRAILING_PUNCT);
      for (const x of this.url(token)) {
        if (seen.has(x.indicator)) continue;
        seen.add(x.indicator);
        out.push(x);
      }
    }
    return out;
  }

  ip(ip: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof ip !== "string" || ip.length === 0) return out;
    const v4 = normalizeIpv4(ip);
    if (v4 !== null) {
      push(out, this.ipv4.get(v4), v4);
      this.v4RangesInto(v4, v4, out);
      return out;
    }
    const v6 = normalizeIpv6(ip);
    if (v6 !== null) {
      push(out, this.ipv6.get(v6), v6);
      if (this.ipv6Ranges.size) {
        const hex = ipv6Hex(v6);
        for (const [prefix, nets] of this.ipv6Ranges) push(out, nets.get(maskHex(hex, prefix)), v6);
      }
      const mapped = mappedIpv4(v6);
      if (mapped) {
        push(out, this.ipv4.get(mapped), v6);
        this.v4RangesInto(mapped, v6, out);
      }
    }
    return out;
  }

  private v4RangesInto(v4: string, matched: string, out: IndicatorMatch[]): void {
    if (this.ipv4Ranges.size === 0) return;
    const n = ipv4Number(v4);
    for (const [prefix, nets] of this.ipv4Ranges) push(out, nets.get(prefix === 0 ? 0 : (n & (~0 << (32 - prefix))) >>> 0), matched);
  }

  ja3(hash: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof hash !== "string" || this.ja3s.size === 0) return out;
    const h = normalizeJa3(hash);
    if (h !== null) push(out, this.ja3s.get(h), h);
    return out;
  }

  ja4(fingerprint: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof fingerprint !== "string" || this.ja4s.size === 0) return out;
    const f = normalizeJa4(fingerprint);
    if (f !== null) push(out, this.ja4s.get(f), f);
    return out;
  }

  tlsCertHash(hex: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof hex !== "string" || this.tlsCerts.size === 0) return out;
    const h = normalizeCertHash(hex);
    if (h !== null) push(out, this.tlsCerts.get(h), h);
    return out;
  }

  email(address: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof address !== "string" || this.emails.size === 0) return out;
    const e = normalizeEmail(address);
    if (e !== null) push(out, this.emails.get(e), e);
    return out;
  }

  process(name: string, opts?: { maybeTruncated?: boolean }): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof name !== "string" || name.length === 0) return out;
    let n = name.trim();
    // A full executable path ("/system/bin/bh", "/private/var/tmp/x"): the name is its last part.
    const slash = n.lastIndexOf("/");
    if (slash >= 0 && slash < n.length - 1 && !this.processes.has(n)) n = n.slice(slash + 1);
    push(out, this.processes.get(n), n);
    if (opts?.maybeTruncated) {
      if (n.length === 15) push(out, this.processPrefix15.get(n), n, true);
      else if (n.length === 16) push(out, this.processPrefix16.get(n), n, true);
    }
    return out;
  }

  filePath(path: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof path !== "string" || this.filePaths.size === 0) return out;
    const p = normalizePath(path);
    if (p === null) return out;
    push(out, this.filePaths.get(p), path);
    for (let slash = p.lastIndexOf("/"); slash > 0; slash = p.lastIndexOf("/", slash - 1)) {
      push(out, this.filePaths.get(p.slice(0, slash)), path);
    }
    return out;
  }

  fileName(name: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof name !== "string" || this.fileNames.size === 0) return out;
    const n = name.trim();
    push(out, this.fileNames.get(n), n);
    const slash = n.lastIndexOf("/");
    if (slash >= 0 && slash < n.length - 1) push(out, this.fileNames.get(n.slice(slash + 1)), n);
    return out;
  }

  hash(hex: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof hex !== "string") return out;
    const h = normalizeHash(hex);
    if (h !== null) push(out, this.hashes.get(h), h);
    return out;
  }

  appId(id: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof id !== "string") return out;
    const v = id.trim();
    push(out, this.appIds.get(v), v);
    return out;
  }

  appCertHash(hex: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof hex !== "string") return out;
    const h = normalizeCertHash(hex);
    if (h !== null) push(out, this.certHashes.get(h), h);
    return out;
  }

  androidProperty(name: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof name !== "string") return out;
    const v = name.trim();
    push(out, this.properties.get(v), v);
    return out;
  }

  configurationProfile(id: string): IndicatorMatch[] {
    const out: IndicatorMatch[] = [];
    if (typeof id !== "string") return out;
    const v = id.trim();
    push(out, this.profiles.get(v), v);
    return out;
  }
}

const FAST_HOST = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/**
 * 1: a lowercase host name of [a-z0-9_-] labels whose last label is not numeric (no IPv4, no
 * port, no trailing dot); 2: the same with uppercase letters; 0: anything else.
 */
function plainHost(h: string): 0 | 1 | 2 {
  let upper = false;
  let labelStart = true;
  let labelDigitsOnly = true;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c === 46) {
      if (labelStart) return 0;
      labelStart = true;
      labelDigitsOnly = true;
      continue;
    }
    labelStart = false;
    if (c >= 97 && c <= 122) labelDigitsOnly = false;
    else if (c >= 65 && c <= 90) {
      labelDigitsOnly = false;
      upper = true;
    } else if (c === 45 || c === 95) labelDigitsOnly = false;
    else if (c < 48 || c > 57) return 0;
  }
  if (labelStart || labelDigitsOnly) return 0;
  return upper ? 2 : 1;
}

const sources = new WeakMap<Matcher, LoadedSet[]>();

export function buildMatcher(sets: LoadedSet[]): Matcher {
  const m = new IndexMatcher(sets);
  sources.set(m, sets);
  return m;
}

/** The sets a matcher was built from, to build the same matcher in a worker thread. */
export function matcherSources(m: Matcher): LoadedSet[] | undefined {
  return sources.get(m);
}

/** Counts per kind of a set's valid, distinct indicators (what the matcher will hold). */
export function countIndicators(indicators: Indicator[]): Partial<Record<IndicatorKind, number>> {
  const seen = new Set<string>();
  const counts: Partial<Record<IndicatorKind, number>> = {};
  for (const ind of indicators) {
    const key = ind.key ?? normalizeIndicator(ind.type, ind.value);
    if (key === null) continue;
    const k = ind.type + "\0" + key;
    if (seen.has(k)) continue;
    seen.add(k);
    counts[ind.type] = (counts[ind.type] ?? 0) + 1;
  }
  return counts;
}

/** A one-set matcher for tests: `matcherFromValues({ domain: ["evil.com"] }, "Test set")`. */
export function matcherFromValues(values: Partial<Record<IndicatorKind, string[]>>, setName = "test"): Matcher {
  const indicators: Indicator[] = [];
  for (const kind of INDICATOR_KINDS) {
    for (const value of values[kind] ?? []) indicators.push({ type: kind, value });
  }
  const info: IocSetInfo = {
    name: setName,
    source: "memory",
    file: `${setName}.stix2`,
    sha256: "",
    loadedAt: new Date(0).toISOString(),
    counts: countIndicators(indicators),
  };
  return buildMatcher([{ info, indicators }]);
}

/** The registrable domain ("a.b.evil.co.uk" → "evil.co.uk"), for reports; null for IPs and junk. */
export function registrableDomain(host: string): string | null {
  return getDomain(host, { allowPrivateDomains: true });
}
