// TCC.db: the privacy permissions (camera, microphone, contacts, photos, ...) each app or
// process asked for, and what the user or the system answered.
import type { ModuleContext } from "../contract.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { dedupeMatches, fromMatches } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { fromUnixSeconds } from "../../core/time.ts";
import { baseName } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";
import { own } from "../../core/own.ts";

export interface TccRecord {
  service: string;
  client: string;
  /** "bundle_id" or "absolute_path" (TCC's client_type 0 or 1). */
  client_type: string;
  /** iOS 14 and later: denied, unknown, allowed, limited. */
  auth_value?: string;
  auth_reason_desc?: string;
  /** iOS 13 and earlier: denied or allowed. */
  allowed_value?: string;
  prompt_count?: number | null;
  /** Absent on iOS 11 and earlier, whose table has no such column. */
  last_modified?: string | null;
}

const AUTH_VALUES: Record<number, string> = { 0: "denied", 1: "unknown", 2: "allowed", 3: "limited" };
const ALLOWED_OLD: Record<number, string> = { 0: "denied", 1: "allowed" };
const AUTH_REASONS: Record<number, string> = {
  1: "error",
  2: "user_consent",
  3: "user_set",
  4: "system_set",
  5: "service_policy",
  6: "mdm_policy",
  7: "override_policy",
  8: "missing_usage_string",
  9: "prompt_timeout",
  10: "preflight_unknown",
  11: "entitled",
  12: "app_type_policy",
};
/** Plain words for the services an investigator cares most about; others keep their TCC name. */
const SERVICE_WORDS: Record<string, string> = {
  kTCCServiceCamera: "the camera",
  kTCCServiceMicrophone: "the microphone",
  kTCCServiceAddressBook: "contacts",
  kTCCServiceCalendar: "the calendar",
  kTCCServiceReminders: "reminders",
  kTCCServicePhotos: "photos",
  kTCCServicePhotosAdd: "adding photos",
  kTCCServiceMediaLibrary: "the media library",
  kTCCServiceMotion: "motion data",
  kTCCServiceBluetoothAlways: "Bluetooth",
  kTCCServiceSpeechRecognition: "speech recognition",
  kTCCServiceWillow: "HomeKit",
  kTCCServiceUserTracking: "tracking across apps",
  kTCCServiceFaceID: "Face ID",
};

type Generation = "v3" | "v2" | "v1";

function generation(cols: Set<string>, file: string): Generation {
  // iOS 14 replaced allowed/prompt_count with auth_value/auth_reason.
  if (cols.has("auth_value") && cols.has("auth_reason") && cols.has("last_modified")) return "v3";
  if (cols.has("allowed") && cols.has("prompt_count")) return cols.has("last_modified") ? "v2" : "v1";
  throw new VigilError("unexpected schema: table access has neither auth_value/auth_reason (iOS 14+) nor allowed/prompt_count (iOS 13 and earlier)", { file, code: "schema" });
}

const QUERIES: Record<Generation, string> = {
  v3: "SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access",
  v2: "SELECT service, client, client_type, allowed, prompt_count, last_modified FROM access",
  v1: "SELECT service, client, client_type, allowed, prompt_count, NULL FROM access",
};

const n = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : null);


export default defineSqliteModule<TccRecord>({
  name: "tcc",
  title: "Privacy permissions (TCC)",
  platform: "ios",
  description:
    "Reads TCC.db, the privacy permissions apps and processes asked for (camera, microphone, contacts, photos...) and the answers, in the three schema generations (iOS 11 and earlier, iOS 12–13, iOS 14 and later). Flags clients that are known spyware processes, apps or paths.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/TCC/TCC.db" }],
    fs: ["private/var/mobile/Library/TCC/TCC.db"],
  },
  requires: { access: ["service", "client", "client_type"] },
  *rows(db) {
    const gen = generation(db.columns("access"), db.path);
    for (const row of db.rows<unknown[]>(QUERIES[gen])) {
      const base = {
        service: String(row[0]),
        client: String(row[1]),
        client_type: n(row[2]) === 0 ? "bundle_id" : "absolute_path",
      };
      if (gen === "v3") {
        const value = n(row[3]);
        const reason = n(row[4]);
        yield {
          ...base,
          auth_value: value === null ? "" : (AUTH_VALUES[value] ?? String(value)),
          auth_reason_desc: reason === null ? "unknown" : (AUTH_REASONS[reason] ?? "unknown"),
          last_modified: fromUnixSeconds(n(row[5])) ?? null,
        };
      } else {
        const allowed = n(row[3]);
        const rec: TccRecord = {
          ...base,
          allowed_value: allowed === null ? "" : (ALLOWED_OLD[allowed] ?? String(allowed)),
          prompt_count: n(row[4]),
        };
        if (gen === "v2") rec.last_modified = fromUnixSeconds(n(row[5])) ?? null;
        yield rec;
      }
    }
  },
  events(r) {
    if (!r.last_modified) return [];
    const word = own(SERVICE_WORDS, r.service);
    const what = word ? `${word} (${r.service})` : r.service;
    const answer = r.auth_value !== undefined ? `${r.auth_value}${r.auth_reason_desc ? ` (${r.auth_reason_desc})` : ""}` : r.allowed_value;
    return [{ timestamp: r.last_modified, event: "access_request", description: `Access to ${what} by ${r.client}: ${answer}` }];
  },
  check(r, ctx: ModuleContext): DetectionInput[] {
    const iocs = ctx.iocs;
    const ms: IndicatorMatch[] = [];
    if (r.client_type === "bundle_id") {
      ms.push(...iocs.appId(r.client), ...iocs.process(r.client));
    } else {
      ms.push(...iocs.filePath(r.client), ...iocs.process(baseName(r.client)));
    }
    if (!ms.length) return [];
    return fromMatches(dedupeMatches(ms), {
      grade: "strong",
      title: (m) => msg(`det.tcc.${m.indicator.type === "file_path" ? "file" : m.indicator.type === "app_id" ? "app" : "process"}`, { value: m.matched, service: r.service, set: m.indicator.set.name }),
      why: msg("det.tcc.why"),
      timestamp: r.last_modified ?? undefined,
    });
  },
});
