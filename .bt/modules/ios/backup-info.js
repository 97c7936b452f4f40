import { VigilError, describeError } from "../../core/errors.js";
import { defineModule, heuristic } from "../../core/module.js";
import { parsePlist } from "../../formats/plist.js";
import { iosReleaseTable, latestInMajor, newerIosRelease } from "./ios-releases.js";
import { isDict, plistToJson } from "./lib/plist-values.js";
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
  "iTunes Version"
];
const RULE_IOS_OUTDATED = {
  id: "ios-outdated",
  description: "The device runs an iOS version older than the newest release Vigil knows of. Mercenary spyware exploits bugs that later releases fix."
};
var backup_info_default = defineModule({
  name: "backup_info",
  title: "Backup and device information",
  platform: "ios",
  description: "Reads the backup's Info.plist: device model, iOS version and build, serial number, identifiers, installed app ids and the backup date. Flags an iOS version older than the newest release in Vigil's table (weak: a risk, not a trace).",
  // Info.plist sits at the backup's root, outside every Manifest.db domain.
  reads: { whole: ["ios_backup"] },
  async *records(ctx) {
    let info;
    try {
      info = parsePlist(await ctx.view.readFile({ path: "Info.plist" }), "Info.plist");
    } catch (e) {
      if (e instanceof VigilError) throw e;
      throw new VigilError(`cannot read the backup's Info.plist: ${describeError(e)}`, { file: "Info.plist", code: "missing" });
    }
    if (!isDict(info)) throw new VigilError("malformed plist: expected a dictionary at the top", { file: "Info.plist", code: "plist" });
    const rec = {};
    for (const f of FIELDS) rec[f] = info[f] === void 0 ? null : plistToJson(info[f]);
    const version = typeof info["Product Version"] === "string" ? info["Product Version"] : void 0;
    rec.encrypted = ctx.view.encrypted;
    rec.newer_ios_available = version ? newerIosRelease(version)?.version ?? null : null;
    const sameMajor = version ? latestInMajor(version) : void 0;
    rec.newer_ios_same_major = sameMajor && version && newerIosRelease(version) && sameMajor.version !== version ? sameMajor.version : null;
    yield rec;
  },
  events(r) {
    const at = typeof r["Last Backup Date"] === "string" ? r["Last Backup Date"] : void 0;
    if (!at) return [];
    const device = [r["Product Type"], r["Product Version"] ? `iOS ${r["Product Version"]}` : void 0].filter(Boolean).join(", ");
    return [{ timestamp: at, event: "backup_made", description: `Backup made of ${String(r["Device Name"] ?? "the device")}${device ? ` (${device})` : ""}` }];
  },
  check(r) {
    if (!r.newer_ios_available) return [];
    const version = String(r["Product Version"]);
    const sameMajor = r.newer_ios_same_major ? ` (or at least ${r.newer_ios_same_major}, the last ${version.split(".")[0]}.x release, if this model cannot update further)` : "";
    return [
      heuristic({
        rule: RULE_IOS_OUTDATED.id,
        ruleDescription: RULE_IOS_OUTDATED.description,
        grade: "weak",
        title: `Outdated iOS ${version}: iOS ${r.newer_ios_available} is available`,
        why: `Spyware such as Pegasus and Predator gets in through bugs that newer iOS releases fix. Updating to iOS ${r.newer_ios_available}${sameMajor} closes known holes. This is a risk, not a trace of infection. Release table known through ${iosReleaseTable().complete_through}.`,
        matched: version,
        artifact: "Info.plist"
      })
    ];
  }
});
export {
  RULE_IOS_OUTDATED,
  backup_info_default as default
};
