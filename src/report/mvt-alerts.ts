// MVT's alerts in Vigil's model, mapped by their kind and level, never by their level alone
// (docs/mvt-compatibility.md, "MVT's alerts"). An alert that names no matched indicator is never
// a known-indicator detection: it becomes a behaviour sign (heuristic), an exposure entry, or an
// informational entry that does not count. MVT's message stays the title; the grade follows
// Vigil's scale, so the verdict follows Vigil's rules.
//
// MVT writes its alerts as a list of {level, module, message, event_time, event,
// matched_indicator} in alerts.json and in each module's <module>_detected.json; older versions
// wrote the flagged records themselves, each with matched_indicator, in <module>_detected.json.
import type { Detection, Grade, IndicatorKind, InformationalAlert, Message, ModuleExposure } from "../core/model.ts";
import { parseLooseTimestamp } from "../core/time.ts";
import { own } from "../core/own.ts";
import { gradeForIndicator } from "../indicators/recheck.ts";
import { monthsBetween, securityBulletins } from "../rules/device-exposure.ts";
import { english, msg } from "../core/i18n/index.ts";

/** MVT's indicator collection names (and STIX2 keys) as Vigil's indicator kinds. */
const MVT_TYPE: Record<string, IndicatorKind> = {
  domains: "domain",
  "domain-name:value": "domain",
  urls: "url",
  "url:value": "url",
  processes: "process",
  "process:name": "process",
  emails: "email",
  "email-addr:value": "email",
  file_names: "file_name",
  "file:name": "file_name",
  file_paths: "file_path",
  "file:path": "file_path",
  files_sha256: "sha256",
  "file:hashes.sha256": "sha256",
  files_sha1: "sha1",
  "file:hashes.sha1": "sha1",
  files_md5: "md5",
  "file:hashes.md5": "md5",
  app_cert_hashes: "app_cert_hash",
  "app:cert.sha256": "app_cert_hash",
  "app:cert.sha1": "app_cert_hash",
  "app:cert.md5": "app_cert_hash",
  app_ids: "app_id",
  "app:id": "app_id",
  ios_profile_ids: "configuration_profile",
  "configuration-profile:id": "configuration_profile",
  android_property_names: "android_property",
  "android-property:name": "android_property",
  ipv4_addresses: "ipv4",
  "ipv4-addr:value": "ipv4",
};

/** MVT's levels, most to least severe; "INFORMATIONAL" is how MVT writes INFO. */
type MvtLevel = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFO";

function levelOf(v: unknown): MvtLevel | undefined {
  const s = text(v).toUpperCase();
  if (s === "INFORMATIONAL" || s === "INFO") return "INFO";
  return (["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const).find((l) => l === s);
}

/** What a known kind of MVT alert becomes in Vigil. */
type Outcome =
  | { as: "heuristic"; grade: Grade; rule: string }
  | { as: "exposure"; exposure: (event: Record<string, unknown>) => Omit<ModuleExposure, "module" | "source"> | undefined }
  | { as: "informational" };

interface KnownKind {
  modules: RegExp;
  message: RegExp;
  outcome: Outcome;
}

/**
 * MVT's alerts that Vigil knows by kind (module and message), mapped to Vigil's own rule and
 * grade for the same finding, or to exposure. Checked before the level rule below.
 */
const KNOWN_KINDS: KnownKind[] = [
  { modules: /^global_preferences$/, message: /^Lockdown mode enabled/i, outcome: { as: "exposure", exposure: () => ({ kind: "lockdown_on", level: "info", params: {} }) } },
  { modules: /^global_preferences$/, message: /^Lockdown mode disabled/i, outcome: { as: "exposure", exposure: () => ({ kind: "lockdown_off", level: "risk", params: {} }) } },
  {
    modules: /getprop|get_prop/,
    message: /has not received security updates/i,
    outcome: { as: "exposure", exposure: (event) => patchExposure(text(event.value)) },
  },
  { modules: /^(datausage|netusage)$/, message: /^Missing process/i, outcome: { as: "heuristic", grade: "weak", rule: "process-id-gap" } },
  { modules: /^(datausage|netusage)$/, message: /^Found manipulated process/i, outcome: { as: "heuristic", grade: "weak", rule: "process-record-deleted" } },
  { modules: /^sms$/, message: /state-sponsored attack/i, outcome: { as: "heuristic", grade: "medium", rule: "apple-threat-notification" } },
  { modules: /^root_binaries$/, message: /^Found root binary/i, outcome: { as: "heuristic", grade: "medium", rule: "android-root-binary" } },
  { modules: /packages/, message: /related to rooting/i, outcome: { as: "heuristic", grade: "medium", rule: "android-root-package" } },
  { modules: /packages/, message: /installed via (a browser|adb)/i, outcome: { as: "heuristic", grade: "weak", rule: "android-app-not-from-store" } },
  { modules: /accessibility/, message: /^Found accessibility service/i, outcome: { as: "heuristic", grade: "weak", rule: "android-user-accessibility-service" } },
  { modules: /mounts/, message: /mounted as read-write/i, outcome: { as: "heuristic", grade: "medium", rule: "android-system-partition-rw" } },
];

/** Any other alert without a matched indicator, by MVT's level. */
const BY_LEVEL: Record<MvtLevel, Outcome> = {
  CRITICAL: { as: "heuristic", grade: "medium", rule: "mvt-alert-high" },
  HIGH: { as: "heuristic", grade: "medium", rule: "mvt-alert-high" },
  MEDIUM: { as: "heuristic", grade: "weak", rule: "mvt-alert-medium" },
  LOW: { as: "heuristic", grade: "weak", rule: "mvt-alert-low" },
  INFO: { as: "informational" },
};

function patchExposure(patch: string): Omit<ModuleExposure, "module" | "source"> | undefined {
  const { latest_bulletin } = securityBulletins();
  const months = monthsBetween(patch, latest_bulletin);
  if (months === undefined) return undefined;
  return { kind: "old_security_patch", level: "risk", params: { patch: patch.trim(), months, bulletin: latest_bulletin } };
}

export interface MappedAlerts {
  detections: Detection[];
  exposure: ModuleExposure[];
  informational: InformationalAlert[];
}

/**
 * A value of MVT's JSON as text: a string as it is, a number or boolean written out, anything
 * else "" (String() of an object can throw: {"toString": 1}).
 */
function text(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mvtTimestamp(rec: Record<string, unknown>): string | undefined {
  for (const k of ["event_time", "isodate", "timestamp", "first_isodate", "last_seen", "date", "visit_date", "modified", "created"]) {
    const v = rec[k];
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return parseLooseTimestamp(v);
  }
  return undefined;
}

/** The indicator kind of an MVT indicator: by its collection name, else by the value's shape. */
function kindOf(type: string, value: string): IndicatorKind {
  const known = own(MVT_TYPE, type);
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return "url";
  if (/^[0-9a-f]{64}$/i.test(value)) return "sha256";
  if (/^[0-9a-f]{40}$/i.test(value)) return "sha1";
  if (/^[0-9a-f]{32}$/i.test(value)) return "md5";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return "ipv4";
  if (value.includes("@")) return "email";
  if (value.startsWith("/")) return "file_path";
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return "domain";
  return "process";
}

/**
 * Maps MVT's alerts (or, from older MVT, flagged records) of one module. `module`: the file's
 * module, used when an alert does not name its own.
 */
export function mapMvtAlerts(items: unknown[], module: string): MappedAlerts {
  const out: MappedAlerts = { detections: [], exposure: [], informational: [] };
  for (const item of items) {
    if (!isObject(item)) continue;
    const level = levelOf(item.level);
    // An alert (level, message, event) or, from older MVT, the flagged record itself.
    const alert = level !== undefined && ("message" in item || "event" in item);
    const mod = alert && typeof item.module === "string" && item.module && item.module !== "unknown" ? item.module : module;
    const event = alert ? (isObject(item.event) ? item.event : {}) : item;
    const message = alert ? text(item.message) : "";
    const timestamp = (alert ? mvtTimestamp({ event_time: item.event_time }) : undefined) ?? mvtTimestamp(event);
    const mi = isObject(item.matched_indicator) ? item.matched_indicator : isObject(event.matched_indicator) ? event.matched_indicator : undefined;
    const value = mi && typeof mi.value === "string" ? mi.value.trim() : "";
    const record = alert ? event : withoutIndicator(item);
    const mvt = { level: level ?? "unknown", message };
    if (mi && value) {
      const type = kindOf(text(mi.type), value);
      const set = text(mi.name) || text(mi.stix2_file_name) || "MVT";
      const title = titleOf(message, msg("mvt.indicator.title", { value, set, module: mod }));
      out.detections.push({
        module: mod,
        grade: gradeForIndicator(type, mod),
        kind: "indicator",
        title: english(title),
        message: { title },
        matched: value,
        matched_indicator: { value, type, name: set, stix2_file_name: text(mi.stix2_file_name), source: text(mi.stix2_file_name), sha256: "" },
        artifact: `${mod}.json`,
        ...(timestamp ? { timestamp } : {}),
        record,
        mvt,
      });
      continue;
    }
    const known = alert ? KNOWN_KINDS.find((k) => k.modules.test(mod) && k.message.test(message)) : undefined;
    const outcome: Outcome = known?.outcome ?? (level ? BY_LEVEL[level] : { as: "heuristic", grade: "weak", rule: "mvt-flagged-record" });
    const title = titleOf(message, msg("mvt.flagged.title", { module: mod }));
    if (outcome.as === "exposure") {
      const e = outcome.exposure(event);
      if (e) {
        out.exposure.push({ ...e, module: mod, artifact: `${mod}.json`, ...(timestamp ? { timestamp } : {}), source: { tool: "mvt", level: mvt.level, message } });
        continue;
      }
    }
    if (outcome.as === "informational" || outcome.as === "exposure") {
      out.informational.push({ module: mod, level: "INFORMATIONAL", kind: "informational", title: english(title), artifact: `${mod}.json`, ...(timestamp ? { timestamp } : {}), record });
      continue;
    }
    const why = msg("mvt.heuristic.why", { level: mvt.level });
    // MVT's own catch-all levels have their rule in the catalogs; a known kind names Vigil's rule for the same finding.
    const rule = outcome.rule.startsWith("mvt-") ? msg(`rule.${outcome.rule}.description`, { level: mvt.level }) : msg("mvt.rule.vigil", { level: mvt.level });
    out.detections.push({
      module: mod,
      grade: outcome.grade,
      kind: "heuristic",
      title: english(title),
      why: english(why),
      message: { title, why, rule },
      matched: message || mod,
      rule: { id: outcome.rule, description: english(rule) },
      artifact: `${mod}.json`,
      ...(timestamp ? { timestamp } : {}),
      record,
      mvt,
    });
  }
  return out;
}

/**
 * A detection's title as a message: MVT's own words when it gave some (shown as they are, in
 * every language), else Vigil's sentence.
 */
function titleOf(message: string, fallback: Message): Message {
  return message ? msg("mvt.message", { message }) : fallback;
}

function withoutIndicator(r: Record<string, unknown>): Record<string, unknown> {
  const { matched_indicator: _drop, ...rest } = r;
  return rest;
}
