// What the page shows of each module while a check runs, from the --progress json steps. A module
// split across worker threads reports each part's start and end; it is running until every part
// has ended, then shows the parts added up (failed when one part failed), as the results will.
import type { ProgressStep } from "../pipeline/progress.ts";

/** The key of a module's line: its name, after the nested view's name when there is one. */
export const stepKey = (s: ProgressStep): string => (s.view ? `${s.view}/${s.module}` : s.module);

/** The module's step once `s` arrived; `ended` collects the parts that ended, by key. */
export function foldStep(current: ProgressStep | undefined, s: ProgressStep, ended: Map<string, ProgressStep[]>): ProgressStep {
  if (!s.part) return s;
  const { part, ...whole } = s;
  if (current?.status) return current;
  if (!s.status) return { ...whole };
  const key = stepKey(s);
  const parts = [...(ended.get(key) ?? []), s];
  ended.set(key, parts);
  if (parts.length < part.count) return { ...whole, status: undefined, records: undefined, detections: undefined, reason: undefined };
  ended.delete(key);
  const failed = parts.find((p) => p.status === "failed");
  if (failed) return { ...whole, status: "failed", reason: failed.reason };
  const sum = (f: (p: ProgressStep) => number | undefined) => parts.reduce((a, p) => a + (f(p) ?? 0), 0);
  const status = parts.some((p) => p.status === "checked") ? "checked" : parts[0].status;
  return status === "checked" ? { ...whole, status, records: sum((p) => p.records), detections: sum((p) => p.detections) } : { ...whole, status };
}
