import { EXIT, GRADES } from "../core/model.js";
function verdictOf(detections) {
  if (detections.some((d) => d.kind === "indicator" && d.grade !== "weak")) return "traces_found";
  if (detections.length > 0) return "worth_a_look";
  return "no_known_traces";
}
function summarize(detections, coverage, outputDir) {
  const byGrade = Object.fromEntries(GRADES.map((g) => [g, 0]));
  for (const d of detections) byGrade[d.grade]++;
  const notChecked = coverage.filter((c) => c.status === "failed" || c.status === "absent").map((c) => ({ module: c.module, title: c.title, status: c.status, reason: c.reason }));
  const incomplete = coverage.some((c) => c.status === "failed");
  const verdict = verdictOf(detections);
  const exitCode = detections.length > 0 ? EXIT.detections : incomplete ? EXIT.incomplete : EXIT.nothingFound;
  return { verdict, incomplete, detections: byGrade, notChecked, exitCode, outputDir };
}
const VERDICT_TEXT = {
  traces_found: "TRACES OF KNOWN SPYWARE FOUND",
  worth_a_look: "SIGNS WORTH AN EXPERT'S LOOK",
  no_known_traces: "NO KNOWN TRACES in what could be checked"
};
function formatSummary(s, extra = {}) {
  const lines = [];
  lines.push("");
  lines.push(`Verdict: ${VERDICT_TEXT[s.verdict]}${s.incomplete ? " (check INCOMPLETE: some artifacts could not be checked)" : ""}`);
  lines.push(`Detections: ${s.detections.strong} strong, ${s.detections.medium} medium, ${s.detections.weak} weak`);
  for (const d of (extra.topDetections ?? []).slice(0, 10)) {
    lines.push(`  [${d.grade}] ${d.title}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  }
  if ((extra.topDetections?.length ?? 0) > 10) lines.push(`  ... and ${extra.topDetections.length - 10} more (see alerts.json)`);
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
const GRADE_ORDER = { strong: 0, medium: 1, weak: 2 };
function sortDetections(ds) {
  return [...ds].sort(
    (a, b) => GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade] || (a.timestamp ?? "").localeCompare(b.timestamp ?? "") || a.module.localeCompare(b.module)
  );
}
export {
  VERDICT_TEXT,
  formatSummary,
  sortDetections,
  summarize,
  verdictOf
};
