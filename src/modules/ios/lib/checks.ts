// Indicator checks shared by the communication modules: links a message carried (graded by
// the module) and domains only mentioned in its text (always weak).
import { dedupeMatches, fromMatches } from "../../../core/detection.ts";
import type { DetectionInput, Grade, IndicatorMatch } from "../../../core/model.ts";
import type { Matcher } from "../../../indicators/matcher-api.ts";
import type { SqliteHandle } from "../../../acquisitions/view.ts";

const netCounts = new WeakMap<Matcher, boolean>();
/** Whether the loaded sets hold anything a URL or a text can match (skips per-row work otherwise). */
export function hasNetworkIndicators(iocs: Matcher): boolean {
  let v = netCounts.get(iocs);
  if (v === undefined) {
    v = iocs.count("domain") + iocs.count("url") + iocs.count("ipv4") + iocs.count("ipv6") > 0;
    netCounts.set(iocs, v);
  }
  return v;
}

export interface LinkCheckOpts {
  grade: Grade;
  /** Title of a link hit, followed by the matched value: "Known spyware link in a received SMS: ". */
  title: string;
  why?: string;
  /** Title of a mention hit, followed by the matched value. */
  mentionTitle: string;
  timestamp?: string;
  artifact?: string;
  /** Every link was extracted from `texts` (so the text scan sees it too). */
  linksFromTexts?: boolean;
}

// A text can only mention a host, an IP or a URL if it has a letter or digit on both sides of
// a dot, or "://". Most messages have neither; this test costs a tenth of a full text scan.
const MAYBE_HOST = /[\p{L}\p{N}_-]\.[\p{L}\p{N}]|:\/\//u;

const MENTION_WHY = "The domain is written in the text without being a link the device was sent; it may only be mentioned.";

/**
 * Checks the links of a message with iocs.url (at opts.grade) and the rest of its text with
 * iocs.urlsInText (weak: a domain only written, without a link). A hit already found as a link
 * is not reported again as a mention. Allocates nothing when nothing matches (runs per row).
 */
export function checkLinksAndText(iocs: Matcher, links: string[], texts: (string | null | undefined)[], opts: LinkCheckOpts): DetectionInput[] {
  if (!hasNetworkIndicators(iocs)) return NONE;
  // One pass over the text finds every hit, links included; the links are looked up again only
  // to grade what was found, or when URL indicators (exact URLs) could match a link the text
  // scan tokenised differently. On clean data that is one scan per message.
  let textHits: IndicatorMatch[][] | undefined;
  for (const t of texts) {
    if (!t || !MAYBE_HOST.test(t)) continue;
    const ms = iocs.urlsInText(t);
    if (ms.length) (textHits ??= []).push(ms);
  }
  if (!textHits && (links.length === 0 || (opts.linksFromTexts && !hasUrlIndicators(iocs)))) return NONE;
  let out: DetectionInput[] | undefined;
  const seen = new Set<string>();
  for (const link of links) {
    const ms = iocs.url(link);
    if (!ms.length) continue;
    const fresh = dedupeMatches(ms, seen);
    if (fresh.length) (out ??= []).push(...fromMatches(fresh, { grade: opts.grade, title: (m) => opts.title + m.matched, why: opts.why, timestamp: opts.timestamp, artifact: opts.artifact }));
  }
  for (const ms of textHits ?? []) {
    const fresh = dedupeMatches(ms, seen);
    if (fresh.length) {
      (out ??= []).push(
        ...fromMatches(fresh, { grade: "weak", title: (m) => opts.mentionTitle + m.matched, why: MENTION_WHY, timestamp: opts.timestamp, artifact: opts.artifact }),
      );
    }
  }
  return out ?? NONE;
}

const urlCounts = new WeakMap<Matcher, boolean>();
function hasUrlIndicators(iocs: Matcher): boolean {
  let v = urlCounts.get(iocs);
  if (v === undefined) {
    v = iocs.count("url") > 0;
    urlCounts.set(iocs, v);
  }
  return v;
}

const NONE = Object.freeze([]) as unknown as DetectionInput[];

/** Column names of `table` that exist, from a wish list (schemas differ across iOS versions). */
export function present(h: SqliteHandle, table: string, wanted: readonly string[]): string[] {
  const have = h.columns(table);
  return wanted.filter((c) => have.has(c));
}

/** Text from a column that some app versions store as a UTF-8 BLOB. */
export function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  return String(v);
}
