// The indicator-relevant values of a results record: what a later indicator set could match
// (domains, URLs, IP addresses, processes, paths, app ids, hashes, certificates, e-mail
// handles, profiles, properties), found by the same field names check-iocs uses. Free text is
// never kept: only the URLs and domain names written in it. Phone numbers are not indicator
// values and are not kept.
import { parse as parseDomain } from "tldts";
import { hostKey, normalizeCertHash, normalizeEmail, normalizeHash, normalizeIpv4, normalizeIpv6 } from "./normalize.ts";
import { urlTokensInText } from "./matcher.ts";
import { fieldCheck, pickTimestamp, type Check } from "./recheck.ts";

/**
 * One value of a record: its kind (the check it gets, see recheck.ts; "text" for a URL or domain
 * written in free text, checked as a URL but graded as a mention), the field it was in.
 */
export interface RecordValue {
  kind: Check;
  value: string;
  field: string;
}

/** Longest value kept (longer strings are blobs, not indicator values). */
const MAX_VALUE = 2048;

/** A value as the archive keeps it: one spelling per value, so that a search meets it. */
export function normalizeValue(kind: Check, raw: string): string | undefined {
  const v = raw.trim();
  if (!v || v.length > MAX_VALUE) return undefined;
  switch (kind) {
    case "domain":
      return hostKey(v) ?? undefined;
    case "ip":
      return normalizeIpv4(v) ?? normalizeIpv6(v) ?? undefined;
    case "email":
      // iMessage writes its accounts "E:address".
      return v.includes("@") ? (normalizeEmail(v.replace(/^(e|mailto):/i, "")) ?? undefined) : undefined;
    case "hash":
      return normalizeHash(v) ?? undefined;
    case "cert":
      return normalizeCertHash(v) ?? undefined;
    default:
      return v;
  }
}

/** Tokens of a text worth keeping: URLs with a scheme, and names under a real top-level domain. */
function textTokens(text: string): string[] {
  if (!text.includes(".")) return [];
  return urlTokensInText(text).filter((t) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return true;
    const host = t.split(/[/:?#]/)[0];
    const p = parseDomain(host);
    return p.isIp === true || (p.isIcann === true && !!p.domain);
  });
}

/** The values of one record of `module`, with the record's time. */
export function recordValues(module: string, record: unknown): { values: RecordValue[]; timestamp?: string } {
  const out: RecordValue[] = [];
  const seen = new Set<string>();
  const add = (kind: Check, raw: string, field: string) => {
    const value = normalizeValue(kind, raw);
    if (value === undefined) return;
    const k = `${kind}\0${value}\0${field}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ kind, value, field });
  };
  const visit = (value: unknown, key: string, parentKey: string, depth: number) => {
    if (depth > 6 || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key, parentKey, depth + 1);
      return;
    }
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const lk = k.toLowerCase();
        if (fieldCheck(module, lk) === "skip") continue;
        visit(v, lk, key, depth + 1);
      }
      return;
    }
    if (typeof value !== "string" || value.length === 0) return;
    let check = fieldCheck(module, key);
    // Under a certificate object, "sha256" is the signing certificate's fingerprint.
    if (check === "hash" && /cert/.test(parentKey)) check = "cert";
    if (check === "text") {
      for (const t of textTokens(value)) add("text", t, key || "value");
      return;
    }
    add(check, value, key || "value");
  };
  visit(record, "", "", 0);
  // A link a module already lists (sms "links") is not kept again as written in the text.
  const listed = new Set(out.filter((v) => v.kind !== "text").map((v) => v.value));
  const values = listed.size ? out.filter((v) => v.kind !== "text" || !listed.has(v.value)) : out;
  return { values, timestamp: pickTimestamp(record) };
}
