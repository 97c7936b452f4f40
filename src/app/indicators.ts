// The Indicators page: which indicator snapshot checks use, how old it is, the sets in it, and
// the other data sets a check reads (exposure table, iOS releases), each with its date.
import { defaultIndicatorPaths } from "../indicators/cache.ts";
import { datasetsInUse } from "../indicators/datasets.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";

export interface IndicatorsInUse {
  snapshot: { kind: string; dir?: string; created?: string; source?: string; description: string };
  indicators: number;
  sets: { name: string; file: string; count: number; license?: string }[];
  problems: number;
  datasets: { name: string; kind: string; date?: string; source: string }[];
}

export async function indicatorsInUse(): Promise<IndicatorsInUse> {
  const d = defaultIndicatorPaths();
  const loaded = await loadIndicatorsForRun();
  return {
    snapshot: { kind: d.kind, dir: d.dir, created: d.info?.created, source: d.info?.source, description: d.description },
    indicators: loaded.matcher.count(),
    sets: loaded.sets.map((s) => ({ name: s.name, file: s.file, count: Object.values(s.counts).reduce((a, b) => a + (b ?? 0), 0), license: s.license })),
    problems: loaded.problems.length,
    datasets: datasetsInUse()
      .filter((x) => x.name !== "indicators")
      .map((x) => ({ name: x.name, kind: x.kind, date: x.date, source: x.source })),
  };
}
