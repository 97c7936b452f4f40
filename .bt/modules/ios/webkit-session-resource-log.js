import { defineModule, fromMatches } from "../../core/module.js";
import { fromDate, fromUnixSeconds } from "../../core/time.js";
import { VigilError } from "../../core/errors.js";
import { parsePlist } from "../../formats/plist.js";
import { cachedChecks, eachFile } from "./lib/web.js";
const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";
function dict(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) ? v : void 0;
}
function domainList(item, ...keys) {
  const out = [];
  for (const key of keys) {
    const v = item[key];
    if (!Array.isArray(v)) continue;
    for (const e of v) {
      if (typeof e === "string") out.push(e);
      else {
        const o = dict(e);
        const d = o?.["domain"] ?? o?.["origin"];
        if (typeof d === "string") out.push(d);
      }
    }
  }
  return out;
}
function time(v) {
  if (v instanceof Date) return fromDate(v);
  if (typeof v === "number" && v > 0) return fromUnixSeconds(v);
  return void 0;
}
function parseResourceLog(data, file) {
  const root = parsePlist(data, file);
  const top = dict(root);
  if (!top) throw new VigilError("unexpected content: the plist is not a dictionary", { file, code: "plist" });
  const stats = top["browsingStatistics"];
  if (stats === void 0) return [];
  if (!Array.isArray(stats)) throw new VigilError("unexpected content: browsingStatistics is not an array", { file, code: "plist" });
  const out = [];
  for (const raw of stats) {
    const item = dict(raw);
    if (!item) continue;
    const origin = item["PrevalentResourceDomain"] ?? item["PrevalentResourceOrigin"];
    out.push({
      origin: typeof origin === "string" ? origin : "",
      redirect_source: domainList(item, "topFrameUniqueRedirectsFrom"),
      redirect_destination: domainList(item, "topFrameUniqueRedirectsTo"),
      subframe_under_origin: domainList(item, "subframeUnderTopFrameDomains", "subframeUnderTopFrameOrigins"),
      subresource_under_origin: domainList(item, "subresourceUnderTopFrameDomains", "subresourceUnderTopFrameOrigins"),
      user_interaction: typeof item["hadUserInteraction"] === "boolean" ? item["hadUserInteraction"] : void 0,
      most_recent_interaction: time(item["mostRecentUserInteraction"]),
      last_seen: time(item["lastSeen"]),
      file
    });
  }
  return out;
}
function redirectChain(e) {
  let s = "";
  if (e.redirect_source.length) s += `SOURCE: ${e.redirect_source.join(", ")} -> `;
  s += `ORIGIN: ${e.origin}`;
  if (e.redirect_destination.length) s += ` -> DESTINATION: ${e.redirect_destination.join(", ")}`;
  return s;
}
var webkit_session_resource_log_default = defineModule({
  name: "webkit_session_resource_log",
  title: "WebKit browsing session resource log",
  platform: "ios",
  description: "full_browsing_session_resourceLog.plist of Safari, SafariViewService and web clips: every domain of a redirect chain (source, origin, destination) and the frames and resources loaded under it are checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: REL }],
    fs: [
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist",
      `private/var/mobile/Containers/Data/Application/*/${REL}`,
      `private/var/mobile/${REL}`,
      "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist"
    ]
  },
  records(ctx) {
    return eachFile(ctx, async (file) => parseResourceLog(await ctx.view.readFile(file), file.path));
  },
  events(r) {
    if (!r.last_seen) return [];
    return [{ timestamp: r.last_seen, event: "webkit_session_resource", description: `WebKit session: ${redirectChain(r)}` }];
  },
  check(r, ctx) {
    const checks = cachedChecks(ctx);
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    const chain = redirectChain(r);
    const groups = [
      [[r.origin], "visited (WebKit session origin)"],
      [r.redirect_source, "redirected to a WebKit session origin"],
      [r.redirect_destination, "reached by redirect in a WebKit session"],
      [r.subframe_under_origin, "loaded as a frame in a WebKit session"],
      [r.subresource_under_origin, "loaded as a resource in a WebKit session"]
    ];
    for (const [domains, what] of groups) {
      for (const d of domains) {
        if (!d || seen.has(d)) continue;
        seen.add(d);
        const hits = checks.host(d);
        if (hits.length) {
          out.push(
            ...fromMatches(hits, {
              grade: "medium",
              title: (m) => `Known ${m.indicator.set.name} ${m.indicator.type} ${what}: ${m.matched} (${chain})`,
              timestamp: r.last_seen,
              artifact: r.file
            })
          );
        }
      }
    }
    return out;
  }
});
export {
  webkit_session_resource_log_default as default,
  parseResourceLog,
  redirectChain
};
