// Beaconing: an implant calls its server at a fixed interval, a person's use of the phone does
// not keep such a rhythm. Connections to an indicator-matched destination whose start times are
// this regular are graded strong (rule NET-BEACON-01 in docs/rules.md).
import { heuristic } from "../../../core/detection.ts";
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

function human(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
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
          rule: "NET-BEACON-01",
          ruleDescription: `At least ${BEACON.minContacts} connections to a known spyware destination at regular intervals (coefficient of variation at most ${BEACON.maxCv}, every ${BEACON.minMeanMs / 1000} s or more)`,
          grade: "strong",
          title: `Regular connections to known ${set} infrastructure ${dest}: ${r.contacts} contacts about every ${human(r.meanMs)}`,
          why: "Spyware implants check in with their servers at a fixed interval; a person using the phone does not keep such a rhythm. Repeated, periodic contact shows something on the phone kept calling this server.",
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
