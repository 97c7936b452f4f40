// .GlobalPreferences.plist: device-wide settings. Vigil states whether Lockdown Mode, Apple's
// hardening against mercenary spyware, is on: useful context for every other finding. The state
// is exposure (off: a risk; on: context), never a detection.
import { parseIosVersion } from "../../indicators/ios-releases.ts";
import { defineModule } from "../contract.ts";
import { plistToJson, readPlistDict, type JsonValue } from "./lib/plist-values.ts";

export interface GlobalPreferenceRecord {
  entry: string;
  value: JsonValue;
  /** Only on the LDMGlobalEnabled record. */
  lockdown_mode?: "on" | "off";
  /** Only on the LDMGlobalEnabled record: the file's last modification, when the acquisition records it. */
  as_of?: string;
  note?: string;
  source: string;
}

const LDM = "LDMGlobalEnabled";

export default defineModule<GlobalPreferenceRecord>({
  name: "global_preferences",
  title: "Global preferences (Lockdown Mode)",
  platform: "ios",
  description:
    "Reads .GlobalPreferences.plist and states whether Lockdown Mode (LDMGlobalEnabled) is on or off; every preference is kept as a record. The state is shown as exposure (off: a risk, on: context), never as a detection.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Preferences/.GlobalPreferences.plist" }],
    fs: ["private/var/mobile/Library/Preferences/.GlobalPreferences.plist"],
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const prefs = await readPlistDict(ctx.view, file);
      const on = prefs[LDM] === true || prefs[LDM] === 1;
      // Lockdown Mode came with iOS 16: on an older iOS, "not set" says nothing about a choice.
      const major = parseIosVersion(ctx.view.device.osVersion ?? "")?.[0];
      if (on || LDM in prefs || major === undefined || major >= 16) {
        ctx.expose({ kind: on ? "lockdown_on" : "lockdown_off", level: on ? "info" : "risk", params: {}, artifact: file.path, ...(file.modified ? { timestamp: file.modified } : {}) });
      }
      // The Lockdown Mode state comes first so the report can show it without searching.
      yield {
        entry: LDM,
        value: LDM in prefs ? plistToJson(prefs[LDM]) : null,
        lockdown_mode: on ? "on" : "off",
        ...(file.modified ? { as_of: file.modified } : {}),
        ...(LDM in prefs ? {} : { note: "not set: Lockdown Mode has not been turned on on this device" }),
        source: file.path,
      };
      for (const [entry, value] of Object.entries(prefs)) {
        if (entry === LDM) continue;
        yield { entry, value: plistToJson(value), source: file.path };
      }
    }
  },
  events(r) {
    if (!r.lockdown_mode || !r.as_of) return [];
    return [
      {
        timestamp: r.as_of,
        event: "lockdown_mode",
        description: `Lockdown Mode ${r.lockdown_mode} (state when ${r.source.split("/").pop()} was last written)`,
      },
    ];
  },
});
