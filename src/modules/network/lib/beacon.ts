// Beaconing: an implant calls its server at a fixed interval, a person's use of the phone does
// not keep such a rhythm. Connections to an indicator-matched destination whose start times are
// this regular are graded strong (rule NET-BEACON-01 in docs/rules.md).
import { codeRule, heuristic } from "../../../core/detection.ts";
import { msg } from "../../../core/i18n/index.ts";
import type { DetectionInput } from "../../../core/model.ts";
import { fromUnixMillis } from "../../../core/time.ts";

export const BEACON = {
  /** Contacts (after bursts are merged) needed before a rhythm can be told from chance. */
  minContacts: 6,
  /** Connections starting this close together are one contact (a burst of parallel connections). */
  burstMs: 2_000,
  /** Intervals shorter than this on average are streaming or retries, not a check-in. */
  minMeanMs: 10_000,
  /** Coefficient of variation (standard deviation / mean) of the intervals, at most. */
  maxCv: 0.25,
  /** Start times kept per destination (bounded memory). */
  maxTimes: 100_000,
};

export interface Rhythm {
  contacts: number;
  meanMs: number;
  cv: number;
  first: number;
  last: number;
}

/** The rhythm of start times (ms), or null when they are not regular enough to be beaconing. */
export function rhythm(times: number[]): Rhythm | null {
  const sorted = [...times].sort((a, b) => a - b);
  const kept: number[] = [];
  for (const t of sorted) if (kept.length === 0 || t - kept[kept.length - 1]! > BEACON.burstMs) kept.push(t);
  if (kept.length < BEACON.minContacts) return null;
  const gaps = kept.slice(1).map((t, i) => t - kept[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean < BEACON.minMeanMs) return null;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  const cv = sd / mean;
  if (cv > BEACON.maxCv) return null;
  return { contacts: kept.length, meanMs: mean, cv, first: kept[0]!, last: kept[kept.length - 1]! };
}

export const BEACON_RULE = codeRule("NET-BEACON-01", { n: BEACON.minContacts, cv: BEACON.maxCv, every: BEACON.minMeanMs / 1000 });

/** An interval in units both languages write the same way ("45 s", "10 min", "2 h 30 min"). */
function human(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
}

/** Start times of connections per matched destination; detections for the regular ones. */
export class BeaconTracker {
  private readonly times = new Map<string, { times: number[]; set: string }>();

  add(destination: string, set: string, startIso: string): void {
    const t = Date.parse(startIso);
    if (Number.isNaN(t)) return;
    let e = this.times.get(destination);
    if (!e) this.times.set(destination, (e = { times: [], set }));
    if (e.times.length < BEACON.maxTimes) e.times.push(t);
  }

  detections(artifact: string): DetectionInput[] {
    const out: DetectionInput[] = [];
    for (const [dest, { times, set }] of this.times) {
      const r = rhythm(times);
      if (!r) continue;
      out.push(
        heuristic({
          rule: BEACON_RULE.id,
          ruleDescription: BEACON_RULE.description,
          grade: "strong",
          title: msg("det.net.beacon", { set, value: dest, n: r.contacts, interval: human(r.meanMs) }),
          why: msg("det.net.beacon.why"),
          matched: dest,
          timestamp: fromUnixMillis(r.first),
          artifact,
          record: { destination: dest, contacts: r.contacts, mean_interval_seconds: Math.round(r.meanMs / 100) / 10, coefficient_of_variation: Math.round(r.cv * 1000) / 1000, first: fromUnixMillis(r.first), last: fromUnixMillis(r.last) },
        }),
      );
    }
    return out;
  }
}
