import { defineModule, fromMatches } from "../../core/module.js";
import { parseBatteryHistory } from "../../formats/dumpsys.js";
import { DUMPSYS_READS, dumpsysService } from "./lib/common.js";
const KIND_TEXT = {
  pkginst: "App installed",
  pkgunin: "App uninstalled",
  top: "App in the foreground",
  fg: "App in a foreground service",
  job: "App job",
  proc: "App process",
  pkgactive: "App active",
  pkginactive: "App inactive"
};
var dumpsys_battery_history_default = defineModule({
  name: "dumpsys_battery_history",
  title: "Battery history: app events",
  platform: "android",
  description: "App events in the batterystats history (installs, uninstalls, foreground, jobs): packages are checked against indicators; installs, uninstalls and downgrades go on the timeline.",
  reads: DUMPSYS_READS,
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "batterystats")) {
      const installed = /* @__PURE__ */ new Map();
      for (const e of parseBatteryHistory(lines)) {
        let downgrade_from;
        if (e.kind === "pkginst" && /^\d+$/.test(e.uid)) {
          const prev = installed.get(e.package_name);
          if (prev !== void 0 && BigInt(e.uid) < BigInt(prev)) downgrade_from = prev;
          installed.set(e.package_name, e.uid);
        }
        yield { ...e, downgrade_from, file };
      }
    }
  },
  events(r) {
    if (!r.timestamp) return [];
    if (r.kind !== "pkginst" && r.kind !== "pkgunin" && !(r.kind === "top" && r.event.startsWith("+"))) return [];
    if (r.downgrade_from) return [{ timestamp: r.timestamp, event: "package_downgraded", description: `App downgraded: ${r.package_name} from version ${r.downgrade_from} to ${r.uid} (device clock, from the history's reset time)` }];
    return [{ timestamp: r.timestamp, event: r.kind === "pkginst" ? "package_installed" : r.kind === "pkgunin" ? "package_uninstalled" : "app_foreground", description: `${KIND_TEXT[r.kind]}: ${r.package_name} (device clock, from the history's reset time)` }];
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app in the battery history: ${m.matched} (${KIND_TEXT[r.kind] ?? r.kind})`, artifact: r.file, timestamp: r.timestamp });
  }
});
export {
  dumpsys_battery_history_default as default
};
