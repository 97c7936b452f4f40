// The case report: one self-contained HTML file (no script, no outside resource) with the case
// verdict, the correlated detections first, the matches later retro-hunts found, then each
// acquisition with its verdict, its strongest detections and its coverage, linking to the
// acquisition's own report. Written in one language (the catalogs'); values from the evidence
// stay as they are.
import { writeOutputFile } from "../core/output-file.ts";
import { join } from "node:path";
import { hasMessage, msg, translator } from "../core/i18n/index.ts";
import type { Coverage, Detection, Grade, Message, Platform, Verdict } from "../core/model.ts";
import { coverageReason, detectionTitle, detectionWhy, moduleTitle } from "./localize.ts";
import { verdictText } from "./summary.ts";

export interface CaseReportAcquisition {
  id: string;
  kind: string;
  input: string;
  verdict?: string;
  incomplete?: boolean;
  detections: Detection[];
  coverage: Coverage[];
  /** Relative link to its own report.html, when there is one. */
  report?: string;
  problem?: string;
  taken?: string;
}

export interface CaseReportData {
  name: string;
  id: string;
  verdict: Verdict;
  incomplete: boolean;
  built: string;
  correlated: Detection[];
  retroHunt: Detection[];
  acquisitions: CaseReportAcquisition[];
  /** Notes on what the correlation could not use (contacts not readable, unreadable files). */
  notes: Message[];
}

type T = ReturnType<typeof translator>;

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1d1d1f}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}
.verdict{font-size:1.3em;padding:.6em 1em;border-radius:6px;background:#eef}.traces_found{background:#fdd}.worth_a_look{background:#ffefc6}
.grade{font-weight:bold}.strong{color:#a00}.medium{color:#b45f00}.weak{color:#555}.muted{color:#666}code{font-size:.9em}`;

/** The platform whose module titles an acquisition kind uses ("ios_backup" → ios). */
function platformOf(kind: string): Platform | undefined {
  if (kind.startsWith("ios")) return "ios";
  if (kind.startsWith("android")) return "android";
  return kind === "network" ? "network" : undefined;
}

function detectionsTable(t: T, lang: string, ds: Detection[], withEvents: boolean): string {
  if (!ds.length) return `<p class="muted">${esc(t("case.report.none"))}</p>`;
  const rows = ds.map((d) => {
    const events = withEvents ? ((d.record as { events?: { step?: string; acquisition: string; module: string; event: string; timestamp: string }[] } | undefined)?.events ?? []) : [];
    const evs = events.length
      ? `<ul>${events.map((e) => `<li><code>${esc(e.timestamp)}</code> ${esc(t("case.report.event", { step: e.step ?? e.event, event: e.event, acquisition: e.acquisition, module: e.module }))}</li>`).join("")}</ul>`
      : "";
    const why = detectionWhy(lang, d);
    return `<tr><td class="grade ${esc(d.grade)}">${esc(t(`terminal.grade.${d.grade}`))}</td><td>${esc(detectionTitle(lang, d).text)}${why ? `<div class="muted">${esc(why.text)}</div>` : ""}${evs}</td><td><code>${esc(d.timestamp ?? "")}</code></td><td>${esc(d.rule?.id ?? d.matched_indicator?.name ?? d.module)}</td></tr>`;
  });
  return `<table><tr><th>${esc(t("case.report.grade"))}</th><th>${esc(t("case.report.what"))}</th><th>${esc(t("field.when"))}</th><th>${esc(t("case.report.rule_or_set"))}</th></tr>${rows.join("")}</table>`;
}

function coverageTable(t: T, lang: string, platform: Platform | undefined, cs: Coverage[]): string {
  if (!cs.length) return `<p class="muted">${esc(t("case.report.no_coverage"))}</p>`;
  const order: Record<string, number> = { failed: 0, checked: 1, absent: 2, not_applicable: 3 };
  const rows = [...cs]
    .sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || a.module.localeCompare(b.module))
    .map(
      (c) =>
        `<tr><td>${esc(moduleTitle(lang, platform, c).text)}<br><code>${esc(c.module)}</code></td><td>${esc(t(`coverage.${c.status}`))}</td><td>${c.records ?? ""}</td><td>${esc(coverageReason(lang, c)?.text ?? "")}</td></tr>`,
    );
  return `<table><tr><th>${esc(t("coverage.module"))}</th><th>${esc(t("coverage.status"))}</th><th>${esc(t("coverage.records"))}</th><th>${esc(t("coverage.detail"))}</th></tr>${rows.join("")}</table>`;
}

/** "1 strong, 0 medium, 2 weak", in the report's language. */
export function gradeCounts(t: T, ds: Pick<Detection, "grade">[]): string {
  const c: Record<Grade, number> = { strong: 0, medium: 0, weak: 0 };
  for (const d of ds) c[d.grade]++;
  return t("case.counts", c);
}

export function renderCaseReport(d: CaseReportData, lang = "en"): string {
  const t = translator(lang);
  const acqs = d.acquisitions.map((a) => {
    const kind = hasMessage(`acquisition.${a.kind}`) ? t(`acquisition.${a.kind}`) : a.kind.replace(/_/g, " ");
    const made = a.taken ? esc(t("case.report.made", { date: a.taken })) : "";
    const own = a.report ? ` · <a href="${esc(a.report)}">${esc(t("case.report.own_report"))}</a>` : "";
    const head = `<h3>${esc(a.id)}: ${esc(kind)}</h3><p>${esc(t("case.report.input"))} <code>${esc(a.input)}</code>${made}${own}</p>`;
    if (a.problem) return `${head}<p class="strong">${esc(t("case.report.unreadable", { problem: a.problem }))}</p>`;
    const v = a.verdict ? verdictText(a.verdict, lang) : t("case.verdict.unknown");
    const top = a.detections.slice(0, 10);
    const more = a.detections.length > top.length ? `<p class="muted">${esc(t("case.report.more", { n: a.detections.length - top.length }))}</p>` : "";
    return `${head}<p>${esc(t("case.report.acquisition_verdict", { verdict: v, incomplete: a.incomplete ? msg("case.incomplete.short") : "", counts: gradeCounts(t, a.detections) }))}</p>${detectionsTable(t, lang, top, false)}${more}<details><summary>${esc(t("case.report.coverage"))}</summary>${coverageTable(t, lang, platformOf(a.kind), a.coverage)}</details>`;
  });
  return `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8"><title>${esc(t("case.report.title", { name: d.name }))}</title><style>${CSS}</style></head><body>
<h1>${esc(t("case.report.heading", { name: d.name }))}</h1>
<p class="muted">${esc(t("case.report.subtitle", { id: d.id, n: d.acquisitions.length, built: d.built }))}</p>
<div class="verdict ${esc(d.verdict)}">${esc(verdictText(d.verdict, lang))}${d.incomplete ? ` ${esc(t("case.incomplete"))}` : ""}</div>
<h2>${esc(t("case.report.correlated"))}</h2>
${detectionsTable(t, lang, d.correlated, true)}
${d.notes.length ? `<ul class="muted">${d.notes.map((n) => `<li>${esc(t(n.id, n.params))}</li>`).join("")}</ul>` : ""}
<h2>${esc(t("case.report.retro_hunt"))}</h2>
${detectionsTable(t, lang, d.retroHunt, false)}
<h2>${esc(t("case.report.acquisitions"))}</h2>
${acqs.join("\n")}
</body></html>
`;
}

export function writeCaseReport(dir: string, d: CaseReportData, lang = "en"): string {
  const path = join(dir, "report.html");
  writeOutputFile(path, renderCaseReport(d, lang));
  return path;
}
