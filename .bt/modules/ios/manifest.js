import { defineModule, fromMatches } from "../../core/module.js";
const DOMAIN_ROOTS = {
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
  ProtectedDomain: "/private/var/protected"
};
function devicePath(domain, relativePath) {
  const root = DOMAIN_ROOTS[domain];
  if (!root) return null;
  return relativePath ? `${root}/${relativePath}` : root;
}
const HOST = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const ORIGIN = /^(?:https?|wss?|ftp)_([^_/]+)_\d+(?:\.[a-z]+)*$/i;
const FILE_EXT = /\.(?:plist|db|sqlite|sqlite3|sqlitedb|localstorage|json|log|txt|dat|data|binarycookies|cookies|cache|png|jpe?g|gif|ico|webp|html?|js|css|bin|wal|shm|journal)$/i;
function hostsInPath(relativePath) {
  if (!relativePath.includes(".")) return NONE;
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
    if (dirCache.size > 2e4) dirCache.clear();
    dirCache.set(dir, inDir);
  }
  const own = hostsInComponent(relativePath.slice(slash + 1), relativePath);
  return inDir.length === 0 ? own : own.length === 0 ? inDir : [...inDir, ...own];
}
const NONE = [];
const dirCache = /* @__PURE__ */ new Map();
function hostsInComponent(comp, at) {
  if (!comp.includes(".")) return NONE;
  const origin = ORIGIN.exec(comp);
  if (origin) {
    const h = origin[1].replace(FILE_EXT, "");
    return HOST.test(h) ? [{ host: h.toLowerCase(), origin: true, at }] : NONE;
  }
  let out = NONE;
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
function toRecord(e) {
  const m = e.meta ?? {};
  const mode = typeof m.mode === "number" ? m.mode : void 0;
  const r = {
    file_id: e.fileId ?? "",
    domain: e.domain ?? "",
    relative_path: e.relativePath ?? "",
    flags: typeof m.flags === "number" ? m.flags : null,
    type: e.type ?? "file",
    created: e.created ?? null,
    modified: e.modified ?? null,
    status_changed: e.changed ?? null,
    mode: mode === void 0 ? null : `0o${mode.toString(8)}`,
    owner: typeof m.user_id === "number" ? m.user_id : null,
    size: e.size ?? null,
    protection_class: typeof m.protection_class === "number" ? m.protection_class : null,
    device_path: devicePath(e.domain ?? "", e.relativePath ?? "")
  };
  if (typeof m.target === "string") r.symlink_target = m.target;
  return r;
}
function baseName(p) {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}
function checkManifestRecord(r, iocs, reported = /* @__PURE__ */ new Set()) {
  if (!r.relative_path) return [];
  const artifact = `${r.domain}/${r.relative_path}`;
  const timestamp = r.modified ?? r.created ?? void 0;
  const out = [];
  if (r.device_path) {
    const m = iocs.filePath(r.device_path);
    if (m.length) {
      out.push(
        ...fromMatches(m, {
          grade: "strong",
          title: (x) => `Known spyware file path in the backup: ${x.matched}`,
          why: "The backup lists this file, so it existed on the phone when the backup was made.",
          artifact,
          timestamp
        })
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
          title: (x) => `Known spyware file name in the backup: ${x.matched} (${artifact})`,
          why: "A file with a name a spyware indicator lists existed on the phone; the name alone can be shared by harmless files, so look at where it sits.",
          artifact,
          timestamp
        })
      );
    }
  }
  for (const { host, origin, at } of hostsInPath(r.relative_path)) {
    const key = `${r.domain}/${at}\0${host}`;
    if (reported.has(key)) continue;
    const m = iocs.domain(host);
    if (!m.length) continue;
    reported.add(key);
    const where = `${r.domain}/${at}`;
    out.push(
      ...fromMatches(m, {
        grade: origin ? "medium" : "weak",
        title: (x) => origin ? `Website data stored for a known spyware domain: ${x.matched} (${where})` : `Known spyware domain named in a backup file name: ${x.matched} (${where})`,
        why: origin ? "Browsers and apps keep website data in folders named after the site, so the phone loaded a page from this domain." : "The domain appears in a file or folder name; the file's contents were not checked here.",
        artifact: where,
        timestamp
      })
    );
  }
  return out;
}
const reportedByRun = /* @__PURE__ */ new WeakMap();
var manifest_default = defineModule({
  name: "manifest",
  title: "Backup file list (Manifest.db)",
  platform: "ios",
  description: "Lists every file, folder and symlink in the backup's Manifest.db with its creation, modification and status-change times, mode, owner and size. Flags known spyware file paths (strong) and names (medium), and known spyware domains in file names: website-data folders named after a site (medium), other mentions (weak).",
  reads: { whole: ["ios_backup"] },
  async *records(ctx) {
    let n = 0;
    let unreadable = 0;
    let example = "";
    for await (const e of ctx.view.entries()) {
      if (e.meta?.metadata_unreadable && unreadable++ === 0) example = e.path;
      yield toRecord(e);
      if ((++n & 16383) === 0) ctx.progress(n);
    }
    if (unreadable) ctx.warn(`${unreadable} Manifest.db item(s) have unreadable file metadata (MBFile), e.g. ${example}: listed without times, mode or size`);
  },
  events(r) {
    const path = `${r.relative_path} - ${r.domain}`;
    const out = [];
    for (const t of /* @__PURE__ */ new Set([r.created, r.modified, r.status_changed])) {
      if (!t) continue;
      const macb = `${t === r.modified ? "M" : "-"}-${t === r.status_changed ? "C" : "-"}${t === r.created ? "B" : "-"}`;
      out.push({ timestamp: t, event: macb, description: path });
    }
    return out;
  },
  check(r, ctx) {
    let reported = reportedByRun.get(ctx);
    if (!reported) reportedByRun.set(ctx, reported = /* @__PURE__ */ new Set());
    return checkManifestRecord(r, ctx.iocs, reported);
  }
});
export {
  checkManifestRecord,
  manifest_default as default,
  devicePath,
  hostsInPath
};
