// The verdict and exit code, derived in one place from detections, coverage and the acquisition
// kind's requirements, so that the terminal, summary.json and the HTML report always agree.
import type { Coverage, CoverageStatus, DatasetInfo, DeviceInfo, Detection, Exposure, Grade, MissingNeed, Summary, Verdict } from "../core/model.ts";
import { EXIT, GRADES } from "../core/model.ts";
import { render, translator } from "../core/i18n/index.ts";
import { adviceFor, missingNeeds } from "../modules/requirements.ts";
import { exploitedFlaws, exposureTitle } from "./exposure.ts";
import { detectionTitle } from "./localize.ts";
import { terminalLines } from "../core/terminal-text.ts";

/** Exploited flaws named in the terminal summary; the rest are counted. */
const TERMINAL_FLAWS = 6;

const COVERAGE_STATUSES: readonly CoverageStatus[] = ["checked", "failed", "absent", "not_applicable"];

/**
 * traces_found: at least one known indicator matched with strong or medium evidence.
 * worth_a_look: only weak matches or heuristics.
 * too_little_to_say: nothing matched, and what a meaningful check needs is missing.
 * no_known_traces: nothing, in what could be checked (never called "clean").
 * Exposure and informational entries never enter here.
 */
export function verdictOf(detections: Pick<Detection, "kind" | "grade">[], missing: readonly unknown[] = []): Verdict {
  if (detections.some((d) => d.kind === "indicator" && d.grade !== "weak")) return "traces_found";
  if (detections.length > 0) return "worth_a_look";
  if (missing.length > 0) return "too_little_to_say";
  return "no_known_traces";
}

export interface SummaryInput {
  detections: Pick<Detection, "kind" | "grade">[];
  coverage: Coverage[];
  /** The acquisition kind, for the requirements of a meaningful check (unknown: none apply). */
  kind?: string;
  exposure?: Exposure[];
  span?: { from: string; to: string };
  outputDir?: string;
}

export function summarize(input: SummaryInput): Summary {
  const { detections, coverage } = input;
  const en = translator("en");
  const byGrade = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  for (const d of detections) byGrade[d.grade]++;
  const counts = Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as Record<CoverageStatus, number>;
  for (const c of coverage) counts[c.status]++;
  const notChecked = coverage
    .filter((c) => c.status === "failed" || c.status === "absent")
    .map((c) => ({ module: c.module, title: c.title, status: c.status, reason: c.reason, ...(c.reason_message ? { reason_message: c.reason_message } : {}) }));
  const limits = coverage.filter((c) => c.limited).map((c) => ({ module: c.module, title: c.title, reason: c.reason, ...(c.reason_message ? { reason_message: c.reason_message } : {}) }));
  const incomplete = coverage.some((c) => c.status === "failed");
  const missing: MissingNeed[] = missingNeeds(input.kind, coverage).map((m) => ({ ...m, what: en(`need.${m.need}`, m.params) }));
  const advice = missing.length ? adviceFor(input.kind) : undefined;
  const verdict = verdictOf(detections, missing);
  const exitCode = detections.length > 0 ? EXIT.detections : incomplete || missing.length ? EXIT.incomplete : EXIT.nothingFound;
  return {
    verdict,
    incomplete,
    detections: byGrade,
    coverage: counts,
    missing,
    ...(advice ? { advice: { id: advice, text: en(`advice.${advice}`) } } : {}),
    exposure: input.exposure ?? [],
    ...(input.span ? { span: input.span } : {}),
    notChecked,
    ...(limits.length ? { limits } : {}),
    exitCode,
    outputDir: input.outputDir,
  };
}

/** Lockdown Mode as the exposure entries say: "on", "off", or undefined when not known. */
export function lockdownState(exposure: Pick<Exposure, "kind">[]): "on" | "off" | undefined {
  if (exposure.some((e) => e.kind === "lockdown_off")) return "off";
  if (exposure.some((e) => e.kind === "lockdown_on")) return "on";
  return undefined;
}

/** When the acquisition was made, as it records it (the backup's date, the sysdiagnose's...). */
export function acquisitionDate(device: DeviceInfo | undefined): string | undefined {
  const d = device?.acquired ?? device?.lastBackup ?? device?.sysdiagnoseCreated;
  return typeof d === "string" && d ? d : undefined;
}

/** Days before this are placeholders (a zero Mac or Unix time, a clock never set), not events. */
export const FIRST_REAL_DAY = "2007-01-01";

/** The first and last day of events, placeholder dates left out. */
export function spanOfDays(days: { day: string; count: number }[]): { from: string; to: string } | undefined {
  const real = days.filter((d) => d.count > 0 && d.day >= FIRST_REAL_DAY && /^\d{4}-\d\d-\d\d$/.test(d.day));
  if (!real.length) return undefined;
  return { from: real[0].day, to: real[real.length - 1].day };
}

/**
 * The device facts the report's "Device" section and the terminal summary both show, in order:
 * [catalog key, value]. Values from the evidence stay as they are; Lockdown Mode's state is a
 * catalog word.
 */
export function deviceFacts(
  device: DeviceInfo | undefined,
  exposure: Pick<Exposure, "kind">[],
  span: { from: string; to: string } | undefined,
  t: (key: string, args?: Record<string, string | number>) => string,
): [string, string][] {
  const out: [string, string][] = [];
  const add = (key: string, v: unknown) => {
    if (typeof v === "string" && v.trim()) out.push([key, v]);
  };
  add("device.name", device?.name);
  add("device.model", device?.model);
  add("device.os", device?.osVersion);
  add("device.build", device?.build);
  const ldm = lockdownState(exposure);
  if (device?.platform === "ios" || ldm) {
    out.push(["device.lockdown", t(ldm ? `device.lockdown.${ldm}` : "device.lockdown.unknown")]);
  }
  add("device.acquired", fmtDate(acquisitionDate(device)));
  if (span) out.push(["device.span", t("device.span.value", { from: span.from, to: span.to })]);
  return out;
}

function fmtDate(ts: string | undefined): string | undefined {
  return ts ? ts.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC") : undefined;
}

/** The stale data sets of a check in words ("exposure table: 2025-08-25, 469 days old"), or undefined when none is. */
export function staleData(datasets: DatasetInfo[] | undefined, t: (key: string, args?: Record<string, string | number>) => string): string | undefined {
  const stale = (datasets ?? []).filter((d) => d.stale);
  if (!stale.length) return undefined;
  return stale
    .map((d) => t(d.date ? "data.stale.dated" : "data.stale.undated", { name: t(`data.name.${d.name}`), date: d.date ?? "", days: d.age_days ?? "" }))
    .join("; ");
}

/** The verdict in the terminal's words ("SIGNS WORTH AN EXPERT'S LOOK"); an unknown one as it is. */
export function verdictText(verdict: string, lang = "en"): string {
  const key = `terminal.verdict.${verdict}`;
  const text = translator(lang)(key);
  return text === key ? verdict : text;
}

/**
 * The terminal summary: the verdict, detections by grade, how much was checked, what a
 * meaningful check missed, the exposure, the device, and what could not be checked.
 */
export function formatSummary(
  s: Summary,
  extra: { reportPath?: string; topDetections?: Detection[]; lang?: string; device?: DeviceInfo; datasets?: DatasetInfo[] } = {},
): string {
  const lang = extra.lang ?? "en";
  const t = translator(lang);
  const lines: string[] = [];
  lines.push("");
  lines.push(t("terminal.verdict", { verdict: `${t(`terminal.verdict.${s.verdict}`)}${s.incomplete ? ` ${t("terminal.incomplete")}` : ""}` }));
  lines.push(t("terminal.detections", { strong: s.detections.strong, medium: s.detections.medium, weak: s.detections.weak }));
  for (const d of (extra.topDetections ?? []).slice(0, 10)) {
    lines.push(`  [${t(`terminal.grade.${d.grade}`)}] ${detectionTitle(lang, d).text}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  }
  if ((extra.topDetections?.length ?? 0) > 10) lines.push(`  ${t("terminal.more", { n: extra.topDetections!.length - 10 })}`);
  lines.push(t("coverage.counts", coverageArgs(s)));
  if (s.missing.length) {
    lines.push(t("terminal.missing"));
    for (const m of s.missing) lines.push(`  - ${t(`need.${m.need}`, m.params)}${m.modules.length ? ` (${m.modules.join(", ")})` : ""}`);
    if (s.advice) lines.push(`  ${t("terminal.advice", { advice: t(`advice.${s.advice.id}`) })}`);
  }
  if (s.exposure.length) {
    lines.push(t("terminal.exposure"));
    for (const e of s.exposure) if (e.kind !== "exploited_flaw") lines.push(`  [${t(`exposure.level.${e.level}`)}] ${exposureTitle(e, t)}`);
    // Dozens of flaws for an old phone: one line, the campaigns' flaws named first.
    const flaws = exploitedFlaws(s.exposure);
    if (flaws.length) {
      const shown = flaws.slice(0, TERMINAL_FLAWS).map((e) => String(e.params.cve));
      const list = shown.join(", ") + (flaws.length > shown.length ? `, +${flaws.length - shown.length} (exposure.json)` : "");
      lines.push(t("terminal.exploited_flaws", { count: flaws.length, attributed: flaws.filter((e) => e.params.used_for).length, list }));
    }
  }
  const stale = staleData(extra.datasets, t);
  if (stale) lines.push(t("terminal.stale_data", { list: stale }));
  const facts = deviceFacts(extra.device, s.exposure, s.span, t);
  if (facts.length) {
    lines.push(t("terminal.device"));
    for (const [k, v] of facts) lines.push(`  ${t("terminal.fact", { label: t(k), value: v })}`);
  }
  const failed = s.notChecked.filter((n) => n.status === "failed");
  if (failed.length) {
    lines.push(t("terminal.failed", { n: failed.length }));
    for (const f of failed) lines.push(`  ${t("terminal.fact", { label: f.module, value: f.reason_message ? render(lang, f.reason_message) : (f.reason ?? t("coverage.reason.failed")) })}`);
  }
  if (s.limits?.length) {
    lines.push(t("terminal.limits", { n: s.limits.length }));
    for (const l of s.limits) lines.push(`  ${t("terminal.fact", { label: l.module, value: l.reason_message ? render(lang, l.reason_message) : (l.reason ?? "") })}`);
  }
  const absent = s.notChecked.filter((n) => n.status === "absent");
  if (absent.length) lines.push(t("terminal.absent", { n: absent.length, modules: absent.map((a) => a.module).join(", ") }));
  if (s.outputDir) lines.push(t("terminal.results", { path: s.outputDir }));
  if (extra.reportPath) lines.push(t("terminal.report", { path: extra.reportPath }));
  return terminalLines(lines);
}

/** The arguments of the coverage counts sentence, the same in the terminal and the report. */
export function coverageArgs(s: Pick<Summary, "coverage">): Record<string, number> {
  const c = s.coverage;
  return { checked: c.checked, total: c.checked + c.failed + c.absent, failed: c.failed, absent: c.absent };
}

const GRADE_ORDER: Record<Grade, number> = { strong: 0, medium: 1, weak: 2 };
export function sortDetections<T extends Pick<Detection, "grade" | "timestamp" | "module">>(ds: T[]): T[] {
  return [...ds].sort(
    (a, b) => GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade] || (a.timestamp ?? "").localeCompare(b.timestamp ?? "") || a.module.localeCompare(b.module),
  );
}
