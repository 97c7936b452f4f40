// Runs the correlation rules over a case: the sets (contacts) are built from every acquisition
// first; then the records of the modules the rules read become case events, which are sorted on
// disk (the timeline's external sort, so memory stays flat however big the case) and streamed
// in time order through the correlator.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Detection } from "../core/model.ts";
import { resultsSlugsOf } from "../modules/mvt-names.ts";
import { readModuleRecords } from "../report/read-records.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { decodeRow } from "../report/timeline-row.ts";
import type { CaseEvent } from "../rules/case-events.ts";
import { Correlator, type CaseSets, type CorrelatorStats } from "../rules/correlate.ts";
import type { CorrelationSet } from "../rules/correlation.ts";
import { coverageOf, NESTED_PREFIXES, type AcquisitionResults } from "./acquisition-results.ts";

export interface CaseCorrelation {
  detections: Detection[];
  stats: CorrelatorStats;
  /** Per set: available, or why not. */
  sets: Record<string, { available: boolean; values: number; reason?: string }>;
  /** Module files that could not be read (the rules ran without them). */
  problems: string[];
}

/** The files of `module` in an acquisition's results folder (under MVT's names too; its nested parts included). */
function moduleFiles(a: AcquisitionResults, module: string): string[] {
  return NESTED_PREFIXES.flatMap((p) => resultsSlugsOf(module).map((s) => join(a.dir, `${p}${s}.json`))).filter((f) => existsSync(f));
}

/** Why a set's modules gave nothing usable in any acquisition; undefined when one was checked. */
function unavailableReason(acqs: AcquisitionResults[], modules: string[]): string | undefined {
  const parts: string[] = [];
  for (const a of acqs) {
    for (const m of modules) {
      for (const c of coverageOf(a, m)) {
        if (c.status === "checked") return undefined;
        if (c.status === "failed") parts.push(`${c.module} failed in ${a.acq.id}${c.reason ? `: ${c.reason}` : ""}`);
      }
    }
  }
  return parts.length ? parts.join("; ") : "absent from every acquisition";
}

export async function buildCaseSets(acqs: AcquisitionResults[], rules: CorrelationSet, problems: string[]): Promise<{ sets: CaseSets; status: CaseCorrelation["sets"] }> {
  const sets: CaseSets = { values: new Map(), unavailable: new Map() };
  const status: CaseCorrelation["sets"] = {};
  for (const name of rules.sets.keys()) {
    const modules = rules.setModules(name);
    const reason = unavailableReason(acqs, modules);
    if (reason !== undefined) {
      sets.unavailable.set(name, reason);
      status[name] = { available: false, values: 0, reason };
      continue;
    }
    const values = new Set<string>();
    for (const a of acqs) {
      for (const m of modules) {
        for (const f of moduleFiles(a, m)) {
          try {
            for await (const rec of readModuleRecords(f)) for (const [s, v] of rules.setValuesOf(m, rec)) if (s === name) values.add(v);
          } catch (e) {
            problems.push(`${f}: ${(e as Error).message}`);
          }
        }
      }
    }
    sets.values.set(name, values);
    status[name] = { available: true, values: values.size };
  }
  return { sets, status };
}

export async function correlateCase(acqs: AcquisitionResults[], rules: CorrelationSet): Promise<CaseCorrelation> {
  const problems: string[] = [];
  const { sets, status } = await buildCaseSets(acqs, rules, problems);
  const store = new TimelineStore();
  try {
    for (const a of acqs) {
      if (a.problem) continue;
      for (const m of rules.eventModules()) {
        for (const f of moduleFiles(a, m)) {
          store.section();
          try {
            for await (const rec of readModuleRecords(f)) {
              for (const e of rules.eventsOf(m, rec, a.acq.id, a.taken)) store.addFields(e.timestamp, e.acquisition, `${e.module}\u0001${e.event}`, JSON.stringify(e.fields), false);
            }
          } catch (e) {
            problems.push(`${f}: ${(e as Error).message}`);
          }
        }
      }
    }
    const correlator = new Correlator(rules, sets);
    store.forEachSortedRow((row) => {
      const r = decodeRow(row);
      const cut = r.event.indexOf("\u0001");
      const e: CaseEvent = { at: Date.parse(r.timestamp), timestamp: r.timestamp, acquisition: r.module, module: r.event.slice(0, cut), event: r.event.slice(cut + 1), fields: JSON.parse(r.description) as Record<string, unknown> };
      correlator.push(e);
    });
    return { detections: correlator.end(), stats: correlator.stats, sets: status, problems };
  } finally {
    store.close();
  }
}
