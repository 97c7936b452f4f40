// dumpsys batterystats, "Daily stats": package updates and uninstalls per day.
import { deviceTime, indentOf } from "./text.ts";

export interface BatteryDailyChange {
  action: "update" | "uninstall";
  package_name: string;
  vers?: string;
  /** Start and end of the daily period (device wall clock, converted as if UTC). */
  from?: string;
  to?: string;
  timestamp_is_device_local: true;
}

export function parseBatteryDaily(lines: string[]): BatteryDailyChange[] {
  const out: BatteryDailyChange[] = [];
  let inDaily = false;
  let from: string | undefined;
  let to: string | undefined;
  let inChanges = false;
  let changesIndent = 0;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    const ind = indentOf(line);
    if (ind === 0) {
      inDaily = t.startsWith("Daily stats:");
      inChanges = false;
      continue;
    }
    if (!inDaily) continue;
    const cur = /^Current start time: (\S+)/.exec(t);
    if (cur) {
      from = deviceTime(cur[1]);
      to = undefined;
      inChanges = false;
      continue;
    }
    const d = /^Daily from (\S+) to (\S+):/.exec(t);
    if (d) {
      from = deviceTime(d[1]);
      to = deviceTime(d[2]);
      inChanges = false;
      continue;
    }
    if (t === "Package changes:") {
      inChanges = true;
      changesIndent = ind;
      continue;
    }
    if (inChanges && ind <= changesIndent) inChanges = false;
    if (!inChanges) continue;
    const u = /^Update ([\w.$-]+) vers=(-?\d+)/.exec(t);
    if (u) {
      out.push({ action: "update", package_name: u[1], vers: u[2], from, to, timestamp_is_device_local: true });
      continue;
    }
    const r = /^Uninstall ([\w.$-]+)/.exec(t);
    if (r) out.push({ action: "uninstall", package_name: r[1], from, to, timestamp_is_device_local: true });
  }
  return out;
}
