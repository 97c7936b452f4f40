// The case report: one self-contained HTML file (no script, no outside resource) with the case
// verdict, the correlated detections first, the matches later retro-hunts found, then each
// acquisition with its verdict, its strongest detections and its coverage, linking to the
// acquisition's own report.
import { writeOutputFile } from "../core/output-file.ts";
import { join } from "node:path";
import type { Coverage, Detection, Grade, Verdict } from "../core/model.ts";
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
  notes: string[];
}

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1d1d1f}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ccc}table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}
.verdict{font-size:1.3em;padding:.6em 1em;border-radius:6px;background:#eef}.traces_found{background:#fdd}.worth_a_look{background:#ffefc6}
.grade{font-weight:bold}.strong{color:#a00}.medium{color:#b45f00}.weak{color:#555}.muted{color:#666}code{font-size:.9em}`;

function detectionsTable(ds: Detection[], withEvents: boolean): string {
  if (!ds.length) return `<p class="muted">None.</p>`;
  const rows = ds.map((d) => {
    const events = withEvents ? ((d.record as { events?: { step?: string; acquisition: string; module: string; event: string; timestamp: string }[] } | undefined)?.events ?? []) : [];
    const evs = events.length ? `<ul>${events.map((e) => `<li><code>${esc(e.timestamp)}</code> ${esc(e.step ?? e.event)}: ${esc(e.event)} in ${esc(e.acquisition)} (${esc(e.module)})</li>`).join("")}</ul>` : "";
    return `<tr><td class="grade ${esc(d.grade)}">${esc(d.grade)}</td><td>${esc(d.title)}${d.why ? `<div class="muted">${esc(d.why)}</div>` : ""}${evs}</td><td><code>${esc(d.timestamp ?? "")}</code></td><td>${esc(d.rule?.id ?? d.matched_indicator?.name ?? d.module)}</td></tr>`;
  });
  return `<table><tr><th>Grade</th><th>What</th><th>When</th><th>Rule or indicator set</th></tr>${rows.join("")}</table>`;
}

function coverageTable(cs: Coverage[]): string {
  if (!cs.length) return `<p class="muted">No coverage recorded.</p>`;
  const order: Record<string, number> = { failed: 0, checked: 1, absent: 2, not_applicable: 3 };
  const rows = [...cs]
    .sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || a.module.localeCompare(b.module))
    .map((c) => `<tr><td>${esc(c.module)}</td><td>${esc(c.status.replace("_", " "))}</td><td>${c.records ?? ""}</td><td>${esc(c.reason ?? "")}</td></tr>`);
  return `<table><tr><th>Module</th><th>Status</th><th>Records</th><th>Reason</th></tr>${rows.join("")}</table>`;
}

const counts = (ds: Detection[]) => {
  const c: Record<Grade, number> = { strong: 0, medium: 0, weak: 0 };
  for (const d of ds) c[d.grade]++;
  return `${c.strong} strong, ${c.medium} medium, ${c.weak} weak`;
};

export function renderCaseReport(d: CaseReportData): string {
  const caseVerdict = verdictText(d.verdict);
  const acqs = d.acquisitions.map((a) => {
    const head = `<h3>${esc(a.id)}: ${esc(a.kind.replace(/_/g, " "))}</h3><p>Input: <code>${esc(a.input)}</code>${a.taken ? `, made ${esc(a.taken)}` : ""}${a.report ? ` · <a href="${esc(a.report)}">its own report</a>` : ""}</p>`;
    if (a.problem) return `${head}<p class="strong">Its results could not be read: ${esc(a.problem)}</p>`;
    const v = a.verdict ? verdictText(a.verdict) : "unknown";
    const top = a.detections.slice(0, 10);
    return `${head}<p>Verdict: <b>${esc(v)}</b>${a.incomplete ? " (check incomplete)" : ""}. Detections: ${counts(a.detections)}.</p>${detectionsTable(top, false)}${a.detections.length > top.length ? `<p class="muted">... and ${a.detections.length - top.length} more in its own report.</p>` : ""}<details><summary>Coverage: what could and could not be checked</summary>${coverageTable(a.coverage)}</details>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil case ${esc(d.name)}</title><style>${CSS}</style></head><body>
<h1>Case: ${esc(d.name)}</h1>
<p class="muted">Case ${esc(d.id)} · ${d.acquisitions.length} acquisition(s) · built ${esc(d.built)}</p>
<div class="verdict ${esc(d.verdict)}">${esc(caseVerdict)}${d.incomplete ? " (INCOMPLETE: some artifacts could not be checked)" : ""}</div>
<h2>Correlated detections (across acquisitions)</h2>
${detectionsTable(d.correlated, true)}
${d.notes.length ? `<ul class="muted">${d.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}
<h2>Found later by retro-hunts</h2>
${detectionsTable(d.retroHunt, false)}
<h2>Acquisitions</h2>
${acqs.join("\n")}
</body></html>
`;
}

export function writeCaseReport(dir: string, d: CaseReportData): string {
  const path = join(dir, "report.html");
  writeOutputFile(path, renderCaseReport(d));
  return path;
}
