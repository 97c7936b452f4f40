// Installed configuration profiles (the profile-*.stub copies iOS keeps of each installed
// profile) and CloudConfigurationDetails.plist (supervision / automated MDM enrollment).
// Profiles can hide notifications, trust a root certificate or enroll the phone in an MDM:
// all ways to watch or control a phone without a software exploit.
import type { FileEntry } from "../../acquisitions/view.ts";
import { defineModule } from "../contract.ts";
import { dedupeMatches, fromMatches, heuristic, codeRule } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch } from "../../core/model.ts";
import { describeError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import type { PlistValue } from "../../formats/plist.ts";
import { isDict, plistToJson, readPlistDict, str, type JsonValue } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ProfileRecord {
  kind: "profile";
  /** MVT's fields. */
  file_id: string | null;
  relative_path: string | null;
  domain: string | null;
  install_date: string | null;
  plist: JsonValue;
  /** Vigil's summary of the plist. */
  path: string;
  identifier: string | null;
  uuid: string | null;
  display_name: string | null;
  organization: string | null;
  description: string | null;
  payload_types: string[];
  removal_disallowed: boolean;
  /** Bundle ids whose notifications a notificationsettings payload hides. */
  hidden_notifications?: string[];
}

export interface CloudConfigurationRecord {
  kind: "cloud_configuration";
  path: string;
  is_supervised: boolean | null;
  is_mandatory: boolean | null;
  organization_name: string | null;
  configuration_url: string | null;
  plist: JsonValue;
}

export type ConfigurationProfilesRecord = ProfileRecord | CloudConfigurationRecord;

export const RULE_HIDES_NOTIFICATIONS = codeRule("profile-hides-notifications");
export const RULE_ROOT_CA = codeRule("profile-root-certificate");
export const RULE_MDM = codeRule("profile-mdm-enrollment");

const bool = (v: unknown): boolean | null => (typeof v === "boolean" ? v : typeof v === "number" ? v !== 0 : null);

function payloads(p: Record<string, PlistValue>): Record<string, PlistValue>[] {
  const c = p["PayloadContent"];
  return Array.isArray(c) ? c.filter(isDict) : [];
}

/**
 * Bundle ids a notificationsettings payload silences. A payload whose per-app settings are not
 * in the stub counts as hiding, shown as "*": the stub says the payload is there but not what it does.
 */
function hiddenNotifications(p: Record<string, PlistValue>): string[] | undefined {
  let out: string[] | undefined;
  for (const pl of payloads(p)) {
    if (pl["PayloadType"] !== "com.apple.notificationsettings") continue;
    out ??= [];
    const settings = pl["NotificationSettings"];
    if (!Array.isArray(settings) || settings.length === 0) {
      out.push("*");
      continue;
    }
    for (const s of settings as unknown[]) {
      if (!isDict(s)) continue;
      const hides =
        s["NotificationsEnabled"] === false ||
        s["ShowInNotificationCenter"] === false ||
        s["ShowInLockScreen"] === false ||
        s["AlertType"] === 0;
      if (hides) out.push(str(s["BundleIdentifier"]) ?? "?");
    }
  }
  return out;
}

function profileRecord(file: FileEntry, p: Record<string, PlistValue>): ProfileRecord {
  const types = payloads(p)
    .map((x) => str(x["PayloadType"]))
    .filter((x): x is string => !!x);
  const install = p["InstallDate"];
  const rec: ProfileRecord = {
    kind: "profile",
    file_id: file.fileId ?? null,
    relative_path: file.relativePath ?? null,
    domain: file.domain ?? null,
    install_date: install instanceof Date ? (fromDate(install) ?? null) : null,
    plist: plistToJson(p),
    path: file.path,
    identifier: str(p["PayloadIdentifier"]) ?? null,
    uuid: str(p["PayloadUUID"]) ?? null,
    display_name: str(p["PayloadDisplayName"]) ?? null,
    organization: str(p["PayloadOrganization"]) ?? null,
    description: str(p["PayloadDescription"]) ?? null,
    payload_types: types,
    removal_disallowed: p["PayloadRemovalDisallowed"] === true,
  };
  const hidden = hiddenNotifications(p);
  if (hidden?.length) rec.hidden_notifications = hidden;
  return rec;
}

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);


const CP_DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
const SYSTEM_GROUP = "private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles";

export default defineModule<ConfigurationProfilesRecord>({
  name: "configuration_profiles",
  title: "Configuration profiles",
  platform: "ios",
  description:
    "Reads the copies iOS keeps of installed configuration profiles (profile-*.stub: identifier, UUID, name, install date, payload types) and CloudConfigurationDetails.plist (supervision, automated MDM enrollment). Flags known malicious profiles, profiles that hide notifications, install a root certificate or enroll the phone in an MDM.",
  reads: {
    backup: [
      { domain: CP_DOMAIN, path: "**/profile-*" },
      { domain: CP_DOMAIN, path: "Library/ConfigurationProfiles/CloudConfigurationDetails.plist" },
    ],
    fs: [
      `${SYSTEM_GROUP}/profile-*`,
      `${SYSTEM_GROUP}/CloudConfigurationDetails.plist`,
      // iOS versions before the shared system group kept them in the mobile user's Library.
      "private/var/mobile/Library/ConfigurationProfiles/profile-*",
    ],
  },
  async *records(ctx) {
    const stubs = ctx.files.filter((f) => base(f.path) !== "CloudConfigurationDetails.plist").length;
    let ok = 0;
    let firstError: unknown;
    for (const file of ctx.files) {
      const isCloud = base(file.path) === "CloudConfigurationDetails.plist";
      let p: Record<string, PlistValue>;
      try {
        p = await readPlistDict(ctx.view, file);
      } catch (e) {
        // One unreadable profile must not hide the others, and the supervision details are
        // context: without them the list of installed profiles is still complete.
        if (!isCloud && stubs === 1) throw e;
        if (!isCloud) firstError ??= e;
        ctx.warn(describeError(e));
        continue;
      }
      if (!isCloud) ok++;
      if (isCloud) {
        yield {
          kind: "cloud_configuration",
          path: file.path,
          is_supervised: bool(p["IsSupervised"]),
          is_mandatory: bool(p["IsMandatory"]),
          organization_name: str(p["OrganizationName"]) ?? null,
          configuration_url: str(p["ConfigurationURL"]) ?? null,
          plist: plistToJson(p),
        };
      } else {
        yield profileRecord(file, p);
      }
    }
    if (ok === 0 && firstError) throw firstError;
  },
  events(r) {
    if (r.kind !== "profile" || !r.install_date) return [];
    const name = r.display_name ?? r.identifier ?? r.uuid ?? "unnamed profile";
    return [
      {
        timestamp: r.install_date,
        event: "configuration_profile_install",
        description: `Configuration profile "${name}" (${r.identifier ?? "no identifier"}, UUID ${r.uuid ?? "none"}) installed; payloads: ${r.payload_types.join(", ") || "none listed"}`,
      },
    ];
  },
  check(r, ctx) {
    if (r.kind !== "profile") return [];
    const out: DetectionInput[] = [];
    const name = r.display_name ?? r.identifier ?? r.uuid ?? "unnamed profile";
    const ms: IndicatorMatch[] = [];
    if (r.uuid) ms.push(...ctx.iocs.configurationProfile(r.uuid));
    if (r.identifier) ms.push(...ctx.iocs.configurationProfile(r.identifier));
    out.push(
      ...fromMatches(dedupeMatches(ms), {
        grade: "strong",
        title: (m) => msg("det.configuration_profiles.known", { name, value: m.matched, set: m.indicator.set.name }),
        why: msg("det.configuration_profiles.known.why"),
        timestamp: r.install_date ?? undefined,
        artifact: r.path,
      }),
    );
    const common = { timestamp: r.install_date ?? undefined, artifact: r.path };
    if (r.hidden_notifications?.length) {
      const apps = r.hidden_notifications.includes("*") ? msg("det.configuration_profiles.hidden_any") : msg("det.configuration_profiles.hidden_of", { apps: r.hidden_notifications.join(", ") });
      out.push(
        heuristic({
          rule: RULE_HIDES_NOTIFICATIONS.id,
          ruleDescription: RULE_HIDES_NOTIFICATIONS.description,
          grade: "medium",
          title: msg("det.configuration_profiles.hides", { name, apps }),
          why: msg("det.configuration_profiles.hides.why"),
          matched: `${r.identifier ?? r.uuid ?? name}: com.apple.notificationsettings`,
          ...common,
        }),
      );
    }
    if (r.payload_types.includes("com.apple.security.root")) {
      out.push(
        heuristic({
          rule: RULE_ROOT_CA.id,
          ruleDescription: RULE_ROOT_CA.description,
          grade: "weak",
          title: msg("det.configuration_profiles.root_ca", { name }),
          why: msg("det.configuration_profiles.root_ca.why"),
          matched: `${r.identifier ?? r.uuid ?? name}: com.apple.security.root`,
          ...common,
        }),
      );
    }
    if (r.payload_types.includes("com.apple.mdm")) {
      out.push(
        heuristic({
          rule: RULE_MDM.id,
          ruleDescription: RULE_MDM.description,
          grade: "weak",
          title: msg("det.configuration_profiles.mdm", { name }),
          why: msg("det.configuration_profiles.mdm.why"),
          matched: `${r.identifier ?? r.uuid ?? name}: com.apple.mdm`,
          ...common,
        }),
      );
    }
    return out;
  },
});
