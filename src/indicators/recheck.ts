// Re-checks the per-module JSON of a previous results folder (Vigil's or MVT's) against the
// current indicators. Known field names map to matcher calls; any other string is scanned for
// URLs and domains (graded weak, as a mention).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Coverage, Detection, DetectionInput, Grade, IndicatorKind, IndicatorMatch, InputFile, Message } from "../core/model.ts";
import { fromMatches } from "../core/detection.ts";
import { describeError } from "../core/errors.ts";
import type { Matcher } from "./matcher-api.ts";
import { english, msg } from "../core/i18n/index.ts";
import { own } from "../core/own.ts";
import { isRegularFile } from "../core/regular-file.ts";

export type Check = "exec" | "client" | "url" | "domain" | "ip" | "process" | "app" | "path" | "file_name" | "email" | "hash" | "cert" | "tls_cert" | "ja3" | "ja4" | "profile" | "property" | "text" | "skip";

/** Field names as MVT and Vigil write them, lowercased. */
const FIELDS: Record<string, Check> = {};
const put = (check: Check, names: string[]) => names.forEach((n) => (FIELDS[n] = check));
put("url", ["url", "urls", "link", "links", "redirect_source", "redirect_destination", "origin", "top_frame_origin", "referrer", "referer", "href", "source_url", "download_url", "uri", "web_url", "original_url", "final_url", "request_url", "website"]);
put("domain", ["domain", "domains", "host", "hostname", "registrable_domain", "server_name", "sni", "dns_query", "query", "query_name", "remote_host", "first_party_domain", "top_level_domain"]);
put("ip", ["ip", "ips", "ip_address", "ipaddress", "remote_ip", "dst_ip", "destination_ip", "remote_address", "remote_addr", "dst", "server_ip"]);
put("process", ["process", "process_name", "proc_name", "procname", "proc", "client_name", "executable", "responsible_process"]);
put("app", ["bundle_id", "bundleid", "bundle_identifier", "cfbundleidentifier", "softwareversionbundleid", "package_name", "package", "packagename", "app_id", "application_id", "client", "installer", "installer_package_name", "app"]);
put("path", ["relative_path", "path", "file_path", "full_path", "filepath", "absolute_path", "executable_path", "process_path", "source_path", "file"]);
put("file_name", ["file_name", "filename", "basename"]);
put("email", ["email", "emails", "email_address", "handle", "sender", "recipient", "account", "from", "to", "address", "id_handle", "uri_handle"]);
put("hash", ["sha256", "sha1", "md5", "hash", "file_sha256", "file_sha1", "file_md5"]);
put("cert", ["cert_sha256", "cert_sha1", "cert_md5", "certificate_sha256", "certificate_sha1", "certificate_md5", "certificate", "cert", "signing_certificate", "signature"]);
put("profile", ["payload_uuid", "payloaduuid", "profile_id", "profile_uuid", "profile_identifier"]);
put("property", ["property", "property_name", "prop"]);
put("text", ["text", "body", "message", "content", "description", "title", "subject", "note", "notes", "summary", "data", "value", "name", "display_name", "label", "action", "event"]);
// Timestamps, identifiers and results-folder bookkeeping: never indicators.
put("skip", ["isodate", "timestamp", "date", "time", "created", "modified", "matched_indicator", "vigil_detection", "rowid", "guid", "id", "uuid", "direction", "service", "status"]);

/** Per-module meanings of generic names. */
const MODULE_FIELDS: Record<string, Record<string, Check>> = {
  getprop: { name: "property" },
  processes: { name: "process" },
  ps: { name: "process" },
  packages: { name: "app" },
  configuration_profiles: { uuid: "profile" },
  // A TCC client is an app id or an executable's path; either may name a known process (as the
  // live module matches it).
  tcc: { client: "client" },
  profile_events: { uuid: "profile", profile_uuid: "profile" },
  // MVT's backup manifest: "domain" is the backup domain (HomeDomain, AppDomain-...).
  manifest: { domain: "skip" },
  // shutdown.log clients are executable paths ("/private/var/db/.../rolexd").
  shutdownlog: { client: "exec" },
  shutdown_log: { client: "exec" },
  // Network records (src/formats/network/records.ts): addresses, names, fingerprints and the
  // certificates servers presented; the phone's own side and free text are not indicators.
  dns: { query: "domain", cnames: "domain", answer_ips: "ip", client_ip: "skip", server_ip: "skip", file: "skip", source: "skip", rcode: "skip", qtype: "skip", transport: "skip", app: "skip" },
  tls: { server_name: "domain", server_ip: "ip", client_ip: "skip", ja3: "ja3", ja4: "ja4", ja3_string: "skip", cert_sha1: "skip", cert_sha256: "skip", alpn: "skip", version: "skip", client_versions: "skip", cipher: "skip", file: "skip", source: "skip", app: "skip" },
  quic: { server_name: "domain", server_ip: "ip", client_ip: "skip", ja4: "ja4", alpn: "skip", quic_version: "skip", file: "skip", source: "skip", app: "skip" },
  http: { url: "url", host: "domain", server_ip: "ip", client_ip: "skip", uri: "skip", method: "skip", user_agent: "skip", file: "skip", source: "skip", app: "skip" },
  certificates: { cert_sha1: "tls_cert", cert_sha256: "tls_cert", server_name: "skip", server_ip: "skip", subject: "skip", issuer: "skip", serial: "skip", file: "skip", source: "skip" },
  flows: { dst_ip: "ip", src_ip: "skip", resolved_names: "domain", server_name: "skip", proto: "skip", app_protocol: "skip", tls_version: "skip", file: "skip", source: "skip", app: "skip" },
  sensor_alerts: { signature: "skip", category: "skip", client_ip: "skip", server_ip: "skip", file: "skip", source: "skip", action: "skip" },
  app_privacy_report: { domain: "domain", context: "domain", bundle_id: "app", domain_owner: "skip", category: "skip", kind: "skip", access_kind: "skip", file: "skip", source: "skip" },
};

/** What a field of a module's records holds ("skip" for bookkeeping; "text" when unknown). */
export function fieldCheck(module: string, key: string): Check {
  return own(own(MODULE_FIELDS, module), key) ?? own(FIELDS, key) ?? "text";
}

/** Modules whose URLs are mentions (messages, contacts, notes), not visits. */
const MENTION_MODULES = /^(sms|sms_attachments|whatsapp|signal|telegram|calendar|contacts|notes|shortcuts|mail|imessage|messages|chat|calls)(_|$)/;

/** Files of a results folder that are not module outputs. */
export const NOT_MODULES = /^(info|alerts|coverage|summary|command|timeline|timeline_detected|device_info)\.json$|_detected\.json$/i;

const KIND_WORDS: Record<string, string> = {
  domain: "domain",
  ipv4: "IP address",
  ipv6: "IP address",
  url: "URL",
  email: "account",
  process: "process",
  file_name: "file name",
  file_path: "file path",
  sha256: "file hash",
  sha1: "file hash",
  md5: "file hash",
  app_id: "app",
  app_cert_hash: "app signing certificate",
  android_property: "system property",
  configuration_profile: "configuration profile",
  ja3: "TLS client fingerprint (JA3)",
  ja4: "TLS client fingerprint (JA4)",
  tls_cert_hash: "server certificate",
};

export interface RecheckedModule {
  module: string;
  file: string;
  records: number;
  detections: Detection[];
  detectedRecords: unknown[];
  coverage: Coverage;
}

/** Matches one value by what its field holds (`parentKey`: the key of the object holding it). */
export function matchValue(iocs: Matcher, check: Check, value: string, parentKey: string): { matches: IndicatorMatch[]; strength: "presence" | "visit" | "mention" } {
  switch (check) {
    case "url":
      return { matches: iocs.url(value), strength: "visit" };
    case "domain":
      return { matches: iocs.domain(value), strength: "visit" };
    case "ip":
      return { matches: iocs.ip(value), strength: "visit" };
    case "process":
      return { matches: iocs.process(value, { maybeTruncated: true }), strength: "presence" };
    case "exec": {
      const base = value.slice(value.lastIndexOf("/") + 1);
      return { matches: [...iocs.filePath(value), ...iocs.process(base), ...iocs.fileName(value)], strength: "presence" };
    }
    case "app":
      return { matches: iocs.appId(value), strength: "presence" };
    case "client":
      if (value.includes("/")) return matchValue(iocs, "exec", value, parentKey);
      return { matches: [...iocs.appId(value), ...iocs.process(value)], strength: "presence" };
    case "path":
      return { matches: [...iocs.filePath(value), ...iocs.fileName(value)], strength: "presence" };
    case "file_name":
      return { matches: iocs.fileName(value), strength: "presence" };
    case "email":
      return { matches: value.includes("@") ? iocs.email(value) : [], strength: "visit" };
    case "hash":
      // Under a certificate object, "sha256" is the signing certificate's fingerprint.
      return { matches: /cert/.test(parentKey) ? iocs.appCertHash(value) : iocs.hash(value), strength: "presence" };
    case "cert":
      return { matches: iocs.appCertHash(value), strength: "presence" };
    case "tls_cert":
      return { matches: iocs.tlsCertHash(value), strength: "visit" };
    case "ja3":
      return { matches: iocs.ja3(value), strength: "mention" };
    case "ja4":
      return { matches: iocs.ja4(value), strength: "mention" };
    case "profile":
      return { matches: iocs.configurationProfile(value), strength: "presence" };
    case "property":
      return { matches: iocs.androidProperty(value), strength: "presence" };
    case "text":
      return { matches: value.includes(".") ? iocs.urlsInText(value) : [], strength: "mention" };
    case "skip":
      return { matches: [], strength: "mention" };
  }
}

/** Indicator kinds that name an address the phone reached or was sent; the others name something present on it. */
const ADDRESS_KINDS = new Set<IndicatorKind>(["domain", "url", "ipv4", "ipv6", "email"]);

/**
 * The grade of an indicator of `type` another tool matched in a record of `module` (an MVT
 * alert), by the same scale as a re-check: something present is strong, an address is medium,
 * or weak in a module that only mentions addresses (messages, contacts).
 */
export function gradeForIndicator(type: IndicatorKind, module: string): Grade {
  return gradeOf(ADDRESS_KINDS.has(type) ? "visit" : "presence", module);
}

export function gradeOf(strength: "presence" | "visit" | "mention", module: string): Grade {
  if (strength === "presence") return "strong";
  if (strength === "visit") return MENTION_MODULES.test(module) ? "weak" : "medium";
  return "weak";
}

/** Values nested deeper than this in a record are not visited: the record is then not checked whole. */
export const MAX_RECORD_DEPTH = 32;

/**
 * Checks one record; returns its detections (one per indicator and matched value). `whole` is
 * set to false when part of the record lies deeper than MAX_RECORD_DEPTH and was not checked.
 */
export function recheckRecord(iocs: Matcher, module: string, record: unknown, artifact: string, whole: { value: boolean } = { value: true }): DetectionInput[] {
  const overrides = own(MODULE_FIELDS, module);
  const out: DetectionInput[] = [];
  const seen = new Set<string>();
  const timestamp = pickTimestamp(record);
  const visit = (value: unknown, key: string, parentKey: string, depth: number) => {
    if (value === null || value === undefined) return;
    if (depth > MAX_RECORD_DEPTH) {
      whole.value = false;
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key, parentKey, depth + 1);
      return;
    }
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const lk = k.toLowerCase();
        if ((own(overrides, lk) ?? own(FIELDS, lk)) === "skip") continue;
        visit(v, lk, key, depth + 1);
      }
      return;
    }
    if (typeof value !== "string" || value.length === 0) return;
    const check: Check = own(overrides, key) ?? own(FIELDS, key) ?? "text";
    const { matches, strength } = matchValue(iocs, check, value, parentKey);
    if (matches.length === 0) return;
    const fresh = matches.filter((m) => {
      const k = `${m.indicator.type}\0${m.indicator.value.toLowerCase()}\0${m.matched}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    out.push(
      ...fromMatches(fresh, {
        grade: gradeOf(strength, module),
        title: (m) =>
          msg(key ? "det.recheck.found_in_field" : "det.recheck.found", {
            set: m.indicator.set.name,
            kind: KIND_WORDS[m.indicator.type] ? msg(`det.recheck.kind.${m.indicator.type}`) : m.indicator.type,
            module,
            field: key,
            value: m.matched,
          }),
        why: msg(check === "ja3" || check === "ja4" ? "det.recheck.fingerprint.why" : `det.recheck.${strength}.why`),
        record,
        timestamp,
        artifact,
      }),
    );
  };
  visit(record, "", "", 0);
  return out;
}

/**
 * When a record's match happened, as the live check dates it: the first time a process was seen
 * (datausage, netusage: first_isodate before the last use in isodate), else the record's time.
 */
export function pickTimestamp(record: unknown): string | undefined {
  if (!record || typeof record !== "object") return undefined;
  const r = record as Record<string, unknown>;
  for (const k of ["first_isodate", "isodate", "timestamp", "date", "last_seen", "first_seen"]) {
    const v = r[k];
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return v;
  }
  return undefined;
}

/** A copy of `value` down to `levels` levels of arrays and objects; what lies below is replaced by a note. */
function cutBelow(value: unknown, levels: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (levels === 0) return "(nested too deep)";
  if (Array.isArray(value)) return value.map((v) => cutBelow(v, levels - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutBelow(v, levels - 1)]));
}

const kindOf = (x: unknown) => (x === null ? "null" : Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : `a ${typeof x}`);

/**
 * The records of a module output: a JSON array of records (objects), as Vigil and MVT write
 * them; MVT writes a few modules' results (backup_info) as one object, taken as one record.
 */
function moduleRecords(doc: unknown, producer: "vigil" | "mvt"): { records: unknown[] } | { problem: string } {
  if (Array.isArray(doc)) {
    const bad = doc.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
    return bad < 0 ? { records: doc } : { problem: `expected a JSON array of records (objects); item ${bad} is ${kindOf(doc[bad])}` };
  }
  if (producer === "mvt" && doc !== null && typeof doc === "object") return { records: [doc] };
  return { problem: `expected a JSON array of records, found ${kindOf(doc)}` };
}

export interface RecheckResult {
  modules: RecheckedModule[];
  coverage: Coverage[];
  detections: Detection[];
  inputs: InputFile[];
  /** "vigil" when the folder has Vigil's info.json, else "mvt". */
  producer: "vigil" | "mvt";
}

/** A module file that could not be re-checked at all: failed, with why. */
function unreadModule(module: string, name: string, why: Message): RecheckedModule {
  return { module, file: name, records: 0, detections: [], detectedRecords: [], coverage: { module, title: name, status: "failed", reason: english(why), reason_message: why } };
}

/**
 * Reads every module JSON of a results folder (read-only) and re-checks it. `moduleOf` names the
 * module a file's records come from (its field meanings and grades), given the file's name
 * without `.json`: MVT's slugs (aqf_packages) are read as the module they stand for.
 */
export function recheckResults(dir: string, iocs: Matcher, moduleOf: (slug: string) => string = (s) => s): RecheckResult {
  const names = readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith(".json") && !NOT_MODULES.test(n))
    .filter((n) => {
      // A name that cannot be looked at (a dangling or looping link) or that is not a file (a
      // FIFO) is kept: it fails that module, naming it, rather than being left out unseen.
      try {
        return !statSync(join(dir, n)).isDirectory();
      } catch {
        return true;
      }
    })
    .sort();
  let producer: "vigil" | "mvt" = "mvt";
  try {
    if (!isRegularFile(join(dir, "info.json"))) throw new Error("no info.json file");
    const info = JSON.parse(readFileSync(join(dir, "info.json"), "utf8")) as { tool?: string };
    if (info.tool === "vigil") producer = "vigil";
  } catch {
    // No or unreadable info.json: an MVT folder or a partial copy; the module files still count.
  }
  const modules: RecheckedModule[] = [];
  const inputs: InputFile[] = [];
  for (const name of names) {
    const module = moduleOf(name.slice(0, -5));
    const path = join(dir, name);
    let data: Buffer;
    try {
      // A FIFO would block the read for ever, a device give endless data.
      if (existsSync(path) && !isRegularFile(path)) throw new Error("not a regular file");
      data = readFileSync(path);
    } catch (e) {
      // Over 2 GiB (more than JSON.parse could take anyway), or gone since it was listed.
      const detail = describeError(e);
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        // A dangling or looping link: no size.
      }
      inputs.push({ path, sha256: "", size, error: detail });
      modules.push(unreadModule(module, name, msg("coverage.reason.unreadable", { file: name, detail })));
      continue;
    }
    inputs.push({ path, sha256: createHash("sha256").update(data).digest("hex"), size: data.length });
    let doc: unknown;
    try {
      doc = JSON.parse(data.toString("utf8"));
    } catch (e) {
      modules.push(unreadModule(module, name, msg("coverage.reason.not_json", { file: name, detail: (e as Error).message.split("\n")[0]! })));
      continue;
    }
    const shape = moduleRecords(doc, producer);
    if ("problem" in shape) {
      modules.push(unreadModule(module, name, msg("coverage.reason.not_module_output", { file: name, detail: shape.problem })));
      continue;
    }
    const records = shape.records;
    const detections: Detection[] = [];
    const detectedRecords: unknown[] = [];
    const artifact = name;
    let tooDeep = 0;
    for (const original of records) {
      const whole = { value: true };
      const ds = recheckRecord(iocs, module, original, artifact, whole);
      if (!whole.value) tooDeep++;
      if (ds.length === 0) continue;
      // A record too deep to check whole is too deep to write back (JSON.stringify overflows the
      // stack): its detections carry it down to the depth that was checked.
      const record = whole.value ? original : cutBelow(original, MAX_RECORD_DEPTH + 1);
      for (const d of ds) detections.push({ ...d, record, module, artifact: d.artifact ?? artifact });
      detectedRecords.push({
        ...(record && typeof record === "object" && !Array.isArray(record) ? record : { value: record }),
        matched_indicator: ds[0]!.matched_indicator,
      });
    }
    const nested = tooDeep ? msg("coverage.reason.nested", { file: name, n: tooDeep, depth: MAX_RECORD_DEPTH }) : undefined;
    const coverage: Coverage = nested
      ? {
          module,
          title: name,
          status: "failed",
          records: records.length - tooDeep,
          skipped: tooDeep,
          reason: english(nested),
          reason_message: nested,
          detections: detections.length,
          artifacts: [name],
        }
      : { module, title: name, status: "checked", records: records.length, detections: detections.length, artifacts: [name] };
    modules.push({ module, file: name, records: records.length, detections, detectedRecords, coverage });
  }
  return {
    modules,
    coverage: modules.map((m) => m.coverage),
    detections: modules.flatMap((m) => m.detections),
    inputs,
    producer,
  };
}
