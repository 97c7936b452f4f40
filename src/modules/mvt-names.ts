// MVT's names for Vigil's modules: the results file (`<slug>.json`) and the plugin its timeline
// shows, on each acquisition kind where MVT has the same module. Scripts written for MVT's
// results folders find the files where MVT puts them; modules MVT does not have keep Vigil's
// name. Inside a check, coverage, detections and rules keep speaking of Vigil's module names:
// only the files (and the MVT-shaped columns of alerts and timeline) use these.
import type { SpecKey } from "../acquisitions/view.ts";

export interface MvtName {
  /** MVT's results file slug (`aqf_packages` for aqf_packages.json). */
  slug: string;
  /** MVT's module class, as its timeline.csv names the plugin. */
  plugin: string;
}

type PerKind = Partial<Record<SpecKey, MvtName>>;

const IOS: SpecKey[] = ["backup", "fs"];
const same = (slug: string, plugin: string, kinds: SpecKey[] = IOS): PerKind => Object.fromEntries(kinds.map((k) => [k, { slug, plugin }]));
const DUMPSYS: SpecKey[] = ["androidqf", "bugreport"];

/** Vigil module name → MVT's name, per acquisition kind (the view's spec key). */
const MVT_NAMES: Record<string, PerKind> = {
  // iOS backup and full-filesystem dump (MVT's "mixed", "backup" and "fs" modules).
  applications: same("applications", "Applications"),
  backup_info: same("backup_info", "BackupInfo", ["backup"]),
  cache_files: same("cache_files", "CacheFiles", ["fs"]),
  calendar: same("calendar", "Calendar"),
  calls: same("calls", "Calls"),
  chrome_favicon: same("chrome_favicon", "ChromeFavicon"),
  chrome_history: same("chrome_history", "ChromeHistory"),
  configuration_profiles: same("configuration_profiles", "ConfigurationProfiles", ["backup"]),
  contacts: same("contacts", "Contacts"),
  datausage: same("datausage", "Datausage"),
  filesystem: same("filesystem", "Filesystem", ["fs"]),
  firefox_favicon: same("firefox_favicon", "FirefoxFavicon"),
  firefox_history: same("firefox_history", "FirefoxHistory"),
  global_preferences: same("global_preferences", "GlobalPreferences"),
  idstatuscache: same("id_status_cache", "IDStatusCache"),
  interactionc: same("interaction_c", "InteractionC"),
  keychain_analytics: same("analytics", "Analytics", ["fs"]),
  locationd_clients: same("locationd_clients", "LocationdClients"),
  manifest: same("manifest", "Manifest", ["backup"]),
  netusage: same("netusage", "Netusage", ["fs"]),
  os_analytics_ad_daily: same("os_analytics_ad_daily", "OSAnalyticsADDaily"),
  profile_events: same("profile_events", "ProfileEvents", ["backup"]),
  safari_browser_state: same("safari_browser_state", "SafariBrowserState"),
  safari_favicon: same("safari_favicon", "SafariFavicon", ["fs"]),
  safari_history: same("safari_history", "SafariHistory"),
  shortcuts: same("shortcuts", "Shortcuts"),
  shutdown_log: same("shutdown_log", "ShutdownLog", ["fs"]),
  sms: { ...same("sms", "SMS"), android_backup: { slug: "sms", plugin: "SMS" } },
  sms_attachments: same("sms_attachments", "SMSAttachments"),
  tcc: same("tcc", "TCC"),
  webkit_indexeddb: same("webkit_indexeddb", "WebkitIndexedDB", ["fs"]),
  webkit_local_storage: same("webkit_local_storage", "WebkitLocalStorage", ["fs"]),
  webkit_resource_load_statistics: same("webkit_resource_load_statistics", "WebkitResourceLoadStatistics"),
  webkit_safari_view_service: same("webkit_safari_view_service", "WebkitSafariViewService", ["fs"]),
  webkit_session_resource_log: same("webkit_session_resource_log", "WebkitSessionResourceLog"),
  whatsapp: same("whatsapp", "Whatsapp"),
  whatsapp_contacts: same("whatsapp_contacts", "WhatsappContacts"),
  // androidqf (MVT's aqf_* modules) and bugreport (MVT's dumpsys modules). MVT reads the dumpsys
  // services from a bugreport only; Vigil also reads androidqf's dumpsys.txt, into the same files.
  packages: { androidqf: { slug: "aqf_packages", plugin: "AQFPackages" } },
  processes: { androidqf: { slug: "aqf_processes", plugin: "AQFProcesses" } },
  getprop: { androidqf: { slug: "aqf_get_prop", plugin: "AQFGetProp" }, bugreport: { slug: "dumpsys_get_prop", plugin: "DumpsysGetProp" } },
  settings: { androidqf: { slug: "aqf_settings", plugin: "AQFSettings" } },
  files: { androidqf: { slug: "aqf_files", plugin: "AQFFiles" } },
  mounts: same("mounts", "Mounts", ["androidqf"]),
  root_binaries: same("root_binaries", "RootBinaries", ["androidqf"]),
  tombstones: same("tombstones", "Tombstones", ["bugreport"]),
  dumpsys_accessibility: same("dumpsys_accessibility", "DumpsysAccessibility", DUMPSYS),
  dumpsys_activities: same("dumpsys_activities", "DumpsysActivities", DUMPSYS),
  dumpsys_adb: same("dumpsys_adb_state", "DumpsysADBState", DUMPSYS),
  dumpsys_appops: same("dumpsys_appops", "DumpsysAppops", DUMPSYS),
  dumpsys_battery_daily: same("dumpsys_battery_daily", "DumpsysBatteryDaily", DUMPSYS),
  dumpsys_battery_history: same("dumpsys_battery_history", "DumpsysBatteryHistory", DUMPSYS),
  dumpsys_dbinfo: same("dbinfo", "DumpsysDBInfo", DUMPSYS),
  dumpsys_packages: same("dumpsys_packages", "DumpsysPackages", DUMPSYS),
  dumpsys_platform_compat: same("dumpsys_platform_compat", "DumpsysPlatformCompat", DUMPSYS),
  dumpsys_receivers: same("dumpsys_receivers", "DumpsysReceivers", DUMPSYS),
  // Android intrusion logs (MVT's check-intrusion-logs).
  intrusion_connections: same("connect_event", "ConnectEvent", ["intrusion_logs"]),
  intrusion_dns: same("dns_event", "DnsEvent", ["intrusion_logs"]),
  intrusion_security_events: same("security_event", "SecurityEvent", ["intrusion_logs"]),
};

/** MVT's name for a module on one kind of acquisition; undefined where MVT has no such module. */
export function mvtName(module: string, kind: SpecKey): MvtName | undefined {
  return MVT_NAMES[module]?.[kind];
}

/** The results file slug of a module on one kind of acquisition: MVT's where MVT has it, else Vigil's name. */
export function resultsSlug(module: string, kind: SpecKey): string {
  return mvtName(module, kind)?.slug ?? module;
}

/** The plugin name of a module in timeline.csv: MVT's class where MVT has it, else Vigil's name. */
export function timelinePlugin(module: string, kind: SpecKey): string {
  return mvtName(module, kind)?.plugin ?? module;
}

/** Every slug a module's results file can have (its own name first). */
export function resultsSlugsOf(module: string): string[] {
  const out = [module];
  for (const n of Object.values(MVT_NAMES[module] ?? {})) if (n && !out.includes(n.slug)) out.push(n.slug);
  return out;
}

const BY_SLUG = new Map<string, string>();
for (const [module, kinds] of Object.entries(MVT_NAMES)) for (const n of Object.values(kinds)) if (n && n.slug !== module) BY_SLUG.set(n.slug, module);

/**
 * The Vigil module whose records a results file slug holds (`aqf_packages` → `packages`), for
 * the field meanings of a re-check or the case archive; the slug itself when it is Vigil's own
 * name or unknown. An MVT folder's files are read the same way.
 */
export function moduleOfSlug(slug: string): string {
  return BY_SLUG.get(slug) ?? slug;
}

const BY_PLUGIN = new Map<string, string>();
for (const [module, kinds] of Object.entries(MVT_NAMES)) for (const n of Object.values(kinds)) if (n) BY_PLUGIN.set(n.plugin, module);

/** The Vigil module a timeline.csv plugin name stands for (`SafariHistory` → `safari_history`); the name itself otherwise. */
export function moduleOfPlugin(plugin: string): string {
  return BY_PLUGIN.get(plugin) ?? plugin;
}

/** The whole table, for docs/mvt-compatibility.md and `vigil modules`. */
export function mvtNameTable(): { module: string; kind: SpecKey; name: MvtName }[] {
  const out: { module: string; kind: SpecKey; name: MvtName }[] = [];
  for (const [module, kinds] of Object.entries(MVT_NAMES)) for (const [kind, name] of Object.entries(kinds)) if (name) out.push({ module, kind: kind as SpecKey, name });
  return out;
}
