// The backup's Info.plist: the device (model, iOS version, serial, identifiers), the apps it
// listed and when the backup was made, as MVT's backup_info. An iOS version older than the
// newest in Vigil's release table is noted in the record; it is exposure (a risk, not a trace),
// which the pipeline reads from the device information (rules/device-exposure.ts).
import { VigilError, describeError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import { defineModule } from "../contract.ts";
import { parsePlist } from "../../formats/plist.ts";
import { latestInMajor, newerIosRelease } from "../../indicators/ios-releases.ts";
import { isDict, plistToJson, type JsonValue } from "./lib/plist-values.ts";

/** Info.plist fields MVT writes, in MVT's order and spelling. */
const FIELDS = [
  "Build Version",
  "Device Name",
  "Display Name",
  "GUID",
  "ICCID",
  "IMEI",
  "MEID",
  "Installed Applications",
  "Last Backup Date",
  "Phone Number",
  "Product Name",
  "Product Type",
  "Product Version",
  "Serial Number",
  "Target Identifier",
  "Target Type",
  "Unique Identifier",
  "iTunes Version",
] as const;

export type BackupInfoRecord = { [K in (typeof FIELDS)[number]]: JsonValue } & {
  /** Whether the backup was encrypted (read through its password or key). */
  encrypted: boolean;
  /** Newest iOS in the release table when the device's is older, else null. */
  newer_ios_available: string | null;
  /** Newest release of the device's major version, when newer than the device's. */
  newer_ios_same_major: string | null;
};

export default defineModule<BackupInfoRecord>({
  name: "backup_info",
  title: "Backup and device information",
  platform: "ios",
  description:
    "Reads the backup's Info.plist: device model, iOS version and build, serial number, identifiers, installed app ids and the backup date. An iOS version older than the newest release in Vigil's table is shown as exposure (a risk, not a trace).",
  // Info.plist sits at the backup's root, outside every Manifest.db domain.
  reads: { whole: ["ios_backup"] },

  async *records(ctx) {
    let info: unknown;
    try {
      info = parsePlist(await ctx.view.readFile({ path: "Info.plist" }), "Info.plist");
    } catch (e) {
      if (e instanceof VigilError) throw e;
      throw new VigilError(`cannot read the backup's Info.plist: ${describeError(e)}`, { file: "Info.plist", code: "missing" });
    }
    if (!isDict(info)) throw new VigilError("malformed plist: expected a dictionary at the top", { file: "Info.plist", code: "plist" });
    const rec = {} as BackupInfoRecord;
    for (const f of FIELDS) rec[f] = info[f] === undefined ? null : plistToJson(info[f]);
    const version = typeof info["Product Version"] === "string" ? info["Product Version"] : undefined;
    rec.encrypted = ctx.view.encrypted;
    rec.newer_ios_available = version ? (newerIosRelease(version)?.version ?? null) : null;
    const sameMajor = version ? latestInMajor(version) : undefined;
    rec.newer_ios_same_major = sameMajor && version && newerIosRelease(version) && sameMajor.version !== version ? sameMajor.version : null;
    yield rec;
  },

  events(r) {
    // A date is an ISO string here; a damaged Info.plist can hold any text (or a number, a dict)
    // in these fields, which is no event time and no name.
    const date = r["Last Backup Date"];
    const at = typeof date === "string" && fromDate(date) === date ? date : undefined;
    if (!at) return [];
    const text = (v: JsonValue) => (typeof v === "string" && v ? v : undefined);
    const version = text(r["Product Version"]);
    const device = [text(r["Product Type"]), version ? `iOS ${version}` : undefined].filter(Boolean).join(", ");
    return [{ timestamp: at, event: "backup_made", description: `Backup made of ${text(r["Device Name"]) ?? "the device"}${device ? ` (${device})` : ""}` }];
  },
});
