// com.apple.osanalytics.addaily.plist: the daily analytics baseline of network bytes per
// process. A process listed here ran on the device and used the network.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import { VigilError } from "../../core/errors.ts";
import { fromDate } from "../../core/time.ts";
import { baseName, isDict, readPlistDict } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";

export interface AdDailyRecord {
  package: string;
  ts: string | null;
  wifi_in: number | null;
  wifi_out: number | null;
  wwan_in: number | null;
  wwan_out: number | null;
  source: string;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : null);

export default defineModule<AdDailyRecord>({
  name: "os_analytics_ad_daily",
  title: "Network usage per process (OSAnalytics daily)",
  platform: "ios",
  description:
    "Reads the netUsageBaseline of com.apple.osanalytics.addaily.plist: per-process Wi-Fi and cellular bytes with the time of the baseline. Flags known spyware process names (names iOS may have truncated are graded one step lower).",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.osanalytics.addaily.plist" }],
    fs: ["private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist"],
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const plist = await readPlistDict(ctx.view, file);
      const base = plist["netUsageBaseline"];
      if (base === undefined) continue;
      if (!isDict(base)) throw new VigilError("unexpected plist: netUsageBaseline is not a dictionary", { file: file.path, code: "schema" });
      let bad = 0;
      for (const [pkg, values] of Object.entries(base)) {
        // Each entry is [date, wifi in, wifi out, wwan in, wwan out].
        if (!Array.isArray(values) || values.length < 5) {
          bad++;
          continue;
        }
        const when = values[0];
        yield {
          package: pkg,
          ts: when instanceof Date ? (fromDate(when) ?? null) : null,
          wifi_in: num(values[1]),
          wifi_out: num(values[2]),
          wwan_in: num(values[3]),
          wwan_out: num(values[4]),
          source: file.path,
        };
      }
      if (bad) ctx.warn(`${file.path}: ${bad} netUsageBaseline entr${bad === 1 ? "y is" : "ies are"} not [date, 4 counters] and were skipped`);
    }
  },
  events(r) {
    if (!r.ts) return [];
    return [
      {
        timestamp: r.ts,
        event: "osanalytics_addaily",
        description: `${r.package} network baseline: Wi-Fi in ${r.wifi_in ?? 0} B, out ${r.wifi_out ?? 0} B; WWAN in ${r.wwan_in ?? 0} B, out ${r.wwan_out ?? 0} B`,
      },
    ];
  },
  check(r, ctx) {
    const ms = ctx.iocs.process(baseName(r.package), { maybeTruncated: true });
    return fromMatches(ms, {
      grade: "strong",
      title: (m) => msg(m.truncated ? "det.network_usage.process_truncated" : "det.network_usage.process", { value: m.matched, source: msg("det.os_analytics.source"), set: m.indicator.set.name }),
      why: msg("det.os_analytics.why"),
      timestamp: r.ts ?? undefined,
      artifact: r.source,
    });
  },
});
