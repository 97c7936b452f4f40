// Case events: what the records of every acquisition of a case become in the merged stream the
// correlation rules read (src/rules/data/correlations.yaml, "events"). Pure functions of a record;
// reading the results folders is the cases room's work.

/** One event of a case's merged stream. */
export interface CaseEvent {
  /** Milliseconds since 1970 (UTC). */
  at: number;
  /** UTC ISO-8601, as the timeline writes it. */
  timestamp: string;
  /** Which acquisition of the case it came from. */
  acquisition: string;
  /** The module whose record gave it. */
  module: string;
  /** The case event kind (message_received, crash, ...). */
  event: string;
  /** Normalised fields (sender, process, hosts...) and `time_of`. */
  fields: Record<string, unknown>;
}

/** How a case event field is made from a record (see the file's header in correlations.yaml). */
export type FieldSpec =
  | string
  | { handle: string }
  | { hosts: string[] }
  | { text_hosts: string }
  | { basename: string }
  | { abs_path: string }
  | { value: string };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/**
 * Date.parse reads "9999-12-31T24:00:00Z" as the first moment of year 10000, whose ISO form
 * ("+010000-...") sorts before every four-digit year: the merged stream would no longer be in
 * time order.
 */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Milliseconds of a UTC ISO time as Vigil writes them; NaN for anything else. */
export function isoMillis(v: unknown): number {
  const t = typeof v === "string" && ISO.test(v) ? Date.parse(v) : NaN;
  return t <= LAST_MS ? t : NaN;
}

/**
 * A phone number, e-mail address or messenger id as a key two spellings of the same handle
 * share. E-mail addresses are lower-cased ("mailto:" dropped). Phone numbers keep their digits
 * (a WhatsApp id "33612345678@s.whatsapp.net" is its number) and compare by their last 9
 * digits, so that an international form (+33 6 12 34 56 78) meets a national one
 * (06 12 34 56 78): 9 digits are a subscriber number in most numbering plans. Short codes (under
 * 7 digits) keep all of theirs. Undefined when nothing usable is left.
 */
export function normalizeHandle(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  let s = raw.trim().toLowerCase();
  for (const p of ["mailto:", "tel:", "sms:", "e:", "p:"]) if (s.startsWith(p)) s = s.slice(p.length);
  if (!s) return undefined;
  const at = s.indexOf("@");
  if (at > 0) {
    const domain = s.slice(at + 1);
    // WhatsApp account ids: the part before @ is the phone number.
    if (domain === "s.whatsapp.net" || domain === "c.us") s = s.slice(0, at);
    else return s;
  }
  if (/[a-z]/.test(s)) return s; // a user name or other id: as it is
  const digits = s.replace(/\D/g, "");
  if (!digits) return undefined;
  return digits.length >= 7 ? digits.slice(-9) : digits;
}

/** A host name or IP address from a URL, a host name or an address; undefined for junk. */
export function hostOfValue(v: string): string | undefined {
  let s = v.trim().toLowerCase();
  if (!s) return undefined;
  if (s.includes("://")) {
    try {
      s = new URL(s).hostname;
    } catch {
      return undefined;
    }
    if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  }
  if (s.endsWith(".")) s = s.slice(0, -1);
  return /^[a-z0-9_.:-]+$/.test(s) ? s : undefined;
}

/** Whether `host` is `parent` or a subdomain of it. */
export function hostWithin(host: string, parent: string): boolean {
  return host === parent || (host.length > parent.length && host.endsWith(parent) && host[host.length - parent.length - 1] === ".");
}

const LINK = /\bhttps?:\/\/[^\s<>"'`\u0000-\u001f\u007f]+/gi;

function hostsOf(values: unknown[]): string[] | undefined {
  const out = new Set<string>();
  for (const v of values) {
    for (const x of Array.isArray(v) ? v : [v]) {
      if (typeof x !== "string") continue;
      const h = hostOfValue(x);
      if (h) out.add(h);
    }
  }
  return out.size ? [...out] : undefined;
}

function basename(p: unknown): string | undefined {
  if (typeof p !== "string" || !p) return undefined;
  const t = p.endsWith("/") ? p.slice(0, -1) : p;
  return t.slice(t.lastIndexOf("/") + 1) || undefined;
}

/** The value of one case event field for a record. */
export function fieldValue(spec: FieldSpec, record: Record<string, unknown>): unknown {
  if (typeof spec === "string") {
    const v = record[spec];
    return v === null || v === "" ? undefined : v;
  }
  if ("handle" in spec) return normalizeHandle(record[spec.handle]);
  if ("hosts" in spec) return hostsOf(spec.hosts.map((f) => record[f]));
  if ("text_hosts" in spec) {
    const t = record[spec.text_hosts];
    return typeof t === "string" && t.includes("://") ? hostsOf(t.match(LINK) ?? []) : undefined;
  }
  if ("basename" in spec) return basename(record[spec.basename]);
  if ("abs_path" in spec) {
    const p = record[spec.abs_path];
    return typeof p === "string" && p ? (p.startsWith("/") ? p : `/${p}`) : undefined;
  }
  if ("value" in spec) return spec.value;
  return undefined;
}

/** Checks a field spec read from a rule file; returns a problem or undefined. */
export function fieldSpecProblem(spec: unknown): string | undefined {
  if (typeof spec === "string" && spec) return undefined;
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return "a field is a record field name or one transform";
  const keys = Object.keys(spec);
  if (keys.length !== 1) return `a transform has one key, not ${keys.join(", ")}`;
  const [k] = keys;
  const v = (spec as Record<string, unknown>)[k];
  if (k === "hosts") return Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "hosts: expects a list of field names";
  if (["handle", "text_hosts", "basename", "abs_path", "value"].includes(k)) return typeof v === "string" ? undefined : `${k}: expects a field name`;
  return `unknown transform ${k}`;
}
