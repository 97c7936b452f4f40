// locationd's clients.plist: every app, daemon and bundle registered with location services,
// with its authorization and the times it last received locations.
import { defineModule } from "../contract.ts";
import { dedupeMatches, fromMatches } from "../../core/detection.ts";
import type { IndicatorMatch } from "../../core/model.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { baseName, isDict, plistToJson, readPlistDict, type JsonValue } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";

export type LocationdRecord = {
  /** The client's key in clients.plist (bundle id or bundle path), trailing ":" removed. */
  package: string;
  source: string;
} & Record<string, JsonValue>;

/** Keys holding Mac absolute times, converted to ISO; each gives a timeline event. */
export const LOCATIOND_TIMESTAMPS = [
  "ConsumptionPeriodBegin",
  "ReceivingLocationInformationTimeStopped",
  "VisitTimeStopped",
  "LocationTimeStopped",
  "BackgroundLocationTimeStopped",
  "SignificantTimeStopped",
  "NonPersistentSignificantTimeStopped",
  "FenceTimeStopped",
  "BeaconRegionTimeStopped",
] as const;


export default defineModule<LocationdRecord>({
  name: "locationd_clients",
  title: "Location services clients (locationd)",
  platform: "ios",
  description:
    "Reads locationd's clients.plist: every app, daemon or bundle registered with location services, its authorization and when it last received locations. Flags clients whose name, bundle id or executable/bundle path is a known spyware indicator.",
  reads: {
    backup: [{ domain: "RootDomain", path: "Library/Caches/locationd/clients.plist" }],
    fs: ["private/var/mobile/Library/Caches/locationd/clients.plist", "private/var/root/Library/Caches/locationd/clients.plist"],
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const clients = await readPlistDict(ctx.view, file);
      for (const [key, value] of Object.entries(clients)) {
        // Migration markers and counters sit beside the client dictionaries.
        if (!isDict(value)) continue;
        const rec: Record<string, JsonValue> = {};
        for (const [k, v] of Object.entries(value)) {
          rec[k] = (LOCATIOND_TIMESTAMPS as readonly string[]).includes(k) && typeof v === "number" ? (fromMacAbsolute(v) ?? null) : plistToJson(v);
        }
        yield { ...rec, package: key.replace(/:$/, ""), source: file.path } as LocationdRecord;
      }
    }
  },
  events(r) {
    const out = [];
    for (const k of LOCATIOND_TIMESTAMPS) {
      const t = r[k];
      if (typeof t === "string" && t) out.push({ timestamp: t, event: k, description: `${k} from ${r.package}` });
    }
    return out;
  },
  check(r, ctx) {
    const iocs = ctx.iocs;
    const ms: IndicatorMatch[] = [...iocs.process(baseName(r.package))];
    if (r.package.startsWith("/")) ms.push(...iocs.filePath(r.package));
    if (typeof r.BundleId === "string") ms.push(...iocs.process(r.BundleId), ...iocs.appId(r.BundleId));
    for (const k of ["BundlePath", "Executable", "Registered"]) {
      // Registered is sometimes a boolean rather than a path.
      const p = r[k];
      if (typeof p === "string" && p) ms.push(...iocs.filePath(p), ...iocs.process(baseName(p)));
    }
    if (!ms.length) return [];
    return fromMatches(dedupeMatches(ms), {
      grade: "strong",
      title: (m) => msg(`det.locationd.${m.indicator.type === "file_path" ? "file" : m.indicator.type === "app_id" ? "app" : "process"}`, { value: m.matched, set: m.indicator.set.name }),
      why: msg("det.locationd.why"),
      artifact: r.source,
    });
  },
});
