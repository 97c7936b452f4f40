// Installed apps. What an acquisition can tell differs a lot:
// - A filesystem dump has every third-party app bundle (private/var/containers/Bundle/
//   Application/<UUID>/<Name>.app) and, for apps the App Store (or TestFlight, or an MDM)
//   installed, the iTunesMetadata.plist beside it naming the installer (sourceApp). A bundle
//   without that file was not installed by the App Store: sideloaded, enterprise-signed, or
//   installed by a developer tool.
// - A backup has no app bundles. Its Info.plist lists the installed app ids ("Installed
//   Applications") and, when the computer transferred purchases, an "Applications" dictionary
//   holding each app's iTunesMetadata; Manifest.plist may list apps with their version and path.
//   When no iTunesMetadata is there, a backup cannot tell where an app came from: such apps
//   are "unknown", never flagged as not from the App Store.
import type { FileEntry } from "../../acquisitions/view.ts";
import { defineModule, type ModuleContext } from "../contract.ts";
import { dedupeMatches, fromMatches, heuristic, codeRule } from "../../core/detection.ts";
import type { DetectionInput, IndicatorMatch } from "../../core/model.ts";
import { describeError, VigilError } from "../../core/errors.ts";
import { fromDate, parseLooseTimestamp } from "../../core/time.ts";
import { parsePlist, type PlistValue } from "../../formats/plist.ts";
import { createHash } from "node:crypto";
import { asDict, isDict, readPlistDict, str } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";
import { installedAppFlawExposure } from "../../rules/exploited-flaws.ts";

/**
 * app_store: App Store metadata with the App Store as installer. mdm: installed by device
 * management. testflight: Apple's beta channel. other_installer: metadata naming another
 * installer (an alternative marketplace, for example). no_store_metadata: an app bundle with no
 * store metadata at all (filesystem dumps only). unknown: a backup that lists the app without
 * its metadata.
 */
export type AppSource = "app_store" | "mdm" | "testflight" | "other_installer" | "no_store_metadata" | "unknown";

export interface AppRecord {
  bundle_id: string;
  name: string | null;
  version: string | null;
  build: string | null;
  source: AppSource;
  /** The iTunesMetadata sourceApp (installer bundle id), MVT's field name. */
  sourceApp: string | null;
  artistName: string | null;
  /** MVT's field names, kept for tools that read MVT's applications.json. */
  softwareVersionBundleId?: string;
  itemName?: string;
  /** Purchase or install date from the store metadata. */
  isodate: string | null;
  /** The executable's name (filesystem dumps). */
  executable: string | null;
  /** Where the app's bundle is on the device, when known. */
  app_path: string | null;
  /** The acquisition files that told about this app. */
  file_path: string;
  found_in: string[];
  icon_sha256?: string;
}

const APP_STORE = new Set(["com.apple.AppStore", "com.apple.AppStore.ProductPageExtension"]);
const MDM = new Set(["com.apple.dmd", "dmd"]);
const TESTFLIGHT = new Set(["com.apple.TestFlight"]);

export const RULE_NOT_FROM_APP_STORE = codeRule("app-not-from-app-store");

function sourceOf(meta: Record<string, PlistValue> | undefined, haveBundle: boolean): { source: AppSource; sourceApp: string | null } {
  if (!meta) return { source: haveBundle ? "no_store_metadata" : "unknown", sourceApp: null };
  const installer = str(meta["sourceApp"]) ?? null;
  // Older metadata has no sourceApp: the App Store was the only installer then.
  if (!installer || APP_STORE.has(installer)) return { source: "app_store", sourceApp: installer };
  if (MDM.has(installer)) return { source: "mdm", sourceApp: installer };
  if (TESTFLIGHT.has(installer)) return { source: "testflight", sourceApp: installer };
  return { source: "other_installer", sourceApp: installer };
}

function purchaseDate(meta: Record<string, PlistValue>): string | null {
  const info = meta["com.apple.iTunesStore.downloadInfo"];
  const candidates: unknown[] = [asDict(info)?.["purchaseDate"], meta["purchaseDate"]];
  for (const c of candidates) {
    if (c instanceof Date) return fromDate(c) ?? null;
    if (typeof c === "string" && c) return parseLooseTimestamp(c) ?? null;
  }
  return null;
}

function fromMetadata(rec: AppRecord, meta: Record<string, PlistValue>): void {
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

function emptyRecord(bundleId: string, file: string, foundIn: string): AppRecord {
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
    found_in: [foundIn],
  };
}

function parseEmbedded(data: PlistValue | undefined, what: string, ctx: ModuleContext): Record<string, PlistValue> | undefined {
  if (!Buffer.isBuffer(data)) return undefined;
  try {
    const v = parsePlist(data, what);
    return isDict(v) ? v : undefined;
  } catch (e) {
    ctx.warn(describeError(e));
    return undefined;
  }
}

async function* fromBackup(ctx: ModuleContext): AsyncGenerator<AppRecord> {
  let info: Record<string, PlistValue>;
  try {
    info = await readPlistDict(ctx.view, { path: "Info.plist" });
  } catch (e) {
    if (e instanceof VigilError && e.code !== "input") throw e;
    throw new VigilError(`cannot read the backup's Info.plist: ${describeError(e)}`, { file: "Info.plist", code: "missing" });
  }
  let manifest: Record<string, PlistValue> | undefined;
  try {
    manifest = await readPlistDict(ctx.view, { path: "Manifest.plist" });
  } catch {
    // Manifest.plist is optional for this module: Info.plist lists the apps already.
  }
  const apps = new Map<string, AppRecord>();
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
      if (!rec) apps.set(id, (rec = emptyRecord(id, "Manifest.plist", "Manifest.plist Applications")));
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

async function* fromFilesystem(ctx: ModuleContext): AsyncGenerator<AppRecord> {
  // One app per bundle container: <container>/iTunesMetadata.plist and <container>/<Name>.app/Info.plist.
  const containers = new Map<string, { meta?: FileEntry; info?: FileEntry }>();
  for (const f of ctx.files) {
    const m = CONTAINER.exec(f.path);
    if (!m) continue;
    const c = containers.get(m[1]) ?? {};
    if (f.path.endsWith("/iTunesMetadata.plist")) c.meta = f;
    else c.info = f;
    containers.set(m[1], c);
  }
  let ok = 0;
  let firstError: unknown;
  const read = async (f: FileEntry | undefined) => {
    if (!f) return undefined;
    try {
      return await readPlistDict(ctx.view, f);
    } catch (e) {
      firstError ??= e;
      ctx.warn(describeError(e));
      return undefined;
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
    const rec = emptyRecord(id, (c.meta ?? c.info)!.path, c.meta ? "iTunesMetadata.plist" : "app bundle Info.plist");
    if (c.meta && c.info) rec.found_in.push("app bundle Info.plist");
    // iTunesMetadata that did not parse is not evidence of a missing one: stay "unknown".
    Object.assign(rec, c.meta && !meta ? { source: "unknown" as const, sourceApp: null } : sourceOf(meta, !!info));
    if (info) {
      rec.name = str(info["CFBundleDisplayName"]) ?? str(info["CFBundleName"]) ?? null;
      rec.version = str(info["CFBundleShortVersionString"]) ?? null;
      rec.build = str(info["CFBundleVersion"]) ?? null;
      rec.executable = str(info["CFBundleExecutable"]) ?? null;
      rec.app_path = c.info!.path.replace(/\/Info\.plist$/, "");
    } else {
      rec.app_path = dir;
    }
    if (meta) fromMetadata(rec, meta);
    yield rec;
  }
  if (ok === 0 && firstError) throw firstError;
}


export default defineModule<AppRecord>({
  name: "applications",
  title: "Installed apps",
  platform: "ios",
  description:
    "Lists installed apps with name, version and where they came from. Filesystem dumps: each app bundle and its iTunesMetadata.plist (installer). Backups: Info.plist's installed apps and, when present, their iTunesMetadata, and Manifest.plist's app list; a backup often holds no metadata, and those apps' origin is then unknown and not judged. Flags known spyware app ids and third-party apps not installed by the App Store, TestFlight or device management.",
  reads: {
    // Info.plist and Manifest.plist sit at the backup's root, outside every domain.
    whole: ["ios_backup"],
    fs: ["private/var/containers/Bundle/Application/*/iTunesMetadata.plist", "private/var/containers/Bundle/Application/*/*.app/Info.plist"],
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
        description: `App ${r.name ?? r.bundle_id} (${r.bundle_id}) version ${r.version ?? "?"}${r.artistName ? ` from ${r.artistName}` : ""} installed from ${r.sourceApp ?? (r.source === "app_store" ? "the App Store" : r.source)}`,
      },
    ];
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const ms = [...ctx.iocs.appId(r.bundle_id), ...ctx.iocs.process(r.bundle_id)];
    if (r.executable) ms.push(...ctx.iocs.process(r.executable));
    const artifact = r.file_path;
    out.push(
      ...fromMatches(dedupeMatches(ms), {
        grade: "strong",
        title: (m) => msg("det.applications.installed", { app: r.bundle_id, value: m.matched, set: m.indicator.set.name }),
        why: msg("det.applications.installed.why"),
        timestamp: r.isodate ?? undefined,
        artifact,
      }),
    );
    // WhatsApp's version: the flaws exploited in the wild it left the phone open to (exposure, not detections).
    for (const e of installedAppFlawExposure(r.bundle_id, r.version ?? r.build, ctx.view.device)) ctx.expose({ ...e, artifact });
    const notStore = r.source === "no_store_metadata" || r.source === "other_installer";
    if (notStore && !r.bundle_id.startsWith("com.apple.")) {
      out.push(
        heuristic({
          rule: RULE_NOT_FROM_APP_STORE.id,
          ruleDescription: RULE_NOT_FROM_APP_STORE.description,
          grade: "weak",
          title: msg(r.source === "other_installer" ? "det.applications.other_installer" : "det.applications.no_store_metadata", { name: r.name ?? r.bundle_id, app: r.bundle_id, installer: r.sourceApp ?? "" }),
          why: msg("det.applications.not_from_store.why"),
          matched: r.bundle_id,
          timestamp: r.isodate ?? undefined,
          artifact,
        }),
      );
    }
    return out;
  },
});
