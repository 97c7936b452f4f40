// The case verdict, from the verdicts of its acquisitions (each check's summary.json) and the
// detections the case itself adds (correlations, retro-hunt matches). Kept to one small function
// so that it follows whatever verdicts a single check gives: the strongest one wins.
import type { Detection, Verdict } from "../core/model.ts";
import { verdictOf } from "../report/summary.ts";

/**
 * Verdicts from the strongest down; one not listed ranks below these. One acquisition that could
 * be checked meaningfully outranks those with too little to say; a case with none says too little.
 */
export const VERDICT_ORDER: readonly string[] = ["traces_found", "worth_a_look", "no_known_traces", "too_little_to_say"];

export function caseVerdict(acquisitions: (Verdict | undefined)[], caseDetections: Pick<Detection, "kind" | "grade">[]): Verdict {
  const all = [...acquisitions.filter((v): v is Verdict => v !== undefined), ...(caseDetections.length ? [verdictOf(caseDetections)] : [])];
  const rank = (v: string) => {
    const i = VERDICT_ORDER.indexOf(v);
    return i < 0 ? VERDICT_ORDER.length : i;
  };
  all.sort((a, b) => rank(a) - rank(b));
  return all[0] ?? "too_little_to_say";
}
