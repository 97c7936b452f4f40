// dumpsys batterystats "Battery History": events since the last reset, with the app involved
// (app in the foreground, jobs, package installs and uninstalls).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { parseBatteryHistory, type BatteryHistoryEvent } from "../../formats/dumpsys/battery-history.ts";
import { dumpsysReads, dumpsysService } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export type BatteryHistoryRecord = BatteryHistoryEvent & {
  /** For an install: the higher version code an earlier install in the history had. */
  downgrade_from?: string;
  file: string;
};

const KIND_TEXT: Record<string, string> = {
  pkginst: "App installed",
  pkgunin: "App uninstalled",
  top: "App in the foreground",
  fg: "App in a foreground service",
  job: "App job",
  proc: "App process",
  pkgactive: "App active",
  pkginactive: "App inactive",
};

export default defineModule<BatteryHistoryRecord>({
  name: "dumpsys_battery_history",
  title: "Battery history: app events",
  platform: "android",
  description:
    "App events in the batterystats history (installs, uninstalls, foreground, jobs): packages are checked against indicators; installs, uninstalls and downgrades go on the timeline.",
  reads: dumpsysReads("batterystats"),
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "batterystats")) {
      // pkginst carries the installed version code where other events carry the uid.
      const installed = new Map<string, string>();
      for (const e of parseBatteryHistory(lines)) {
        let downgrade_from: string | undefined;
        if (e.kind === "pkginst" && /^\d+$/.test(e.uid)) {
          const prev = installed.get(e.package_name);
          if (prev !== undefined && BigInt(e.uid) < BigInt(prev)) downgrade_from = prev;
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
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg("det.battery_history.known", { value: m.matched, kind: KIND_TEXT[r.kind] ? msg(`det.battery_history.kind.${r.kind}`) : r.kind }), artifact: r.file, timestamp: r.timestamp });
  },
});
