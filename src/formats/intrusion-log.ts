// Android intrusion logging exports (Android 16 "intrusion detection"): one JSON object per
// line, each a DNS lookup, a network connection or a security-log event. Times of DNS and
// connection events are Unix milliseconds; security events carry the SecurityLog time in
// nanoseconds. IPs come from Java's InetAddress.toString() and so start with "/".
// Field names vary between exporters (camelCase or snake_case, wrapped in an object named after
// the event kind or flat with a "type"), so each kind is recognised by its fields.
import { deeperThan } from "../core/nesting.ts";
import { fromUnixAuto, fromUnixMillis } from "../core/time.ts";

interface Base {
  line: number;
  file: string;
  /** UTC ISO. */
  isodate?: string;
  package_name?: string;
  uid?: number;
}
export interface IntrusionDns extends Base {
  type: "dns";
  hostname: string;
  ips: string[];
  /** Addresses the lookup resolved to; the event lists at most 10 of them. */
  total_resolved_address_count?: number;
}
export interface IntrusionConnect extends Base {
  type: "connect";
  ip: string;
  port?: number;
}
export interface IntrusionSecurity extends Base {
  type: "security";
  /** Numeric SecurityLog tag when given as a number. */
  tag?: number;
  /** Known name of the tag ("ADB_SHELL_CMD"), or the name the file gives; undefined when unknown. */
  tag_name?: string;
  data?: unknown;
}
export type IntrusionEvent = IntrusionDns | IntrusionConnect | IntrusionSecurity;

// android.app.admin.SecurityLog tags.
export const SECURITY_TAGS: Record<number, string> = {
  210001: "ADB_SHELL_INTERACTIVE",
  210002: "ADB_SHELL_CMD",
  210003: "SYNC_RECV_FILE",
  210004: "SYNC_SEND_FILE",
  210005: "APP_PROCESS_START",
  210006: "KEYGUARD_DISMISSED",
  210007: "KEYGUARD_DISMISS_AUTH_ATTEMPT",
  210008: "KEYGUARD_SECURED",
  210009: "OS_STARTUP",
  210010: "OS_SHUTDOWN",
  210011: "LOGGING_STARTED",
  210012: "LOGGING_STOPPED",
  210013: "MEDIA_MOUNT",
  210014: "MEDIA_UNMOUNT",
  210015: "LOG_BUFFER_SIZE_CRITICAL",
  210016: "PASSWORD_EXPIRATION_SET",
  210017: "PASSWORD_COMPLEXITY_SET",
  210018: "PASSWORD_HISTORY_LENGTH_SET",
  210019: "MAX_SCREEN_LOCK_TIMEOUT_SET",
  210020: "MAX_PASSWORD_ATTEMPTS_SET",
  210021: "KEYGUARD_DISABLED_FEATURES_SET",
  210022: "REMOTE_LOCK",
  210023: "WIPE_FAILURE",
  210024: "KEY_GENERATED",
  210025: "KEY_IMPORT",
  210026: "KEY_DESTRUCTION",
  210027: "USER_RESTRICTION_ADDED",
  210028: "USER_RESTRICTION_REMOVED",
  210029: "CERT_AUTHORITY_INSTALLED",
  210030: "CERT_AUTHORITY_REMOVED",
  210031: "CRYPTO_SELF_TEST_COMPLETED",
  210032: "KEY_INTEGRITY_VIOLATION",
  210033: "CERT_VALIDATION_FAILURE",
  210034: "CAMERA_POLICY_SET",
  210035: "PASSWORD_COMPLEXITY_REQUIRED",
  210036: "PASSWORD_CHANGED",
};
const TAG_BY_NAME = new Map(Object.entries(SECURITY_TAGS).map(([k, v]) => [v, Number(k)]));

const WRAPPERS: [string, IntrusionEvent["type"]][] = [
  ["dnsEvent", "dns"],
  ["dns_event", "dns"],
  ["dns", "dns"],
  ["connectEvent", "connect"],
  ["connect_event", "connect"],
  ["connect", "connect"],
  ["securityEvent", "security"],
  ["security_event", "security"],
  ["security", "security"],
];

// Field spellings, as constant lists so a lookup allocates nothing.
const K_TYPE = ["type", "eventType", "event_type", "kind"];
const K_HOST = ["hostname", "hostName", "host"];
const K_IP = ["ip", "ipAddress", "ip_address", "inetAddress", "inet_address", "address"];
const K_IPS = ["ips", "ipAddresses", "ip_addresses", "inetAddresses", "inet_addresses", "addresses"];
const K_TAG = ["tag", "tagName", "tag_name", "subtype", "sub_type"];
const K_TIME_MS = ["time", "timestamp", "timeMillis", "time_ms", "timestampMs", "timestamp_ms"];
const K_TIME_NS = ["timeNanos", "time_nanos", "time", "timestamp", "timestampNanos"];
const K_PKG = ["packageName", "package_name", "package"];
const K_TOTAL = ["totalResolvedAddressCount", "total_resolved_address_count"];
const K_DATA = ["data", "eventData", "event_data", "payload", "strings"];

/** The first of `keys` set in the event object, else in the line's outer object. */
function pick(o: Record<string, unknown>, outer: Record<string, unknown> | undefined, keys: string[]): unknown {
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    if (v !== undefined && v !== null) return v;
  }
  if (outer) {
    for (let i = 0; i < keys.length; i++) {
      const v = outer[keys[i]];
      if (v !== undefined && v !== null) return v;
    }
  }
  return undefined;
}
function num(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}
/** "/1.2.3.4", "host/1.2.3.4", "1.2.3.4" → "1.2.3.4". */
export function cleanIp(v: string): string {
  const s = v.trim();
  const slash = s.lastIndexOf("/");
  return slash >= 0 ? s.slice(slash + 1) : s;
}

export type ParsedLine = { event: IntrusionEvent } | { error: string } | { skip: true };

/** Deepest nesting read: an event is an object holding flat values (a list at most). */
export const MAX_JSON_DEPTH = 64;

/** A value as text; "" for an object String() cannot convert ({"toString": 1}). */
function asText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return "";
  }
}

export function parseIntrusionLine(text: string, line: number, file: string): ParsedLine {
  const t = text.trim();
  if (!t) return { skip: true };
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return { error: `${file}: line ${line}: not valid JSON` };
  }
  // The walks of a record afterwards (its strings, its JSON in the results) recurse.
  if (deeperThan(obj, MAX_JSON_DEPTH)) return { error: `${file}: line ${line}: JSON nested deeper than ${MAX_JSON_DEPTH} levels (not read)` };
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return { error: `${file}: line ${line}: not a JSON object` };
  let o = obj as Record<string, unknown>;
  let outer: Record<string, unknown> | undefined;
  let kind: IntrusionEvent["type"] | undefined;
  for (const [k, v] of WRAPPERS) {
    const inner = o[k];
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      kind = v;
      outer = o;
      o = inner as Record<string, unknown>;
      break;
    }
  }
  if (!kind) {
    const typeField = asText(pick(o, undefined, K_TYPE) ?? "").toLowerCase();
    if (typeField.includes("dns") || typeField === "1") kind = "dns";
    else if (typeField.includes("connect") || typeField === "2") kind = "connect";
    else if (typeField.includes("security") || typeField === "0") kind = "security";
    else if (pick(o, undefined, K_HOST) !== undefined) kind = "dns";
    else if (pick(o, undefined, K_IP) !== undefined) kind = "connect";
    else if (pick(o, undefined, K_TAG) !== undefined) kind = "security";
  }
  const pkg = pick(o, outer, K_PKG);
  const uid = num(pick(o, outer, ["uid"]));
  const base = { line, file, package_name: typeof pkg === "string" ? pkg : undefined, uid };
  if (kind === "dns") {
    const host = pick(o, outer, K_HOST);
    if (typeof host !== "string" || !host) return { error: `${file}: line ${line}: DNS event without a hostname` };
    const rawIps = pick(o, outer, K_IPS);
    const ips: string[] = [];
    if (Array.isArray(rawIps)) {
      for (const x of rawIps) if (typeof x === "string" && x) ips.push(cleanIp(x));
    } else if (typeof rawIps === "string") {
      for (const x of rawIps.split(/[,\s]+/)) if (x) ips.push(cleanIp(x));
    }
    const time = num(pick(o, outer, K_TIME_MS));
    const total = num(pick(o, outer, K_TOTAL));
    const hostname = host.endsWith(".") ? host.slice(0, -1).toLowerCase() : host.toLowerCase();
    return { event: { ...base, type: "dns", hostname, ips, total_resolved_address_count: total, isodate: time !== undefined ? fromUnixMillis(time) : undefined } };
  }
  if (kind === "connect") {
    const ip = pick(o, outer, K_IP);
    if (typeof ip !== "string" || !ip) return { error: `${file}: line ${line}: connection event without an IP` };
    const time = num(pick(o, outer, K_TIME_MS));
    return { event: { ...base, type: "connect", ip: cleanIp(ip), port: num(pick(o, outer, ["port"])), isodate: time !== undefined ? fromUnixMillis(time) : undefined } };
  }
  if (kind === "security") {
    const rawTag = pick(o, outer, K_TAG);
    const tagNum = num(rawTag);
    let tag_name: string | undefined;
    let tag: number | undefined;
    if (tagNum !== undefined) {
      tag = tagNum;
      tag_name = SECURITY_TAGS[tagNum];
    } else if (typeof rawTag === "string") {
      tag_name = rawTag.replace(/^TAG_/, "").toUpperCase();
      tag = TAG_BY_NAME.get(tag_name);
    }
    // SecurityLog times are nanoseconds; fromUnixAuto also accepts an exporter that wrote ms.
    const time = num(pick(o, outer, K_TIME_NS));
    return { event: { ...base, type: "security", tag, tag_name, data: pick(o, outer, K_DATA), isodate: time !== undefined ? fromUnixAuto(time) : undefined } };
  }
  return { error: `${file}: line ${line}: not a DNS, connection or security event` };
}
