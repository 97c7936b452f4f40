// Puts a case into the case archive: the case, each acquisition's detections and the
// indicator-relevant values of its module records (streamed from its <module>.json files,
// gathered a batch at a time), and the case's correlated detections.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ArchivedDetection, CaseArchive, Sighting } from "../case-archive/store.ts";
import { BATCH } from "../case-archive/store.ts";
import { describeError } from "../core/errors.ts";
import type { Detection } from "../core/model.ts";
import { NOT_MODULES } from "../indicators/recheck.ts";
import { recordValues } from "../indicators/values.ts";
import { readModuleRecords } from "../report/read-records.ts";
import { moduleOfSlug } from "../modules/mvt-names.ts";
import { NESTED_PREFIXES, type AcquisitionResults } from "./acquisition-results.ts";
import type { OpenCase } from "./case-folder.ts";

/**
 * The module a file's records come from, its nested prefix removed and MVT's slug read as the
 * Vigil module (aqf_packages → packages): field meanings are per module.
 */
export function baseModule(name: string): string {
  for (const p of NESTED_PREFIXES) if (p && name.startsWith(p)) return moduleOfSlug(name.slice(p.length));
  return moduleOfSlug(name);
}

function archived(caseId: string, acq: string, source: ArchivedDetection["source"], d: Detection): ArchivedDetection {
  return {
    case_id: caseId,
    acq,
    source,
    module: d.module,
    grade: d.grade,
    kind: d.kind,
    title: d.title,
    matched: d.matched,
    indicator_value: d.matched_indicator?.value,
    indicator_type: d.matched_indicator?.type,
    ioc_set: d.matched_indicator?.name,
    rule_id: d.rule?.id,
    timestamp: d.timestamp,
  };
}

export async function archiveCaseRow(store: CaseArchive, open: OpenCase): Promise<void> {
  await store.putCase({ id: open.info.id, name: open.info.name, folder: open.dir, created: open.info.created, updated: new Date().toISOString() });
}

/** Archives one acquisition; returns how many sightings it stored and the files it could not read. */
export async function archiveAcquisition(store: CaseArchive, open: OpenCase, a: AcquisitionResults): Promise<{ sightings: number; problems: string[] }> {
  const caseId = open.info.id;
  await store.putAcquisition({ case_id: caseId, acq: a.acq.id, kind: a.acq.kind, input: a.acq.input, added: a.acq.added }, a.detections.map((d) => archived(caseId, a.acq.id, "check", d)));
  const problems: string[] = [];
  let sightings = 0;
  let names: string[];
  try {
    names = readdirSync(a.dir);
  } catch (e) {
    // Its detections could not be read either (a.problem): the archive holds none of it.
    return { sightings, problems: [a.problem ?? describeError(e)] };
  }
  const files = names.filter((n) => n.toLowerCase().endsWith(".json") && !NOT_MODULES.test(n) && notFolder(join(a.dir, n))).sort();
  for (const name of files) {
    const module = name.slice(0, -5);
    const fieldsOf = baseModule(module);
    const batch = new Map<string, Sighting>();
    const flush = async () => {
      if (!batch.size) return;
      await store.addSightings(caseId, a.acq.id, [...batch.values()]);
      sightings += batch.size;
      batch.clear();
    };
    try {
      for await (const rec of readModuleRecords(join(a.dir, name))) {
        const { values, timestamp } = recordValues(fieldsOf, rec);
        for (const v of values) {
          const key = `${v.kind}\0${v.value}\0${v.field}`;
          const s = batch.get(key);
          if (!s) batch.set(key, { kind: v.kind, value: v.value, module, field: v.field, first_seen: timestamp, last_seen: timestamp, count: 1 });
          else {
            s.count++;
            if (timestamp && (!s.first_seen || timestamp < s.first_seen)) s.first_seen = timestamp;
            if (timestamp && (!s.last_seen || timestamp > s.last_seen)) s.last_seen = timestamp;
          }
        }
        if (batch.size >= BATCH) await flush();
      }
      await flush();
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { sightings, problems };
}

/**
 * Whether `path` is other than a folder: a FIFO or a link to nothing named like a module file
 * fails when read, and is said, rather than being left out unseen.
 */
function notFolder(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return true;
  }
}

export async function archiveCorrelations(store: CaseArchive, open: OpenCase, correlated: Detection[]): Promise<void> {
  await store.putCorrelations(open.info.id, correlated.map((d) => archived(open.info.id, "case", "correlation", d)));
}
