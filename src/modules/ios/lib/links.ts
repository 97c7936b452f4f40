// Link extraction shared by the message modules (sms, whatsapp, shortcuts, calendar).
// Compiled once: these run on every row of tables with hundreds of thousands of rows.
import { trimEndOf, trimStartOf } from "../../../core/trim.ts";

// A scheme URL runs until whitespace or a character that never belongs to a URL in running text.
const URL_RE = /\bhttps?:\/\/[^\s<>"'`\u0000-\u001f\u007f]+/gi;
// Punctuation that ends a sentence more often than it ends a URL.
const TRAILING = ".,;:!?)]}'\"»”’";

/**
 * The http(s) URLs written in a text, in order, without duplicates and without the sentence
 * punctuation that follows them. Texts without "://" cost one indexOf.
 */
export function extractLinks(text: string | null | undefined): string[] {
  if (!text || text.indexOf("://") < 0) return [];
  const found = text.match(URL_RE);
  if (!found) return [];
  const out: string[] = [];
  // A Set for the duplicates: a text can hold a hundred thousand distinct links.
  const seen = found.length > 1 ? new Set<string>() : undefined;
  for (let u of found) {
    u = stripTrailing(u);
    if (u.length <= 8 || seen?.has(u)) continue;
    seen?.add(u);
    out.push(u);
  }
  return out;
}

function stripTrailing(u: string): string {
  let s = trimEndOf(u, TRAILING);
  // A closing parenthesis belongs to the URL when the URL opened one (Wikipedia-style links).
  if (u.length > s.length && u[s.length] === ")" && s.includes("(") && !s.includes(")")) s += ")";
  return s;
}

/** Host of a URL, lower-cased; undefined for junk. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The hosts of a message's links (for rules that need a vendor's own domain). */
export function hostsOf(urls: string[]): string[] {
  const out: string[] = [];
  for (const u of urls) {
    const h = hostOf(u);
    if (h) out.push(h);
  }
  return out;
}

/**
 * WhatsApp's own infrastructure (media CDN mmg*.whatsapp.net, media-*.cdn.whatsapp.net, profile
 * pictures on pps.whatsapp.net): every media message carries such a link, and whatsapp.net hosts
 * nothing an attacker controls, so these links are noise for an indicator check.
 */
export function isWhatsAppInfraLink(url: string): boolean {
  const i = url.indexOf("whatsapp.net");
  if (i < 0) return false;
  const host = hostOf(url);
  return host === "whatsapp.net" || (host !== undefined && host.endsWith(".whatsapp.net"));
}

/** An e-mail address inside a handle such as "mailto:x@y", "x@y" or "'x@y'"; undefined otherwise. */
export function emailOf(handle: string | null | undefined): string | undefined {
  if (!handle) return undefined;
  let s = handle.trim();
  if (s.toLowerCase().startsWith("mailto:")) s = s.slice(7);
  s = trimEndOf(trimStartOf(s, "'\"<"), "'\">");
  const at = s.indexOf("@");
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return undefined;
  // WhatsApp JIDs (…@s.whatsapp.net, …@g.us, …@lid) are account ids, not e-mail addresses.
  const domain = s.slice(at + 1).toLowerCase();
  if (domain === "s.whatsapp.net" || domain === "g.us" || domain === "lid" || domain === "broadcast") return undefined;
  if (!domain.includes(".")) return undefined;
  return s;
}

/** One line for a timeline description: newlines escaped, long texts cut. */
export function oneLine(text: string | null | undefined, max = 300): string {
  if (!text) return "";
  if (text.length <= max && text.indexOf("\n") < 0) return text;
  let s = text.replace(/\r?\n/g, "\\n");
  if (s.length > max) s = s.slice(0, max - 1) + "…";
  return s;
}
