// What the case commands print: the case summary, the hunt answers and the retro-hunt's new
// matches per case, in the reader's language (the catalogs'); values from the evidence and the
// archive stay as they are.
import type { CaseListing, Seen } from "../case-archive/store.ts";
import { hasMessage, msg, translator } from "../core/i18n/index.ts";
import type { Detection } from "../core/model.ts";
import { detectionTitle } from "../report/localize.ts";
import { verdictText } from "../report/summary.ts";
import { unavailableNote } from "../rules/correlate.ts";
import type { BuiltCase } from "./build.ts";
import type { RetroHuntResult } from "./retro-hunt.ts";
import { terminalLines } from "../core/terminal-text.ts";

type T = ReturnType<typeof translator>;

const verdictOrUnknown = (t: T, lang: string, v: string | undefined) => (v ? verdictText(v, lang) : t("case.verdict.unknown"));
const counts = (t: T, c?: Record<string, number>) => (c ? t("case.counts", { strong: c.strong ?? 0, medium: c.medium ?? 0, weak: c.weak ?? 0 }) : "");

function detectionLines(t: T, lang: string, ds: Detection[], max = 10): string[] {
  const out = ds.slice(0, max).map((d) => `  [${t(`terminal.grade.${d.grade}`)}] ${detectionTitle(lang, d).text}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  if (ds.length > max) out.push(`  ${t("case.terminal.more", { n: ds.length - max })}`);
  return out;
}

export function formatCase(b: BuiltCase, lang = "en"): string {
  const t = translator(lang);
  const s = b.summary;
  const lines = ["", t("case.terminal.heading", { name: s.case.name, id: s.case.id, n: s.acquisitions.length })];
  lines.push(t("terminal.verdict", { verdict: `${verdictOrUnknown(t, lang, s.verdict)}${s.incomplete ? ` ${t("case.incomplete")}` : ""}` }));
  lines.push(t("case.terminal.detections", { counts: counts(t, s.detections) }));
  lines.push(t("case.terminal.correlated", { n: b.correlated.length }), ...(b.correlated.length ? detectionLines(t, lang, b.correlated) : [`  ${t("case.terminal.none")}`]));
  if (b.retroHunt.length) lines.push(t("case.terminal.retro_hunt", { n: b.retroHunt.length }), ...detectionLines(t, lang, b.retroHunt));
  lines.push(t("case.terminal.acquisitions"));
  for (const a of s.acquisitions) {
    const state = a.problem
      ? t("case.terminal.unreadable", { problem: a.problem })
      : t("case.terminal.acquisition", { verdict: verdictOrUnknown(t, lang, a.verdict), incomplete: a.incomplete ? msg("case.incomplete.short") : "", counts: counts(t, a.detections) });
    lines.push(`  ${a.id.padEnd(26)} ${state}`);
  }
  for (const [name, st] of Object.entries(s.sets)) if (!st.available) lines.push(t("case.terminal.note", { note: unavailableNote(name, st.reason ?? "") }));
  lines.push(t("case.terminal.folder", { path: s.case.dir }));
  if (b.reportPath) lines.push(t("terminal.report", { path: b.reportPath }));
  return terminalLines(lines);
}

export function formatHunt(values: string[], seen: Seen[], lang = "en"): string {
  const t = translator(lang);
  if (!seen.length) return t("case.hunt.not_seen", { values: values.join(", ") });
  const lines: string[] = [];
  const byCase = new Map<string, Seen[]>();
  for (const s of seen) byCase.set(s.case_id, [...(byCase.get(s.case_id) ?? []), s]);
  for (const list of byCase.values()) {
    lines.push(t("case.hunt.case", { name: list[0].case_name, id: list[0].case_id, folder: list[0].folder }));
    for (const s of list.sort((a, b) => a.acq.localeCompare(b.acq) || a.module.localeCompare(b.module))) {
      const when = s.first_seen ? (s.first_seen === s.last_seen ? msg("case.hunt.on", { date: s.first_seen }) : msg("case.hunt.from_to", { from: s.first_seen, to: s.last_seen ?? "" })) : "";
      const kind = hasMessage(`acquisition.${s.acq_kind}`) ? msg(`acquisition.${s.acq_kind}`) : s.acq_kind.replace(/_/g, " ");
      lines.push(`  ${t("case.hunt.seen", { acquisition: s.acq, kind, value: s.value, where: `${s.module}.${s.field}`, n: s.count, when })}`);
    }
  }
  return terminalLines(lines);
}

export function formatRetroHunt(r: RetroHuntResult, location: string, lang = "en"): string {
  const t = translator(lang);
  const lines = [t("case.retro.heading", { location, values: r.values, matched: r.matchedValues })];
  if (!r.cases.length) {
    lines.push(t("case.retro.none"));
    return terminalLines(lines);
  }
  for (const c of r.cases) {
    lines.push(t("case.retro.case", { name: c.name, id: c.case_id, n: c.matches.length }));
    for (const m of c.matches.slice(0, 20)) {
      const kind = hasMessage(`det.recheck.kind.${m.indicator.type}`) ? msg(`det.recheck.kind.${m.indicator.type}`) : m.indicator.type.replace(/_/g, " ");
      lines.push(`  [${t(`terminal.grade.${m.grade}`)}] ${m.acquisition} ${m.module}.${m.field}: ${m.value} (${t("case.retro.known", { set: m.indicator.set, kind })})`);
    }
    if (c.matches.length > 20) lines.push(`  ${t("case.retro.more", { n: c.matches.length - 20 })}`);
    lines.push(`  ${c.saved ? t("case.retro.saved", { path: c.saved }) : t("case.retro.not_saved", { reason: c.notSaved ?? "" })}`);
  }
  return terminalLines(lines);
}

export function formatCaseList(cases: CaseListing[], location: string, lang = "en"): string {
  const t = translator(lang);
  if (!cases.length) return t("case.list.none", { location });
  const lines = [t("case.list.heading", { location })];
  for (const c of cases) {
    lines.push(`  ${c.name}  (${c.id})`);
    lines.push(`    ${t("case.list.entry", { folder: c.folder, n: c.acquisitions, values: c.values, detections: c.detections, hits: c.hits, updated: c.updated })}`);
  }
  return terminalLines(lines);
}
