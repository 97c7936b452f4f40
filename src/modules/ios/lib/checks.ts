// Indicator checks shared by the communication modules: links a message carried (graded by
// the module) and domains only mentioned in its text (always weak).
import { dedupeMatches, fromMatches } from "../../../core/detection.ts";
import type { DetectionInput, Grade, IndicatorMatch, Message } from "../../../core/model.ts";
import type { Matcher } from "../../../indicators/matcher-api.ts";
import type { SqliteHandle } from "../../../acquisitions/view.ts";
import { msg } from "../../../core/i18n/index.ts";
import { parsePlistDeep } from "../../../formats/plist.ts";
import { attributedBodyText } from "./attributed-body.ts";

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
  /** Title of a link hit; the matched value is its `value` parameter. */
  title: Message;
  why?: Message;
  /** Title of a mention hit; the matched value is its `value` parameter. */
  mentionTitle: Message;
  timestamp?: string;
  artifact?: string;
  /** Every link was extracted from `texts` (so the text scan sees it too). */
  linksFromTexts?: boolean;
}

// A text can only mention a host, an IP or a URL if it has a letter or digit on both sides of
// a dot, or "://". Most messages have neither; this test costs a tenth of a full text scan.
const MAYBE_HOST = /[\p{L}\p{N}_-]\.[\p{L}\p{N}]|:\/\//u;

const MENTION_WHY = msg("det.link.mention.why");

/** `m` with the matched value as its `value` parameter. */
function withValue(m: Message, value: string): Message {
  return { id: m.id, params: { ...m.params, value } };
}

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
    if (fresh.length) (out ??= []).push(...fromMatches(fresh, { grade: opts.grade, title: (m) => withValue(opts.title, m.matched), why: opts.why, timestamp: opts.timestamp, artifact: opts.artifact }));
  }
  for (const ms of textHits ?? []) {
    const fresh = dedupeMatches(ms, seen);
    if (fresh.length) {
      (out ??= []).push(
        ...fromMatches(fresh, { grade: "weak", title: (m) => withValue(opts.mentionTitle, m.matched), why: MENTION_WHY, timestamp: opts.timestamp, artifact: opts.artifact }),
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

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The text a BLOB holds: UTF-8, else an archived string (attributedBody typedstream, NSKeyedArchiver); undefined when neither. */
function blobText(b: Buffer): string | undefined {
  try {
    return UTF8.decode(b);
  } catch {
    // Not UTF-8: an archived string, as Messages and other Apple apps store text.
  }
  const typed = attributedBodyText(b);
  if (typed !== undefined) return typed;
  if (b.subarray(0, 8).toString("latin1") === "bplist00") {
    try {
      const v = parsePlistDeep(b) as unknown;
      if (typeof v === "string") return v;
      const s = v && typeof v === "object" ? (v as Record<string, unknown>).NSString : undefined;
      if (typeof s === "string") return s;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Text from a column that some app versions store as a BLOB: UTF-8, or an archived string
 * (attributedBody, NSKeyedArchiver). Bytes that are neither are read as UTF-8 with replacement
 * characters (ASCII links in them still show) and counted in `undecodable`, for a warning.
 */
export function asText(v: unknown, undecodable?: { count: number }): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const t = blobText(b);
    if (t !== undefined) return t;
    if (undecodable) undecodable.count++;
    return b.toString("utf8");
  }
  return String(v);
}

/** The coverage warning for `n` text values that could not be decoded, or undefined. */
export function undecodableWarning(file: string, n: number, what: string): string | undefined {
  return n ? `${file}: ${n} ${what} stored as bytes that are neither UTF-8 nor an archived string: read with replacement characters` : undefined;
}
