// dumpsys batterystats, "Battery History": package and process events with their times.
import { fromUnixMillis } from "../../core/time.ts";
import { deviceTime, indentOf } from "./text.ts";

export interface BatteryHistoryEvent {
  /** "+top", "-job", "pkginst", ... as the history writes it. */
  event: string;
  /** Event kind without the +/- mark. */
  kind: string;
  /** uid ("u0a94", "1000"), or the version code for pkginst. */
  uid: string;
  package_name: string;
  /** "pkg/component" for jobs, else undefined. */
  service?: string;
  /** Offset since the history start ("+1h26m18s315ms"). */
  time_elapsed: string;
  /** Reset time plus the offset, device wall clock converted as if UTC. */
  timestamp?: string;
  timestamp_is_device_local: true;
}

const HISTORY_EVENT_RE = /(?:^|\s)([+-]?)(pkginst|pkgunin|pkgactive|pkginactive|top|fg|job|proc)=([\w-]+):"([^"]*)"/g;

function elapsedMs(s: string): number | undefined {
  if (s === "0") return 0;
  const m = /^\+?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m) return undefined;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000 + Number(m[5] ?? 0);
}

export function parseBatteryHistory(lines: string[]): BatteryHistoryEvent[] {
  const out: BatteryHistoryEvent[] = [];
  let inHistory = false;
  let baseMs: number | undefined;
  let baseOffset = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    if (indentOf(line) === 0) {
      inHistory = line.startsWith("Battery History");
      continue;
    }
    if (!inHistory) continue;
    const t = line.trim();
    const sp = t.indexOf(" ");
    if (sp < 0) continue;
    const offStr = t.slice(0, sp);
    const off = elapsedMs(offStr);
    if (off === undefined) continue;
    const time = /(?:RESET:)?TIME: (\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)/.exec(t);
    if (time) {
      const iso = deviceTime(time[1]);
      if (iso) {
        baseMs = Date.parse(iso);
        baseOffset = off;
      }
      continue;
    }
    if (!t.includes('="') && !t.includes(':"')) continue;
    for (const m of t.matchAll(HISTORY_EVENT_RE)) {
      let pkg = m[4];
      let service: string | undefined;
      if (m[2] === "job") {
        const slash = pkg.indexOf("/");
        if (slash > 0) {
          service = pkg;
          pkg = pkg.slice(0, slash);
        }
      }
      if (!/^[\w.]+$/.test(pkg)) continue;
      out.push({
        event: m[1] + m[2],
        kind: m[2],
        uid: m[3],
        package_name: pkg,
        service,
        time_elapsed: offStr,
        // An offset of millions of days gives no date (undefined), not an exception.
        timestamp: baseMs !== undefined ? fromUnixMillis(baseMs + off - baseOffset) : undefined,
        timestamp_is_device_local: true,
      });
    }
  }
  return out;
}
