// What the case commands print: the case summary, the hunt answers and the retro-hunt's new
// matches per case.
import type { CaseListing, Seen } from "../case-archive/store.ts";
import type { Detection } from "../core/model.ts";
import { verdictText } from "../report/summary.ts";
import type { BuiltCase } from "./build.ts";
import type { RetroHuntResult } from "./retro-hunt.ts";

const verdictOrUnknown = (v: string | undefined) => (v ? verdictText(v) : "unknown");
const counts = (c?: Record<string, number>) => (c ? `${c.strong ?? 0} strong, ${c.medium ?? 0} medium, ${c.weak ?? 0} weak` : "");

function detectionLines(ds: Detection[], max = 10): string[] {
  const out = ds.slice(0, max).map((d) => `  [${d.grade}] ${d.title}${d.timestamp ? ` (${d.timestamp})` : ""}`);
  if (ds.length > max) out.push(`  ... and ${ds.length - max} more (see the case report)`);
  return out;
}

export function formatCase(b: BuiltCase): string {
  const s = b.summary;
  const lines = ["", `Case "${s.case.name}" (${s.case.id}): ${s.acquisitions.length} acquisition(s)`];
  lines.push(`Verdict: ${verdictOrUnknown(s.verdict)}${s.incomplete ? " (INCOMPLETE: some artifacts could not be checked)" : ""}`);
  lines.push(`Detections: ${counts(s.detections)}`);
  lines.push(`Correlated across acquisitions (${b.correlated.length}):`, ...(b.correlated.length ? detectionLines(b.correlated) : ["  none"]));
  if (b.retroHunt.length) lines.push(`Found later by retro-hunts (${b.retroHunt.length}):`, ...detectionLines(b.retroHunt));
  lines.push("Acquisitions:");
  for (const a of s.acquisitions) {
    lines.push(`  ${a.id.padEnd(26)} ${a.problem ? `results unreadable: ${a.problem}` : `${verdictOrUnknown(a.verdict)}${a.incomplete ? " (incomplete)" : ""}; ${counts(a.detections)}`}`);
  }
  for (const [name, st] of Object.entries(s.sets)) if (!st.available) lines.push(`Note: the ${name} could not be read (${st.reason}); every sender counts as not in the ${name}.`);
  lines.push(`Case folder: ${s.case.dir}`);
  if (b.reportPath) lines.push(`Report: ${b.reportPath}`);
  return lines.join("\n");
}

export function formatHunt(values: string[], seen: Seen[]): string {
  if (!seen.length) return `Not seen in any archived case: ${values.join(", ")}`;
  const lines: string[] = [];
  const byCase = new Map<string, Seen[]>();
  for (const s of seen) byCase.set(s.case_id, [...(byCase.get(s.case_id) ?? []), s]);
  for (const list of byCase.values()) {
    lines.push(`Case "${list[0].case_name}" (${list[0].case_id}) at ${list[0].folder}`);
    for (const s of list.sort((a, b) => a.acq.localeCompare(b.acq) || a.module.localeCompare(b.module))) {
      const when = s.first_seen ? (s.first_seen === s.last_seen ? `, ${s.first_seen}` : `, ${s.first_seen} to ${s.last_seen}`) : "";
      lines.push(`  ${s.acq} (${s.acq_kind.replace(/_/g, " ")}): ${s.value} in ${s.module}.${s.field}, ${s.count} time(s)${when}`);
    }
  }
  return lines.join("\n");
}

export function formatRetroHunt(r: RetroHuntResult, location: string): string {
  const lines = [`Retro-hunt over ${location}: ${r.values} archived values checked, ${r.matchedValues} match the indicators.`];
  if (!r.cases.length) {
    lines.push("No new match in any archived case.");
    return lines.join("\n");
  }
  for (const c of r.cases) {
    lines.push(`Case "${c.name}" (${c.case_id}): ${c.matches.length} new match(es)`);
    for (const m of c.matches.slice(0, 20)) lines.push(`  [${m.grade}] ${m.acquisition} ${m.module}.${m.field}: ${m.value} (known ${m.indicator.set} ${m.indicator.type.replace(/_/g, " ")})`);
    if (c.matches.length > 20) lines.push(`  ... and ${c.matches.length - 20} more`);
    lines.push(c.saved ? `  Saved in ${c.saved}` : `  Not saved in the case folder (${c.notSaved}); run "vigil hunt" to see them again`);
  }
  return lines.join("\n");
}

export function formatCaseList(cases: CaseListing[], location: string): string {
  if (!cases.length) return `No case in ${location}.`;
  const lines = [`Cases in ${location}:`];
  for (const c of cases) {
    lines.push(`  ${c.name}  (${c.id})`);
    lines.push(`    ${c.folder}; ${c.acquisitions} acquisition(s), ${c.values} archived values, ${c.detections} detections, ${c.hits} retro-hunt matches; updated ${c.updated}`);
  }
  return lines.join("\n");
}
