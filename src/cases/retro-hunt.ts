// Retro-hunt: every distinct value of the case archive checked against a set of indicators (after
// `vigil iocs update/import` or `vigil update`); the matches the archive did not hold yet are
// recorded, listed per case and saved in each case's folder. Run on one acquisition when it is
// archived, the same pass records what its check's indicators already match, so that a later
// hunt reports only what is new.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CaseArchive, Hit, Seen } from "../case-archive/store.ts";
import { describeError } from "../core/errors.ts";
import type { Grade, IndicatorMatch } from "../core/model.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import { gradeOf, matchValue, type Check } from "../indicators/recheck.ts";
import { baseModule } from "./archive-case.ts";
import { CASE_FILE } from "./case-folder.ts";
import { saveRetroHunt, type RetroMatch } from "./retro-hunt-files.ts";

export interface CaseHuntResult {
  case_id: string;
  name: string;
  folder: string;
  matches: RetroMatch[];
  /** The file the matches were saved to in the case folder. */
  saved?: string;
  /** Why they could not be saved there (the folder is on another analyst's machine, moved...). */
  notSaved?: string;
}

export interface RetroHuntResult {
  values: number;
  matchedValues: number;
  cases: CaseHuntResult[];
}

/** How an archived value of this kind is matched; "text" is a URL or domain written in free text. */
function matchArchived(iocs: Matcher, kind: string, value: string): { matches: IndicatorMatch[]; strength: "presence" | "visit" | "mention" } {
  if (kind === "text") return { matches: iocs.url(value), strength: "mention" };
  return matchValue(iocs, kind as Check, value, "");
}

export interface RetroHuntOptions {
  /** Only this acquisition's values. */
  only?: { caseId: string; acq: string };
  /** Recorded as when each match was found; "check" marks matches the check itself could see. */
  found: string;
  /** Which indicators, in words, for the saved file. */
  indicators: string;
  /** Save each case's new matches in its folder (not for the pass at archiving time). */
  save: boolean;
}

export async function retroHunt(store: CaseArchive, iocs: Matcher, opts: RetroHuntOptions): Promise<RetroHuntResult> {
  const matched = new Map<number, { matches: IndicatorMatch[]; strength: "presence" | "visit" | "mention" }>();
  let values = 0;
  await store.eachValue((batch) => {
    values += batch.length;
    for (const v of batch) {
      const r = matchArchived(iocs, v.kind, v.value);
      if (r.matches.length) matched.set(v.id, r);
    }
  }, opts.only);
  const seen: Seen[] = matched.size ? await store.sightingsOf([...matched.keys()], opts.only) : [];
  const hits: { hit: Hit; seen: Seen }[] = [];
  for (const s of seen) {
    const m = matched.get(s.value_id)!;
    const grade = gradeOf(m.strength, baseModule(s.module)) as Grade;
    const once = new Set<string>();
    for (const x of m.matches) {
      const key = `${x.indicator.type}\0${x.indicator.value}\0${x.indicator.set.sha256}`;
      if (once.has(key)) continue;
      once.add(key);
      hits.push({
        seen: s,
        hit: {
          case_id: s.case_id,
          acq: s.acq,
          value_id: s.value_id,
          module: s.module,
          field: s.field,
          indicator_type: x.indicator.type,
          indicator_value: x.indicator.value,
          ioc_sha256: x.indicator.set.sha256,
          ioc_set: x.indicator.set.name,
          ioc_source: x.indicator.set.source,
          grade,
          found: opts.found,
        },
      });
    }
  }
  const fresh = new Set(await store.recordHits(hits.map((h) => h.hit)));
  const byCase = new Map<string, CaseHuntResult>();
  for (const { hit, seen: s } of hits) {
    if (!fresh.has(hit)) continue;
    let c = byCase.get(s.case_id);
    if (!c) byCase.set(s.case_id, (c = { case_id: s.case_id, name: s.case_name, folder: s.folder, matches: [] }));
    c.matches.push({
      acquisition: s.acq,
      module: s.module,
      field: s.field,
      value: s.value,
      kind: s.kind,
      first_seen: s.first_seen,
      last_seen: s.last_seen,
      count: s.count,
      indicator: { value: hit.indicator_value, type: hit.indicator_type as RetroMatch["indicator"]["type"], set: hit.ioc_set, source: hit.ioc_source, sha256: hit.ioc_sha256 },
      grade: hit.grade as Grade,
    });
  }
  const cases = [...byCase.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (opts.save) {
    for (const c of cases) {
      if (!existsSync(join(c.folder, CASE_FILE))) {
        c.notSaved = "the case folder is not on this machine";
        continue;
      }
      try {
        c.saved = saveRetroHunt(c.folder, { ran: opts.found, indicators: opts.indicators, matches: c.matches });
      } catch (e) {
        c.notSaved = describeError(e);
      }
    }
  }
  return { values, matchedValues: matched.size, cases };
}
