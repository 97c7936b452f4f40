import { defineModule, fromMatches, heuristic } from "../../core/module.js";
import { describeError, VigilError } from "../../core/errors.js";
import { fromDate, parseLooseTimestamp } from "../../core/time.js";
import { parsePlist } from "../../formats/plist.js";
import { createHash } from "node:crypto";
import { asDict, isDict, readPlistDict, str } from "./lib/plist-values.js";
const APP_STORE = /* @__PURE__ */ new Set(["com.apple.AppStore", "com.apple.AppStore.ProductPageExtension"]);
const MDM = /* @__PURE__ */ new Set(["com.apple.dmd", "dmd"]);
const TESTFLIGHT = /* @__PURE__ */ new Set(["com.apple.TestFlight"]);
const RULE_NOT_FROM_APP_STORE = {
  id: "app-not-from-app-store",
  description: "A third-party app was not installed by the App Store, TestFlight or device management: its bundle has no store metadata, or the metadata names another installer. Stalkerware and some spyware are installed this way (enterprise certificates, sideloading); so are developers' own builds and alternative marketplaces."
};
function sourceOf(meta, haveBundle) {
  if (!meta) return { source: haveBundle ? "no_store_metadata" : "unknown", sourceApp: null };
  const installer = str(meta["sourceApp"]) ?? null;
  if (!installer || APP_STORE.has(installer)) return { source: "app_store", sourceApp: installer };
  if (MDM.has(installer)) return { source: "mdm", sourceApp: installer };
  if (TESTFLIGHT.has(installer)) return { source: "testflight", sourceApp: installer };
  return { source: "other_installer", sourceApp: installer };
}
function purchaseDate(meta) {
  const info = meta["com.apple.iTunesStore.downloadInfo"];
  const candidates = [asDict(info)?.["purchaseDate"], meta["purchaseDate"]];
  for (const c of candidates) {
    if (c instanceof Date) return fromDate(c) ?? null;
    if (typeof c === "string" && c) return parseLooseTimestamp(c) ?? null;
  }
  return null;
}
function fromMetadata(rec, meta) {
  const id = str(meta["softwareVersionBundleId"]);
  if (id) rec.softwareVersionBundleId = id;
  const item = str(meta["itemName"]);
  if (item) rec.itemName = item;
  rec.name ??= item ?? str(meta["bundleDisplayName"]) ?? null;
  rec.version ??= str(meta["bundleShortVersionString"]) ?? null;
  rec.build ??= str(meta["bundleVersion"]) ?? null;
  rec.artistName = str(meta["artistName"]) ?? null;
  rec.isodate = purchaseDate(meta);
}
function emptyRecord(bundleId, file, foundIn) {
  return {
    bundle_id: bundleId,
    name: null,
    version: null,
    build: null,
    source: "unknown",
    sourceApp: null,
    artistName: null,
    isodate: null,
    executable: null,
    app_path: null,
    file_path: file,
    found_in: [foundIn]
  };
}
function parseEmbedded(data, what, ctx) {
  if (!Buffer.isBuffer(data)) return void 0;
  try {
    const v = parsePlist(data, what);
    return isDict(v) ? v : void 0;
  } catch (e) {
    ctx.warn(describeError(e));
    return void 0;
  }
}
async function* fromBackup(ctx) {
  let info;
  try {
    info = await readPlistDict(ctx.view, { path: "Info.plist" });
  } catch (e) {
    if (e instanceof VigilError && e.code !== "input") throw e;
    throw new VigilError(`cannot read the backup's Info.plist: ${describeError(e)}`, { file: "Info.plist", code: "missing" });
  }
  let manifest;
  try {
    manifest = await readPlistDict(ctx.view, { path: "Manifest.plist" });
  } catch {
  }
  const apps = /* @__PURE__ */ new Map();
  const infoApps = info["Applications"];
  if (isDict(infoApps)) {
    for (const [id, entry] of Object.entries(infoApps)) {
      const rec = emptyRecord(id, "Info.plist", "Info.plist Applications");
      const app = asDict(entry);
      if (app) {
        const meta = parseEmbedded(app["iTunesMetadata"], `Info.plist Applications/${id}/iTunesMetadata`, ctx);
        Object.assign(rec, sourceOf(meta, false));
        if (meta) fromMetadata(rec, meta);
        const icon = app["PlaceholderIcon"];
        if (Buffer.isBuffer(icon)) rec.icon_sha256 = createHash("sha256").update(icon).digest("hex");
      }
      apps.set(id, rec);
    }
  }
  const installed = info["Installed Applications"];
  if (Array.isArray(installed)) {
    for (const id of installed) {
      if (typeof id !== "string" || !id) continue;
      const have = apps.get(id);
      if (have) have.found_in.push("Info.plist Installed Applications");
      else apps.set(id, emptyRecord(id, "Info.plist", "Info.plist Installed Applications"));
    }
  }
  const manifestApps = manifest?.["Applications"];
  if (isDict(manifestApps)) {
    for (const [id, entry] of Object.entries(manifestApps)) {
      let rec = apps.get(id);
      if (!rec) apps.set(id, rec = emptyRecord(id, "Manifest.plist", "Manifest.plist Applications"));
      else rec.found_in.push("Manifest.plist Applications");
      const app = asDict(entry);
      if (app) {
        rec.build ??= str(app["CFBundleVersion"]) ?? null;
        rec.app_path ??= str(app["Path"]) ?? null;
      }
    }
  }
  yield* apps.values();
}
const CONTAINER = /^(.*\/Bundle\/Application\/[^/]+)\//;
async function* fromFilesystem(ctx) {
  const containers = /* @__PURE__ */ new Map();
  for (const f of ctx.files) {
    const m = CONTAINER.exec(f.path);
    if (!m) continue;
    const c = containers.get(m[1]) ?? {};
    if (f.path.endsWith("/iTunesMetadata.plist")) c.meta = f;
    else c.info = f;
    containers.set(m[1], c);
  }
  let ok = 0;
  let firstError;
  const read = async (f) => {
    if (!f) return void 0;
    try {
      return await readPlistDict(ctx.view, f);
    } catch (e) {
      firstError ??= e;
      ctx.warn(describeError(e));
      return void 0;
    }
  };
  for (const [dir, c] of containers) {
    const meta = await read(c.meta);
    const info = await read(c.info);
    if (!meta && !info) continue;
    ok++;
    const id = str(info?.["CFBundleIdentifier"]) ?? str(meta?.["softwareVersionBundleId"]);
    if (!id) {
      ctx.warn(`${dir}: app without a bundle identifier in its Info.plist or iTunesMetadata.plist`);
      continue;
    }
    const rec = emptyRecord(id, (c.meta ?? c.info).path, c.meta ? "iTunesMetadata.plist" : "app bundle Info.plist");
    if (c.meta && c.info) rec.found_in.push("app bundle Info.plist");
    Object.assign(rec, c.meta && !meta ? { source: "unknown", sourceApp: null } : sourceOf(meta, !!info));
    if (info) {
      rec.name = str(info["CFBundleDisplayName"]) ?? str(info["CFBundleName"]) ?? null;
      rec.version = str(info["CFBundleShortVersionString"]) ?? null;
      rec.build = str(info["CFBundleVersion"]) ?? null;
      rec.executable = str(info["CFBundleExecutable"]) ?? null;
      rec.app_path = c.info.path.replace(/\/Info\.plist$/, "");
    } else {
      rec.app_path = dir;
    }
    if (meta) fromMetadata(rec, meta);
    yield rec;
  }
  if (ok === 0 && firstError) throw firstError;
}
function dedupe(ms) {
  const seen = /* @__PURE__ */ new Set();
  return ms.filter((m) => {
    const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.name}\0${m.indicator.set.sha256}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
var applications_default = defineModule({
  name: "applications",
  title: "Installed apps",
  platform: "ios",
  description: "Lists installed apps with name, version and where they came from. Filesystem dumps: each app bundle and its iTunesMetadata.plist (installer). Backups: Info.plist's installed apps and, when present, their iTunesMetadata, and Manifest.plist's app list; a backup often holds no metadata, and those apps' origin is then unknown and not judged. Flags known spyware app ids and third-party apps not installed by the App Store, TestFlight or device management.",
  reads: {
    // Info.plist and Manifest.plist sit at the backup's root, outside every domain.
    whole: ["ios_backup"],
    fs: ["private/var/containers/Bundle/Application/*/iTunesMetadata.plist", "private/var/containers/Bundle/Application/*/*.app/Info.plist"]
  },
  records(ctx) {
    return ctx.view.kind === "ios_backup" ? fromBackup(ctx) : fromFilesystem(ctx);
  },
  events(r) {
    if (!r.isodate) return [];
    return [
      {
        timestamp: r.isodate,
        event: "app_installed",
        description: `App ${r.name ?? r.bundle_id} (${r.bundle_id}) version ${r.version ?? "?"}${r.artistName ? ` from ${r.artistName}` : ""} installed from ${r.sourceApp ?? (r.source === "app_store" ? "the App Store" : r.source)}`
      }
    ];
  },
  check(r, ctx) {
    const out = [];
    const ms = [...ctx.iocs.appId(r.bundle_id), ...ctx.iocs.process(r.bundle_id)];
    if (r.executable) ms.push(...ctx.iocs.process(r.executable));
    const artifact = r.file_path;
    out.push(
      ...fromMatches(dedupe(ms), {
        grade: "strong",
        title: (m) => `Known spyware app ${r.bundle_id} is installed (${m.matched}; ${m.indicator.set.name})`,
        why: "The app is installed on this device.",
        timestamp: r.isodate ?? void 0,
        artifact
      })
    );
    const notStore = r.source === "no_store_metadata" || r.source === "other_installer";
    if (notStore && !r.bundle_id.startsWith("com.apple.")) {
      out.push(
        heuristic({
          rule: RULE_NOT_FROM_APP_STORE.id,
          ruleDescription: RULE_NOT_FROM_APP_STORE.description,
          grade: "weak",
          title: r.source === "other_installer" ? `App ${r.name ?? r.bundle_id} (${r.bundle_id}) was installed by ${r.sourceApp}, not the App Store` : `App ${r.name ?? r.bundle_id} (${r.bundle_id}) has no App Store metadata: not installed from the App Store`,
          why: "Apps from outside the App Store skip Apple's review; check whether the owner knows this app and installed it.",
          matched: r.bundle_id,
          timestamp: r.isodate ?? void 0,
          artifact
        })
      );
    }
    return out;
  }
});
export {
  RULE_NOT_FROM_APP_STORE,
  applications_default as default
};
