// What a sysdiagnose says about the phone and itself: model, iOS version and build, serial,
// and when it was taken (from remotectl_dumpstate.txt, MobileActivation's request log and
// sysdiagnose.log), as MVT's sysdiagnose_info. An outdated iOS is exposure, read from the device
// info (rules/device-exposure.ts), not a detection: it is a risk, not a trace of spyware.
import { defineModule } from "../contract.ts";
import { parseActivationRequest, parseRemotectlProperties, parseSysdiagnoseName, sysdiagnoseArchiveIn } from "../../formats/sysdiagnose-info.ts";
import { newerIosRelease } from "../../indicators/ios-releases.ts";

export interface SysdiagnoseInfoRecord {
  [key: string]: string | undefined;
}

interface WithRefusals {
  refused(): { entry: string; reason: string }[];
}

export default defineModule<SysdiagnoseInfoRecord>({
  name: "sysdiagnose_info",
  title: "Sysdiagnose and device details",
  platform: "ios",
  description:
    "Reads the device model, iOS version and build, serial number and the sysdiagnose's creation time from remotectl_dumpstate.txt, the mobile activation request and sysdiagnose.log, and notes when a newer iOS exists.",
  reads: {
    sysdiagnose: ["remotectl_dumpstate.txt", "logs/MobileActivation/collection_oob_request.txt", "sysdiagnose.log"],
  },
  async *records(ctx) {
    const v = ctx.view as unknown as Partial<WithRefusals>;
    if (typeof v.refused === "function") for (const r of v.refused().slice(0, 50)) ctx.warn(`refused archive entry ${JSON.stringify(r.entry)}: ${r.reason}`);
    const rec: SysdiagnoseInfoRecord = {};
    for (const f of ctx.files) {
      const text = (await ctx.view.readFile(f)).toString("utf8");
      if (f.path.endsWith("remotectl_dumpstate.txt")) Object.assign(rec, parseRemotectlProperties(text));
      else if (f.path.endsWith("collection_oob_request.txt")) {
        const b = parseActivationRequest(text);
        if (b) {
          const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : undefined);
          rec.SerialNumber ??= s("serial-number");
          rec.ProductType ??= s("productType");
          rec.IMEI ??= s("imei");
          rec.ProductVersion ??= s("os-version");
          rec.UniqueIdentifier ??= s("udid");
          rec.MEID ??= s("meid");
          rec.BuildVersion ??= s("os-build");
        }
      } else if (f.path.endsWith("sysdiagnose.log")) {
        const m = sysdiagnoseArchiveIn(text);
        const n = m ? parseSysdiagnoseName(m) : undefined;
        if (m && n) {
          rec.OriginalFilename = m.slice(m.lastIndexOf("/") + 1);
          rec.CreatedTimestamp = n.created;
        }
      }
    }
    const version = rec.OSVersion ?? rec.ProductVersion ?? ctx.view.device.osVersion;
    if (version) rec.ios_version = version;
    const newer = version ? newerIosRelease(version)?.version : undefined;
    // The exposure comes from the device info; the record keeps it too.
    if (newer) rec.newer_ios_available = newer;
    yield rec;
  },
  events: (r) => (r.CreatedTimestamp ? [{ timestamp: r.CreatedTimestamp, event: "sysdiagnose_created", description: `Sysdiagnose taken (${r.OriginalFilename ?? "sysdiagnose"})` }] : []),
});
