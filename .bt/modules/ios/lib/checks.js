import { fromMatches } from "../../../core/module.js";
const netCounts = /* @__PURE__ */ new WeakMap();
function hasNetworkIndicators(iocs) {
  let v = netCounts.get(iocs);
  if (v === void 0) {
    v = iocs.count("domain") + iocs.count("url") + iocs.count("ipv4") + iocs.count("ipv6") > 0;
    netCounts.set(iocs, v);
  }
  return v;
}
const MAYBE_HOST = /[\p{L}\p{N}_-]\.[\p{L}\p{N}]|:\/\//u;
const MENTION_WHY = "The domain is written in the text without being a link the device was sent; it may only be mentioned.";
function checkLinksAndText(iocs, links, texts, opts) {
  if (!hasNetworkIndicators(iocs)) return NONE;
  let textHits;
  for (const t of texts) {
    if (!t || !MAYBE_HOST.test(t)) continue;
    const ms = iocs.urlsInText(t);
    if (ms.length) (textHits ??= []).push(ms);
  }
  if (!textHits && (links.length === 0 || opts.linksFromTexts && !hasUrlIndicators(iocs))) return NONE;
  let out;
  const seen = /* @__PURE__ */ new Set();
  for (const link of links) {
    const ms = iocs.url(link);
    if (!ms.length) continue;
    const fresh = dedupe(ms, seen);
    if (fresh.length) (out ??= []).push(...fromMatches(fresh, { grade: opts.grade, title: (m) => opts.title + m.matched, why: opts.why, timestamp: opts.timestamp, artifact: opts.artifact }));
  }
  for (const ms of textHits ?? []) {
    const fresh = dedupe(ms, seen);
    if (fresh.length) {
      (out ??= []).push(
        ...fromMatches(fresh, { grade: "weak", title: (m) => opts.mentionTitle + m.matched, why: MENTION_WHY, timestamp: opts.timestamp, artifact: opts.artifact })
      );
    }
  }
  return out ?? NONE;
}
const urlCounts = /* @__PURE__ */ new WeakMap();
function hasUrlIndicators(iocs) {
  let v = urlCounts.get(iocs);
  if (v === void 0) {
    v = iocs.count("url") > 0;
    urlCounts.set(iocs, v);
  }
  return v;
}
const NONE = Object.freeze([]);
function dedupe(ms, seen) {
  const out = [];
  for (const m of ms) {
    const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.sha256}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(m);
  }
  return out;
}
function present(h, table, wanted) {
  const have = h.columns(table);
  return wanted.filter((c) => have.has(c));
}
function asText(v) {
  if (v === null || v === void 0) return null;
  if (typeof v === "string") return v;
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  return String(v);
}
export {
  asText,
  checkLinksAndText,
  hasNetworkIndicators,
  present
};
