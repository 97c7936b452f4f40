// The verdict and exit code, derived in one place from detections and coverage so that the
// terminal, summary.json and the HTML report always agree.
import type { Coverage, Detection, Grade, Summary, Verdict } from "../core/model.ts";
import { EXIT, GRADES } from "../core/model.ts";

/**
 * traces_found: at least one known indicator matched with strong or medium evidence.
 * worth_a_look: only weak matches or heuristics.
 * no_known_traces: nothing, in what could be checked (never called "clean").
 */
export function verdictOf(detections: Pick<Detection, "kind" | "grade">[]): Verdict {
  if (detections.some((d) => d.kind === "indicator" && d.grade !== "weak")) return "traces_found";
  if (detections.length > 0) return "worth_a_look";
  return "no_known_traces";
}

export function summarize(detections: Pick<Detection, "kind" | "grade">[], coverage: Coverage[], outputDir?: string): Summary {
  const byGrade = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  for (const d of detections) byGrade[d.grade]++;
  const notChecked = coverage
    .filter((c) => c.status === "failed" || c.status === "absent")
    .map((c) => ({ module: c.module, title: c.title, status: c.status, reason: c.reason }));
  const incomplete = coverage.some((c) => c.status === "failed");
  const verdict = verdictOf(detections);
  const exitCode = detections.length > 0 ? EXIT.detections : incomplete ? EXIT.incomplete : EXIT.nothingFound;
  return { verdict, incomplete, detections: byGrade, notChecked, exitCode, outputDir };
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  traces_found: "TRACES OF KNOWN SPYWARE FOUND",
  worth_a_look: "SIGNS WORTH AN EXPERT'S LOOK",
  no_known_traces: "NO KNOWN TRACES in what could be checked",
};

/** The terminal summary: a verdict line, detections by grade, what could not be checked. */
export function formatSummary(s: Summary, extra: { reportPath?: string; topDetections?: Detection[] } = {}): string {
  const lines: string[] = [];
  lines.push("");
  lines.push(`Verdict: ${VERDICT_TEXT[s.verdict]}${s.incomplete ? " (check INCOMPLETE: some artifacts could not be checked)" : ""}`);
  lines.push(`Detections: ${s.detections.strong} strong, ${s.detections.medium} medium, ${s.detections.weak} weak`);
  for (const d of (extra.topDetections ?? []).slice(0, 10)) {
    lines.push(`  [${d.grade}] ${d.title}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  }
  if ((extra.topDetections?.length ?? 0) > 10) lines.push(`  ... and ${extra.topDetections!.length - 10} more (see alerts.json)`);
  const failed = s.notChecked.filter((n) => n.status === "failed");
  if (failed.length) {
    lines.push(`Could not check (${failed.length}):`);
    for (const f of failed) lines.push(`  ${f.module}: ${f.reason ?? "failed"}`);
  }
  const absent = s.notChecked.filter((n) => n.status === "absent");
  if (absent.length) lines.push(`Not in this acquisition (${absent.length}): ${absent.map((a) => a.module).join(", ")}`);
  if (s.outputDir) lines.push(`Results: ${s.outputDir}`);
  if (extra.reportPath) lines.push(`Report: ${extra.reportPath}`);
  return lines.join("\n");
}

const GRADE_ORDER: Record<Grade, number> = { strong: 0, medium: 1, weak: 2 };
export function sortDetections<T extends Pick<Detection, "grade" | "timestamp" | "module">>(ds: T[]): T[] {
  return [...ds].sort(
    (a, b) => GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade] || (a.timestamp ?? "").localeCompare(b.timestamp ?? "") || a.module.localeCompare(b.module),
  );
}
