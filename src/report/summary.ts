// The verdict and exit code, derived in one place from detections and coverage so that the
// terminal, summary.json and the HTML report always agree.
import type { Coverage, Detection, Grade, Summary, Verdict } from "../core/model.ts";
import { EXIT, GRADES } from "../core/model.ts";
import { render, translator } from "../core/i18n/index.ts";
import { detectionTitle } from "./localize.ts";

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
    .map((c) => ({ module: c.module, title: c.title, status: c.status, reason: c.reason, ...(c.reason_message ? { reason_message: c.reason_message } : {}) }));
  const incomplete = coverage.some((c) => c.status === "failed");
  const verdict = verdictOf(detections);
  const exitCode = detections.length > 0 ? EXIT.detections : incomplete ? EXIT.incomplete : EXIT.nothingFound;
  return { verdict, incomplete, detections: byGrade, notChecked, exitCode, outputDir };
}

/** The terminal summary, in `lang`: a verdict line, detections by grade, what could not be checked. */
export function formatSummary(s: Summary, extra: { reportPath?: string; topDetections?: Detection[]; lang?: string } = {}): string {
  const lang = extra.lang ?? "en";
  const t = translator(lang);
  const lines: string[] = [];
  lines.push("");
  lines.push(t("summary.verdict", { verdict: t(`summary.verdict.${s.verdict}`) }) + (s.incomplete ? t("summary.incomplete") : ""));
  lines.push(t("summary.detections", { strong: s.detections.strong, medium: s.detections.medium, weak: s.detections.weak }));
  for (const d of (extra.topDetections ?? []).slice(0, 10)) {
    lines.push(`  [${t(`summary.grade.${d.grade}`)}] ${detectionTitle(lang, d).text}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  }
  if ((extra.topDetections?.length ?? 0) > 10) lines.push(`  ${t("summary.more", { n: extra.topDetections!.length - 10 })}`);
  const failed = s.notChecked.filter((n) => n.status === "failed");
  if (failed.length) {
    lines.push(t("summary.failed", { n: failed.length }));
    for (const f of failed) lines.push(`  ${f.module}: ${f.reason_message ? render(lang, f.reason_message) : (f.reason ?? t("coverage.reason.failed"))}`);
  }
  const absent = s.notChecked.filter((n) => n.status === "absent");
  if (absent.length) lines.push(t("summary.absent", { n: absent.length, modules: absent.map((a) => a.module).join(", ") }));
  if (s.outputDir) lines.push(t("summary.results", { path: s.outputDir }));
  if (extra.reportPath) lines.push(t("summary.report", { path: extra.reportPath }));
  return lines.join("\n");
}

const GRADE_ORDER: Record<Grade, number> = { strong: 0, medium: 1, weak: 2 };
export function sortDetections<T extends Pick<Detection, "grade" | "timestamp" | "module">>(ds: T[]): T[] {
  return [...ds].sort(
    (a, b) => GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade] || (a.timestamp ?? "").localeCompare(b.timestamp ?? "") || a.module.localeCompare(b.module),
  );
}
