// Helpers shared by the iOS browser and web-data modules: indicator checks memoised per URL row
// for big history tables, and decoding of WebKit's per-origin storage names and "origin" files.
import { getDomain } from "tldts";
import type { ArtifactSpec, FileEntry } from "../../../acquisitions/view.ts";
import type { ModuleContext } from "../../contract.ts";
import { fromMatches } from "../../../core/detection.ts";
import type { DetectionInput, IndicatorMatch, Message } from "../../../core/model.ts";
import { describeError } from "../../../core/errors.ts";
import type { Matcher } from "../../../indicators/matcher-api.ts";
import { withFile } from "../../lib/each-file.ts";
import { msg } from "../../../core/i18n/index.ts";

/** A file of every Chrome for iOS profile ("History", "Favicons"), for the chrome_* modules. */
export function chromeProfileFile(name: string): ArtifactSpec {
  const rel = `Library/Application Support/Google/Chrome/*/${name}`;
  return {
    backup: [{ domain: "AppDomain-com.google.chrome.ios", path: rel }],
    fs: [`private/var/mobile/Containers/Data/Application/*/${rel}`],
  };
}

/**
 * Host of an http(s) URL without building a WHATWG URL (used for the registrable domains of
 * redirect pairs). Returns undefined for anything that is not a plain ASCII http(s) URL; the
 * WHATWG parser handles those.
 */
export function fastHost(url: string): string | undefined {
  let i: number;
  const c0 = url.charCodeAt(0) | 0x20;
  if (c0 !== 0x68 /* h */) return undefined;
  const lower = url.length > 8 ? url.slice(0, 8).toLowerCase() : url.toLowerCase();
  if (lower.startsWith("https://")) i = 8;
  else if (lower.startsWith("http://")) i = 7;
  else return undefined;
  let end = url.length;
  for (let j = i; j < url.length; j++) {
    const c = url.charCodeAt(j);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x5c /* \ */) {
      end = j;
      break;
    }
  }
  let host = url.slice(i, end);
  const at = host.lastIndexOf("@");
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    return close > 0 ? host.slice(0, close + 1).toLowerCase() : undefined;
  }
  const colon = host.indexOf(":");
  if (colon >= 0) host = host.slice(0, colon);
  // Percent-escapes or non-ASCII hosts need the WHATWG parser's IDNA handling.
  for (let j = 0; j < host.length; j++) {
    const c = host.charCodeAt(j);
    if (c > 0x7e || c === 0x25 || c <= 0x20) return undefined;
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host ? host.toLowerCase() : undefined;
}

const NONE: IndicatorMatch[] = [];
const CACHE_LIMIT = 200_000;

/**
 * Indicator checks with memoisation where it pays. The matcher's URL check is already a couple
 * of Map lookups, as fast as hashing the URL again, so URLs are not cached by string; history
 * tables, though, repeat the same URL row for every visit, and an integer row id is a much
 * cheaper key. Caches are dropped when they grow past a bound so memory stays flat.
 */
export class CachedChecks {
  private readonly byId = new Map<string, Map<number, IndicatorMatch[]>>();
  private readonly byHost = new Map<string, IndicatorMatch[]>();
  private readonly regDomain = new Map<string, string>();

  constructor(private readonly iocs: Matcher) {}

  /** Same answer as iocs.url(url). */
  url(url: string | null | undefined): IndicatorMatch[] {
    return url ? this.iocs.url(url) : NONE;
  }

  /** iocs.url(url) for the URL row `id` of the database `scope`, computed once per row. */
  urlById(scope: string, id: number, url: string | null | undefined): IndicatorMatch[] {
    let rows = this.byId.get(scope);
    if (!rows) {
      rows = new Map();
      this.byId.set(scope, rows);
    }
    let m = rows.get(id);
    if (m === undefined) {
      if (rows.size >= CACHE_LIMIT) rows.clear();
      m = this.url(url);
      if (!m.length) m = NONE;
      rows.set(id, m);
    }
    return m;
  }

  /** A host or domain name (or an IP literal) against domain and IP indicators. */
  host(host: string | null | undefined): IndicatorMatch[] {
    if (!host) return NONE;
    let m = this.byHost.get(host);
    if (m === undefined) {
      if (this.byHost.size >= CACHE_LIMIT) this.byHost.clear();
      // Numeric last labels ("10.1", "0x7f.1") may be IPv4 in a form only the URL parser
      // canonicalises, so they take the matcher's full URL path.
      m = isIpLiteral(host) ? this.iocs.ip(host) : NUMERIC_LAST_LABEL.test(host) ? this.iocs.url(`http://${host}/`) : this.iocs.domain(host);
      this.byHost.set(host, m.length ? m : NONE);
    }
    return m;
  }

  /** Registrable domain ("news.example.co.uk" → "example.co.uk"); the host itself for IPs. */
  registrableDomain(url: string | null | undefined): string {
    if (!url) return "";
    const host = fastHost(url) ?? slowHost(url);
    if (!host) return "";
    let d = this.regDomain.get(host);
    if (d === undefined) {
      if (this.regDomain.size >= CACHE_LIMIT) this.regDomain.clear();
      d = getDomain(host, { allowPrivateDomains: true }) ?? host;
      this.regDomain.set(host, d);
    }
    return d;
  }
}

function slowHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/i;
function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || host.startsWith("[") || host.includes(":");
}

/**
 * WebKit names per-origin storage folders and files "<scheme>_<host>_<port>" (port 0 for the
 * default), e.g. "https_www.example.com_0" or "https_example.com_0.localstorage". Returns the
 * origin as a URL ("https://www.example.com", with ":port" when not default), or undefined for
 * names that are not origins.
 */
export function originFromWebKitName(name: string): string | undefined {
  const m = /^(https?|wss?|file)_(.+?)_(\d+)(?:\.localstorage(?:-shm|-wal|-journal)?)?$/i.exec(name);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  const host = m[2];
  if (!host || host.includes("/")) return undefined;
  const port = m[3] === "0" ? "" : `:${m[3]}`;
  return `${scheme}://${host}${port}`;
}

/**
 * The WebKit origins named by the components of a path below `marker` (the WebsiteData folder or
 * one of its storage folders). A third-party IndexedDB database sits under two origin folders
 * (top frame, then frame); both are returned, top frame first.
 */
export function originsInPath(path: string, marker: string): { folder: string; url: string }[] {
  const at = path.indexOf(marker);
  if (at < 0) return [];
  const start = at + marker.length;
  const parts = path.slice(start).split("/");
  const out: { folder: string; url: string }[] = [];
  let folder = path.slice(0, start).replace(/\/$/, "");
  for (const part of parts) {
    if (!part) continue;
    const origin = originFromWebKitName(part);
    if (origin) out.push({ folder, url: origin });
    folder = `${folder}/${part}`;
  }
  return out;
}

const checksByRun = new WeakMap<ModuleContext, CachedChecks>();
/**
 * One cache per module run (the context object lives exactly as long as the run): row ids are
 * only meaningful inside the databases of this acquisition.
 */
export function cachedChecks(ctx: ModuleContext): CachedChecks {
  let c = checksByRun.get(ctx);
  if (!c) {
    c = new CachedChecks(ctx.iocs);
    checksByRun.set(ctx, c);
  }
  return c;
}

/** Detection title, e.g. "Known Pegasus domain visited in Safari: evil.example". */
export function seenTitle(what: Message, m: IndicatorMatch): Message {
  return msg("det.web.seen", { set: m.indicator.set.name, type: msg(`ind.type.${m.indicator.type}`), what, value: m.matched });
}

/** One web origin that has storage (IndexedDB, LocalStorage...) in a WebKit data folder. */
export interface WebKitOriginRecord {
  /** The storage folder holding the origin's folder or file. */
  folder: string;
  /** The origin, as a URL ("https://www.example.com"). */
  url: string;
  /** The top-level page's origin, when the data was stored by a third-party frame. */
  top_origin?: string;
  /** Latest modification time of the origin's files, when the acquisition records it. */
  timestamp?: string;
  /** MVT's name for the same time (timestamp), as MVT's records carry it; null when unknown. */
  isodate: string | null;
}

/**
 * Reads the "origin" file WebKit (iOS 16 and later) keeps in each per-origin folder of
 * WebsiteData/Default/<salted hash>/<salted hash>/: a WTF::Persistence encoding of the top-level
 * origin then the frame's origin, each as protocol string, host string, optional port. Strings
 * are a uint32 length (0xFFFFFFFF for null), an is-8-bit flag, then Latin-1 or UTF-16LE text.
 * Returns undefined when the bytes do not decode as exactly that.
 */
export function parseWebKitOriginFile(buf: Buffer): { top: string; client: string } | undefined {
  let pos = 0;
  const need = (n: number) => pos + n <= buf.length;
  const str = (): string | undefined => {
    if (!need(4)) return undefined;
    const len = buf.readUInt32LE(pos);
    pos += 4;
    if (len === 0xffffffff) return undefined;
    if (!need(1)) return undefined;
    const is8 = buf[pos++];
    if (is8 > 1 || len > 4096) return undefined;
    const bytes = is8 ? len : len * 2;
    if (!need(bytes)) return undefined;
    const out = buf.toString(is8 ? "latin1" : "utf16le", pos, pos + bytes);
    pos += bytes;
    return out;
  };
  const origin = (): string | undefined => {
    const protocol = str();
    const host = str();
    if (protocol === undefined || host === undefined || !/^[a-z][a-z0-9+.-]*$/i.test(protocol)) return undefined;
    if (!need(1)) return undefined;
    const hasPort = buf[pos++];
    if (hasPort > 1) return undefined;
    let port = "";
    if (hasPort) {
      if (!need(2)) return undefined;
      port = `:${buf.readUInt16LE(pos)}`;
      pos += 2;
    }
    return `${protocol.toLowerCase()}://${host}${port}`;
  };
  const top = origin();
  const client = top && origin();
  if (!top || !client) return undefined;
  return { top, client };
}

const DEFAULT_LAYOUT = /^(.*\/WebsiteData\/Default\/[^/]+\/[^/]+)\/(.+)$/;

/** Where WebKit keeps one kind of website data ("IndexedDB", "LocalStorage") in every app. */
export function webKitStorageReads(store: "IndexedDB" | "LocalStorage"): ArtifactSpec {
  return {
    backup: [
      { domain: "AppDomain*", path: `Library/WebKit/WebsiteData/${store}/**` },
      { domain: "AppDomain*", path: `Library/WebKit/WebsiteData/Default/*/*/${store}/**` },
      { domain: "AppDomain*", path: "Library/WebKit/WebsiteData/Default/*/*/origin" },
    ],
    fs: [
      `private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/${store}/**`,
      `private/var/mobile/Library/WebKit/WebsiteData/${store}/**`,
      // iOS 16+: per-origin folders named by salted hashes, each with an "origin" file
      `private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/${store}/**`,
      "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/origin",
    ],
  };
}

/**
 * Origins that have storage below `markers` (path fragments ending with "/"), one record per
 * (folder, origin). Two layouts exist:
 * - up to iOS 15, folders and files named after the origin ("https_example.com_0"); the names
 *   are enough and nothing is read;
 * - from iOS 16, WebsiteData/Default/<hash>/<hash>/ folders holding an "origin" file and one
 *   subfolder per storage type; `kinds` names the subfolders that count ("IndexedDB"...), or
 *   undefined for any.
 * A bad "origin" file is a warning, not a failure: the other origins are still checked.
 */
export async function* webKitOrigins(ctx: ModuleContext, markers: string[], kinds?: string[]): AsyncGenerator<WebKitOriginRecord> {
  const found = new Map<string, Omit<WebKitOriginRecord, "isodate">>();
  const originFiles = new Map<string, FileEntry>();
  const storageDirs = new Map<string, string | undefined>();
  const later = (a: string | undefined, b: string | undefined) => (a && (!b || a > b) ? a : b);
  for (const file of ctx.files) {
    const d = DEFAULT_LAYOUT.exec(file.path);
    if (d) {
      const [, dir, rest] = d;
      if (rest === "origin") originFiles.set(dir, file);
      else if (!kinds || kinds.some((k) => rest.startsWith(`${k}/`))) storageDirs.set(dir, later(file.modified, storageDirs.get(dir)));
      continue;
    }
    for (const marker of markers) {
      const origins = originsInPath(file.path, marker);
      for (const o of origins) {
        const key = `${o.folder}\0${o.url}`;
        const prev = found.get(key);
        if (!prev) found.set(key, { folder: o.folder, url: o.url, timestamp: file.modified });
        else prev.timestamp = later(file.modified, prev.timestamp);
      }
      if (origins.length) break;
    }
  }
  for (const r of found.values()) yield { ...r, isodate: r.timestamp ?? null };
  for (const [dir, modified] of storageDirs) {
    const file = originFiles.get(dir);
    if (!file) continue;
    let parsed: { top: string; client: string } | undefined;
    try {
      parsed = parseWebKitOriginFile(await ctx.view.readFile(file));
    } catch (e) {
      ctx.warn(describeError(withFile(e, file.path)));
      continue;
    }
    if (!parsed) {
      ctx.warn(`${file.path}: not a WebKit origin file`);
      continue;
    }
    const rec: WebKitOriginRecord = { folder: dir, url: parsed.client, timestamp: modified, isodate: modified ?? null };
    if (parsed.top !== parsed.client) rec.top_origin = parsed.top;
    yield rec;
  }
}

export function checkWebKitOrigin(r: WebKitOriginRecord, ctx: ModuleContext, what: Message): DetectionInput[] {
  const checks = cachedChecks(ctx);
  let hits = checks.url(r.url);
  // A third-party frame's data is also evidence the top-level page was loaded.
  if (r.top_origin) hits = hits.concat(checks.url(r.top_origin));
  if (!hits.length) return [];
  return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.folder });
}
