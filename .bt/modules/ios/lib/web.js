import { getDomain } from "tldts";
import { fromMatches } from "../../../core/module.js";
import { VigilError, describeError } from "../../../core/errors.js";
async function* eachFile(ctx, perFile) {
  let firstError;
  let ok = 0;
  for (const file of ctx.files) {
    try {
      const rows = await perFile(file);
      for (const r of rows) yield r;
      ok++;
    } catch (e) {
      firstError ??= e;
      if (ctx.files.length > 1) ctx.warn(describeError(withFile(e, file.path)));
    }
  }
  if (ok === 0 && firstError !== void 0) throw withFile(firstError, ctx.files[0]?.path);
}
function withFile(e, file) {
  if (e instanceof VigilError || !file) return e;
  return new VigilError(describeError(e), { file, cause: e });
}
async function sqliteRows(ctx, file, fn) {
  const h = await ctx.view.openSqlite(file);
  try {
    h.db.pragma("mmap_size = 268435456");
  } catch {
  }
  return (function* () {
    try {
      try {
        yield* fn(h);
      } catch (e) {
        if (e instanceof VigilError) throw e;
        throw new VigilError(`cannot read database: ${describeError(e)}`, { file: file.path, code: "sqlite", cause: e });
      }
    } finally {
      h.close();
    }
  })();
}
function fastHost(url) {
  let i;
  const c0 = url.charCodeAt(0) | 32;
  if (c0 !== 104) return void 0;
  const lower = url.length > 8 ? url.slice(0, 8).toLowerCase() : url.toLowerCase();
  if (lower.startsWith("https://")) i = 8;
  else if (lower.startsWith("http://")) i = 7;
  else return void 0;
  let end = url.length;
  for (let j = i; j < url.length; j++) {
    const c = url.charCodeAt(j);
    if (c === 47 || c === 63 || c === 35 || c === 92) {
      end = j;
      break;
    }
  }
  let host = url.slice(i, end);
  const at = host.lastIndexOf("@");
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    return close > 0 ? host.slice(0, close + 1).toLowerCase() : void 0;
  }
  const colon = host.indexOf(":");
  if (colon >= 0) host = host.slice(0, colon);
  for (let j = 0; j < host.length; j++) {
    const c = host.charCodeAt(j);
    if (c > 126 || c === 37 || c <= 32) return void 0;
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host ? host.toLowerCase() : void 0;
}
const NONE = [];
const CACHE_LIMIT = 2e5;
class CachedChecks {
  constructor(iocs) {
    this.iocs = iocs;
  }
  iocs;
  byId = /* @__PURE__ */ new Map();
  byHost = /* @__PURE__ */ new Map();
  regDomain = /* @__PURE__ */ new Map();
  /** Same answer as iocs.url(url). */
  url(url) {
    return url ? this.iocs.url(url) : NONE;
  }
  /** iocs.url(url) for the URL row `id` of the database `scope`, computed once per row. */
  urlById(scope, id, url) {
    let rows = this.byId.get(scope);
    if (!rows) {
      rows = /* @__PURE__ */ new Map();
      this.byId.set(scope, rows);
    }
    let m = rows.get(id);
    if (m === void 0) {
      if (rows.size >= CACHE_LIMIT) rows.clear();
      m = this.url(url);
      if (!m.length) m = NONE;
      rows.set(id, m);
    }
    return m;
  }
  /** A host or domain name (or an IP literal) against domain and IP indicators. */
  host(host) {
    if (!host) return NONE;
    let m = this.byHost.get(host);
    if (m === void 0) {
      if (this.byHost.size >= CACHE_LIMIT) this.byHost.clear();
      m = isIpLiteral(host) ? this.iocs.ip(host) : NUMERIC_LAST_LABEL.test(host) ? this.iocs.url(`http://${host}/`) : this.iocs.domain(host);
      this.byHost.set(host, m.length ? m : NONE);
    }
    return m;
  }
  /** Registrable domain ("news.example.co.uk" → "example.co.uk"); the host itself for IPs. */
  registrableDomain(url) {
    if (!url) return "";
    const host = fastHost(url) ?? slowHost(url);
    if (!host) return "";
    let d = this.regDomain.get(host);
    if (d === void 0) {
      if (this.regDomain.size >= CACHE_LIMIT) this.regDomain.clear();
      d = getDomain(host, { allowPrivateDomains: true }) ?? host;
      this.regDomain.set(host, d);
    }
    return d;
  }
}
function slowHost(url) {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase() || void 0;
  } catch {
    return void 0;
  }
}
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/i;
function isIpLiteral(host) {
  return IPV4.test(host) || host.startsWith("[") || host.includes(":");
}
function originFromWebKitName(name) {
  const m = /^(https?|wss?|file)_(.+?)_(\d+)(?:\.localstorage(?:-shm|-wal|-journal)?)?$/i.exec(name);
  if (!m) return void 0;
  const scheme = m[1].toLowerCase();
  const host = m[2];
  if (!host || host.includes("/")) return void 0;
  const port = m[3] === "0" ? "" : `:${m[3]}`;
  return `${scheme}://${host}${port}`;
}
function originsInPath(path, marker) {
  const at = path.indexOf(marker);
  if (at < 0) return [];
  const start = at + marker.length;
  const parts = path.slice(start).split("/");
  const out = [];
  let folder = path.slice(0, start).replace(/\/$/, "");
  for (const part of parts) {
    if (!part) continue;
    const origin = originFromWebKitName(part);
    if (origin) out.push({ folder, url: origin });
    folder = `${folder}/${part}`;
  }
  return out;
}
const checksByRun = /* @__PURE__ */ new WeakMap();
function cachedChecks(ctx) {
  let c = checksByRun.get(ctx);
  if (!c) {
    c = new CachedChecks(ctx.iocs);
    checksByRun.set(ctx, c);
  }
  return c;
}
function seenTitle(what, m) {
  return `Known ${m.indicator.set.name} ${m.indicator.type} ${what}: ${m.matched}`;
}
function parseWebKitOriginFile(buf) {
  let pos = 0;
  const need = (n) => pos + n <= buf.length;
  const str = () => {
    if (!need(4)) return void 0;
    const len = buf.readUInt32LE(pos);
    pos += 4;
    if (len === 4294967295) return void 0;
    if (!need(1)) return void 0;
    const is8 = buf[pos++];
    if (is8 > 1 || len > 4096) return void 0;
    const bytes = is8 ? len : len * 2;
    if (!need(bytes)) return void 0;
    const out = buf.toString(is8 ? "latin1" : "utf16le", pos, pos + bytes);
    pos += bytes;
    return out;
  };
  const origin = () => {
    const protocol = str();
    const host = str();
    if (protocol === void 0 || host === void 0 || !/^[a-z][a-z0-9+.-]*$/i.test(protocol)) return void 0;
    if (!need(1)) return void 0;
    const hasPort = buf[pos++];
    if (hasPort > 1) return void 0;
    let port = "";
    if (hasPort) {
      if (!need(2)) return void 0;
      port = `:${buf.readUInt16LE(pos)}`;
      pos += 2;
    }
    return `${protocol.toLowerCase()}://${host}${port}`;
  };
  const top = origin();
  const client = top && origin();
  if (!top || !client) return void 0;
  return { top, client };
}
const DEFAULT_LAYOUT = /^(.*\/WebsiteData\/Default\/[^/]+\/[^/]+)\/(.+)$/;
function webKitStorageReads(store) {
  return {
    backup: [
      { domain: "AppDomain*", path: `Library/WebKit/WebsiteData/${store}/**` },
      { domain: "AppDomain*", path: `Library/WebKit/WebsiteData/Default/*/*/${store}/**` },
      { domain: "AppDomain*", path: "Library/WebKit/WebsiteData/Default/*/*/origin" }
    ],
    fs: [
      `private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/${store}/**`,
      `private/var/mobile/Library/WebKit/WebsiteData/${store}/**`,
      // iOS 16+: per-origin folders named by salted hashes, each with an "origin" file
      `private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/${store}/**`,
      "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/origin"
    ]
  };
}
async function* webKitOrigins(ctx, markers, kinds) {
  const found = /* @__PURE__ */ new Map();
  const originFiles = /* @__PURE__ */ new Map();
  const storageDirs = /* @__PURE__ */ new Map();
  const later = (a, b) => a && (!b || a > b) ? a : b;
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
  yield* found.values();
  for (const [dir, modified] of storageDirs) {
    const file = originFiles.get(dir);
    if (!file) continue;
    let parsed;
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
    const rec = { folder: dir, url: parsed.client, timestamp: modified };
    if (parsed.top !== parsed.client) rec.top_origin = parsed.top;
    yield rec;
  }
}
function checkWebKitOrigin(r, ctx, what) {
  const checks = cachedChecks(ctx);
  let hits = checks.url(r.url);
  if (r.top_origin) hits = hits.concat(checks.url(r.top_origin));
  if (!hits.length) return [];
  return fromMatches(hits, { grade: "medium", title: (m) => seenTitle(what, m), timestamp: r.timestamp, artifact: r.folder });
}
function* pagedRows(h, select, key, keyColumn, pageSize = 8192) {
  const stmt = h.db.prepare(`${select} ORDER BY ${key} LIMIT ?`).raw(true);
  let last = -Infinity;
  for (; ; ) {
    const rows = stmt.all(last, pageSize);
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1][keyColumn];
  }
}
export {
  CachedChecks,
  cachedChecks,
  checkWebKitOrigin,
  eachFile,
  fastHost,
  originFromWebKitName,
  originsInPath,
  pagedRows,
  parseWebKitOriginFile,
  seenTitle,
  sqliteRows,
  webKitOrigins,
  webKitStorageReads
};
