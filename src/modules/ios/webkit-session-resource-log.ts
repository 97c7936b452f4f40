// WebKit's full_browsing_session_resourceLog.plist: the in-memory tracking-prevention statistics
// that WebKit writes out per browsing session (Safari, SafariViewService, web clips). Each entry
// is a domain with the domains that redirected to it and that it redirected to, so a whole
// redirect chain through exploit infrastructure can be seen even when history was cleared.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch, Message } from "../../core/model.ts";
import { fromDate, fromUnixSeconds } from "../../core/time.ts";
import { VigilError } from "../../core/errors.ts";
import { parsePlist, type PlistValue } from "../../formats/plist.ts";
import { cachedChecks } from "./lib/web.ts";
import { eachFile } from "../lib/each-file.ts";
import { msg } from "../../core/i18n/index.ts";

export interface SessionResourceLogEntry {
  origin: string;
  redirect_source: string[];
  redirect_destination: string[];
  subframe_under_origin: string[];
  subresource_under_origin: string[];
  user_interaction?: boolean;
  most_recent_interaction?: string;
  last_seen?: string;
  /** The plist this entry comes from. */
  file: string;
}

const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";

type Dict = { [k: string]: PlistValue };
function dict(v: PlistValue | undefined): Dict | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) ? (v as Dict) : undefined;
}

/**
 * WebKit stores each set of domains as an array of one-key dictionaries: {"domain": d} since its
 * statistics model 15, {"origin": d, "count": n} before. Newer builds renamed the key sets from
 * "...Origins" to "...Domains"; both names are read.
 */
function domainList(item: Dict, ...keys: string[]): string[] {
  const out: string[] = [];
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

/** WebKit writes WallTime as seconds since 1970 (a plist real); plist dates are accepted too. */
function time(v: PlistValue | undefined): string | undefined {
  if (v instanceof Date) return fromDate(v);
  if (typeof v === "number" && v > 0) return fromUnixSeconds(v);
  return undefined;
}

export function parseResourceLog(data: Buffer, file: string): SessionResourceLogEntry[] {
  const root = parsePlist(data, file);
  const top = dict(root);
  if (!top) throw new VigilError("unexpected content: the plist is not a dictionary", { file, code: "plist" });
  const stats = top["browsingStatistics"];
  if (stats === undefined) return [];
  if (!Array.isArray(stats)) throw new VigilError("unexpected content: browsingStatistics is not an array", { file, code: "plist" });
  const out: SessionResourceLogEntry[] = [];
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
      user_interaction: typeof item["hadUserInteraction"] === "boolean" ? (item["hadUserInteraction"] as boolean) : undefined,
      most_recent_interaction: time(item["mostRecentUserInteraction"]),
      last_seen: time(item["lastSeen"]),
      file,
    });
  }
  return out;
}

/** "SOURCE: a, b -> ORIGIN: c -> DESTINATION: d", as investigators know it from MVT's log. */
export function redirectChain(e: SessionResourceLogEntry): string {
  let s = "";
  if (e.redirect_source.length) s += `SOURCE: ${e.redirect_source.join(", ")} -> `;
  s += `ORIGIN: ${e.origin}`;
  if (e.redirect_destination.length) s += ` -> DESTINATION: ${e.redirect_destination.join(", ")}`;
  return s;
}

export default defineModule<SessionResourceLogEntry>({
  name: "webkit_session_resource_log",
  title: "WebKit browsing session resource log",
  platform: "ios",
  description:
    "full_browsing_session_resourceLog.plist of Safari, SafariViewService and web clips: every domain of a redirect chain (source, origin, destination) and the frames and resources loaded under it are checked against indicators.",
  reads: {
    backup: [{ domain: "*", path: REL }],
    fs: [
      "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist",
      `private/var/mobile/Containers/Data/Application/*/${REL}`,
      `private/var/mobile/${REL}`,
      "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist",
    ],
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
    const out: DetectionInput[] = [];
    const seen = new Set<string>();
    const chain = redirectChain(r);
    // Redirect chain and top-frame origin: the device navigated there (medium). Frames and
    // resources under the origin were loaded too, also medium: the phone connected to them.
    const groups: [string[], Message][] = [
      [[r.origin], msg("det.what.webkit_session_origin")],
      [r.redirect_source, msg("det.what.webkit_session_redirect_source")],
      [r.redirect_destination, msg("det.what.webkit_session_redirect_destination")],
      [r.subframe_under_origin, msg("det.what.webkit_session_frame")],
      [r.subresource_under_origin, msg("det.what.webkit_session_resource")],
    ];
    for (const [domains, what] of groups) {
      for (const d of domains) {
        if (!d || seen.has(d)) continue;
        seen.add(d);
        const hits: IndicatorMatch[] = checks.host(d);
        if (hits.length) {
          out.push(
            ...fromMatches(hits, {
              grade: "medium",
              title: (m) => msg("det.web.seen_chain", { set: m.indicator.set.name, type: msg(`ind.type.${m.indicator.type}`), what, value: m.matched, chain }),
              timestamp: r.last_seen,
              artifact: r.file,
            }),
          );
        }
      }
    }
    return out;
  },
});
