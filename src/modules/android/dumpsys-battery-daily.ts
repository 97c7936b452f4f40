// dumpsys batterystats "Daily stats": per day, the package updates and uninstalls the battery
// service noted. An uninstall or a version downgrade can be the trace of an app removed after use.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { parseBatteryDaily, type BatteryDailyChange } from "../../formats/dumpsys/battery-daily.ts";
import { dumpsysReads, dumpsysService } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export interface BatteryDailyRecord extends BatteryDailyChange {
  /** Set on an update whose version is lower than the one the previous update installed. */
  downgrade_from?: string;
  file: string;
}

export default defineModule<BatteryDailyRecord>({
  name: "dumpsys_battery_daily",
  title: "Battery daily stats: package changes",
  platform: "android",
  description: "Package updates and uninstalls recorded per day by batterystats: packages are checked against indicators; uninstalls and downgrades go on the timeline.",
  reads: dumpsysReads("batterystats"),
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "batterystats")) {
      const changes = parseBatteryDaily(lines);
      // Days are listed newest first; walk them oldest first to see downgrades.
      const order = changes.map((c, i) => ({ c, i })).sort((a, b) => (a.c.from ?? "").localeCompare(b.c.from ?? "") || b.i - a.i);
      const last = new Map<string, string>();
      const down = new Map<number, string>();
      for (const { c, i } of order) {
        if (c.action === "uninstall") {
          last.delete(c.package_name);
          continue;
        }
        const prev = last.get(c.package_name);
        if (prev !== undefined && c.vers !== undefined && BigInt(c.vers) < BigInt(prev)) down.set(i, prev);
        if (c.vers !== undefined) last.set(c.package_name, c.vers);
      }
      for (let i = 0; i < changes.length; i++) yield { ...changes[i], downgrade_from: down.get(i), file };
    }
  },
  events(r) {
    const at = r.to ?? r.from;
    if (!at) return [];
    if (r.action === "uninstall") return [{ timestamp: at, event: "package_uninstalled", description: `App uninstalled: ${r.package_name} (day ending ${at}, device clock)` }];
    if (r.downgrade_from) return [{ timestamp: at, event: "package_downgraded", description: `App downgraded: ${r.package_name} from version ${r.downgrade_from} to ${r.vers} (device clock)` }];
    return [{ timestamp: at, event: "package_updated", description: `App updated: ${r.package_name} to version ${r.vers} (device clock)` }];
  },
  check(r, ctx) {
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => msg(r.action === "uninstall" ? "det.battery_daily.uninstalled" : "det.battery_daily.installed", { value: m.matched }), artifact: r.file, timestamp: r.to ?? r.from });
  },
});
