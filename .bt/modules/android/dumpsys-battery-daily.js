import { defineModule, fromMatches } from "../../core/module.js";
import { parseBatteryDaily } from "../../formats/dumpsys.js";
import { DUMPSYS_READS, dumpsysService } from "./lib/common.js";
var dumpsys_battery_daily_default = defineModule({
  name: "dumpsys_battery_daily",
  title: "Battery daily stats: package changes",
  platform: "android",
  description: "Package updates and uninstalls recorded per day by batterystats: packages are checked against indicators; uninstalls and downgrades go on the timeline.",
  reads: DUMPSYS_READS,
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "batterystats")) {
      const changes = parseBatteryDaily(lines);
      const order = changes.map((c, i) => ({ c, i })).sort((a, b) => (a.c.from ?? "").localeCompare(b.c.from ?? "") || b.i - a.i);
      const last = /* @__PURE__ */ new Map();
      const down = /* @__PURE__ */ new Map();
      for (const { c, i } of order) {
        if (c.action === "uninstall") {
          last.delete(c.package_name);
          continue;
        }
        const prev = last.get(c.package_name);
        if (prev !== void 0 && c.vers !== void 0 && BigInt(c.vers) < BigInt(prev)) down.set(i, prev);
        if (c.vers !== void 0) last.set(c.package_name, c.vers);
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
    return fromMatches(ctx.iocs.appId(r.package_name), { grade: "strong", title: (m) => `Known malicious app ${r.action === "uninstall" ? "uninstalled" : "installed or updated"}: ${m.matched}`, artifact: r.file, timestamp: r.to ?? r.from });
  }
});
export {
  dumpsys_battery_daily_default as default
};
