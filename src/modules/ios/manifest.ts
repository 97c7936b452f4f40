// Every item a backup's Manifest.db lists (files, folders, symlinks) with the times, mode, owner
// and size of its MBFile record, as MVT's manifest module. The listing is a map of what existed
// on the phone at backup time: a known spyware file path or name is a strong trace; a host name
// inside a file name (WebKit and Safari keep website data in folders such as
// "https_evil.com_0") says the phone stored data for that site.
import { entryPages, type FileEntry } from "../../acquisitions/view.ts";
import { batched, defineModule, type ModuleContext } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch } from "../../core/model.ts";
import type { Matcher } from "../../indicators/matcher-api.ts";
import { msg } from "../../core/i18n/index.ts";
import { own } from "../../core/own.ts";

export interface ManifestRecord {
  file_id: string;
  domain: string;
  relative_path: string;
  /** Files.flags: 1 file, 2 directory, 4 symlink. */
  flags: number | null;
  type: "file" | "directory" | "symlink" | "special";
  created: string | null;
  modified: string | null;
  status_changed: string | null;
  /** Octal, as MVT writes it ("0o100644"). */
  mode: string | null;
  owner: number | null;
  size: number | null;
  protection_class: number | null;
  /** Where the item lived on the phone, when the domain maps to a fixed folder. */
  device_path: string | null;
  symlink_target?: string;
}

/** Backup domains whose items live under one fixed folder on the phone. */
const DOMAIN_ROOTS: Record<string, string> = {
  HomeDomain: "/private/var/mobile",
  CameraRollDomain: "/private/var/mobile",
  MediaDomain: "/private/var/mobile",
  KeyboardDomain: "/private/var/mobile",
  TonesDomain: "/private/var/mobile",
  HomeKitDomain: "/private/var/mobile",
  BooksDomain: "/private/var/mobile/Media/Books",
  RootDomain: "/private/var/root",
  WirelessDomain: "/private/var/wireless",
  SystemPreferencesDomain: "/private/var/preferences",
  ManagedPreferencesDomain: "/private/var/Managed Preferences",
  DatabaseDomain: "/private/var/db",
  MobileDeviceDomain: "/private/var/MobileDevice",
  InstallDomain: "/private/var/installd",
  NetworkDomain: "/private/var/networkd",
  ProtectedDomain: "/private/var/protected",
};

export function devicePath(domain: string, relativePath: string): string | null {
  const root = own(DOMAIN_ROOTS, domain);
  if (!root) return null;
  return relativePath ? `${root}/${relativePath}` : root;
}

const HOST = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
/** WebKit/Safari website-data names: scheme_host_port, optionally with an extension. */
const ORIGIN = /^(?:https?|wss?|ftp)_([^_/]+)_\d+(?:\.[a-z]+)*$/i;
/** Extensions that follow a host in a file name ("evil.com.plist"); stripped before matching. */
const FILE_EXT = /\.(?:plist|db|sqlite|sqlite3|sqlitedb|localstorage|json|log|txt|dat|data|binarycookies|cookies|cache|png|jpe?g|gif|ico|webp|html?|js|css|bin|wal|shm|journal)$/i;

export interface HostMention {
  host: string;
  /** The name is a website-data origin ("https_evil.com_0"). */
  origin: boolean;
  /** The path up to and including the component that names the host. */
  at: string;
}

/**
 * Host names mentioned in a path. Components are split on "_" (WebKit origins, MVT does the
 * same); a trailing file extension is dropped. Matching then goes through the indicator
 * matcher's domain(), which compares whole labels: "notevil.com" never matches "evil.com".
 */
export function hostsInPath(relativePath: string): HostMention[] {
  if (!relativePath.includes(".")) return NONE;
  // Folders repeat across thousands of files: their hosts are computed once.
  const slash = relativePath.lastIndexOf("/");
  if (slash < 0) return hostsInComponent(relativePath, relativePath);
  const dir = relativePath.slice(0, slash);
  let inDir = dirCache.get(dir);
  if (!inDir) {
    inDir = [];
    if (dir.includes(".")) {
      let at = "";
      for (const comp of dir.split("/")) {
        at = at ? `${at}/${comp}` : comp;
        if (comp.includes(".")) inDir.push(...hostsInComponent(comp, at));
      }
    }
    if (dirCache.size > 20000) dirCache.clear();
    dirCache.set(dir, inDir);
  }
  const own = hostsInComponent(relativePath.slice(slash + 1), relativePath);
  return inDir.length === 0 ? own : own.length === 0 ? inDir : [...inDir, ...own];
}
const NONE: HostMention[] = [];
const dirCache = new Map<string, HostMention[]>();

function hostsInComponent(comp: string, at: string): HostMention[] {
  if (!comp.includes(".")) return NONE;
  const origin = ORIGIN.exec(comp);
  if (origin) {
    const h = origin[1].replace(FILE_EXT, "");
    return HOST.test(h) ? [{ host: h.toLowerCase(), origin: true, at }] : NONE;
  }
  let out: HostMention[] = NONE;
  for (const part of comp.split("_")) {
    if (!part.includes(".")) continue;
    let h = part;
    while (FILE_EXT.test(h)) h = h.replace(FILE_EXT, "");
    if (HOST.test(h)) {
      if (out === NONE) out = [];
      out.push({ host: h.toLowerCase(), origin: false, at });
    }
  }
  return out;
}

function toRecord(e: FileEntry): ManifestRecord {
  const m = e.meta ?? {};
  const mode = typeof m.mode === "number" ? m.mode : undefined;
  const r: ManifestRecord = {
    file_id: e.fileId ?? "",
    domain: e.domain ?? "",
    relative_path: e.relativePath ?? "",
    flags: typeof m.flags === "number" ? m.flags : null,
    type: e.type ?? "file",
    created: e.created ?? null,
    modified: e.modified ?? null,
    status_changed: e.changed ?? null,
    mode: mode === undefined ? null : `0o${mode.toString(8)}`,
    owner: typeof m.user_id === "number" ? m.user_id : null,
    size: e.size ?? null,
    protection_class: typeof m.protection_class === "number" ? m.protection_class : null,
    device_path: devicePath(e.domain ?? "", e.relativePath ?? ""),
  };
  if (typeof m.target === "string") r.symlink_target = m.target;
  return r;
}

function baseName(p: string): string {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

/**
 * `reported`: hosts already flagged, keyed by the folder that names them, so that a website-data
 * folder gives one detection rather than one per file inside it.
 */
export function checkManifestRecord(r: ManifestRecord, iocs: Matcher, reported: Set<string> = new Set()): DetectionInput[] {
  if (!r.relative_path) return [];
  const artifact = `${r.domain}/${r.relative_path}`;
  const timestamp = r.modified ?? r.created ?? undefined;
  const out: DetectionInput[] = [];
  if (r.device_path) {
    const m = iocs.filePath(r.device_path);
    if (m.length) {
      out.push(
        ...fromMatches(m, {
          grade: "strong",
          title: (x) => msg("det.manifest.path", { value: x.matched }),
          why: msg("det.manifest.path.why"),
          artifact,
          timestamp,
        }),
      );
    }
  }
  if (out.length === 0) {
    const name = baseName(r.relative_path);
    const m = iocs.fileName(name);
    if (m.length) {
      out.push(
        ...fromMatches(m, {
          grade: "medium",
          title: (x) => msg("det.manifest.name", { value: x.matched, artifact }),
          why: msg("det.manifest.name.why"),
          artifact,
          timestamp,
        }),
      );
    }
  }
  for (const { host, origin, at } of hostsInPath(r.relative_path)) {
    const key = `${r.domain}/${at}\u0000${host}`;
    if (reported.has(key)) continue;
    const m: IndicatorMatch[] = iocs.domain(host);
    if (!m.length) continue;
    reported.add(key);
    const where = `${r.domain}/${at}`;
    out.push(
      ...fromMatches(m, {
        grade: origin ? "medium" : "weak",
        title: (x) => msg(origin ? "det.manifest.website_data" : "det.manifest.domain_in_name", { value: x.matched, where }),
        why: msg(origin ? "det.manifest.website_data.why" : "det.manifest.domain_in_name.why"),
        artifact: where,
        timestamp,
      }),
    );
  }
  return out;
}

const reportedByRun = new WeakMap<object, Set<string>>();

/**
 * The listing as pages of records: awaiting each entry through two async generators cost more
 * CPU than the SQLite reads of the listing (bench/NOTES.md).
 */
async function* recordPages(ctx: ModuleContext): AsyncIterable<ManifestRecord[]> {
  let n = 0;
  let unreadable = 0;
  let example = "";
  for await (const entries of entryPages(ctx.view)) {
    const page: ManifestRecord[] = [];
    for (const e of entries) {
      if (e.meta?.metadata_unreadable && unreadable++ === 0) example = e.path;
      page.push(toRecord(e));
    }
    yield page;
    ctx.progress((n += page.length));
  }
  if (unreadable) ctx.warn(`${unreadable} Manifest.db item(s) have unreadable file metadata (MBFile), e.g. ${example}: listed without times, mode or size`);
}

export default defineModule<ManifestRecord>({
  name: "manifest",
  title: "Backup file list (Manifest.db)",
  platform: "ios",
  description:
    "Lists every file, folder and symlink in the backup's Manifest.db with its creation, modification and status-change times, mode, owner and size. Flags known spyware file paths (strong) and names (medium), and known spyware domains in file names: website-data folders named after a site (medium), other mentions (weak).",
  reads: { whole: ["ios_backup"] },

  records(ctx) {
    return batched(recordPages(ctx));
  },

  events(r) {
    // One event per distinct time, labelled MACB-style as MVT does ("M-CB": modified = changed = born).
    const path = `${r.relative_path} - ${r.domain}`;
    const out: { timestamp: string; event: string; description: string }[] = [];
    for (const t of new Set([r.created, r.modified, r.status_changed])) {
      if (!t) continue;
      const macb = `${t === r.modified ? "M" : "-"}-${t === r.status_changed ? "C" : "-"}${t === r.created ? "B" : "-"}`;
      out.push({ timestamp: t, event: macb, description: path });
    }
    return out;
  },

  check(r, ctx) {
    let reported = reportedByRun.get(ctx);
    if (!reported) reportedByRun.set(ctx, (reported = new Set()));
    return checkManifestRecord(r, ctx.iocs, reported);
  },
});
