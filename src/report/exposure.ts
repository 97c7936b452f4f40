// Exposure entries in words: a title and what it means, from the catalogs (`exposure.<kind>.title`
// and `.meaning`, filled from the entry's params). The JSON files carry the English words; the
// report and the terminal show the reader's language. Each entry is also listed in alerts.json
// as an informational entry (MVT's INFORMATIONAL level), which never counts as a detection.
import type { Exposure, InformationalAlert, ModuleExposure } from "../core/model.ts";
import { translator } from "../core/i18n/index.ts";

type Translate = (key: string, args?: Record<string, string | number>) => string;

/** Risks first, then context; in the order found within each. */
export function describeExposure(entries: ModuleExposure[]): Exposure[] {
  const en = translator("en");
  const out = entries.map((e) => ({ ...e, title: exposureTitle({ ...e, title: e.source?.message ?? e.kind }, en), what_it_means: exposureMeaning({ ...e, what_it_means: "" }, en) }));
  return [...out.filter((e) => e.level === "risk"), ...out.filter((e) => e.level !== "risk")];
}

/** The title in the reader's language; the entry's own words when the catalog has none for its kind. */
export function exposureTitle(e: Pick<Exposure, "kind" | "params" | "title">, t: Translate): string {
  const key = `exposure.${e.kind}.title`;
  const s = t(key, e.params);
  return s === key ? e.title : s;
}

export function exposureMeaning(e: Pick<Exposure, "kind" | "params" | "what_it_means">, t: Translate): string {
  const key = meaningKey(e);
  const s = t(key, e.params);
  return s === key ? e.what_it_means : s;
}

/** The catalog key of an entry's meaning: a flaw with no campaign on record has words of its own. */
export function meaningKey(e: Pick<Exposure, "kind" | "params">): string {
  return e.kind === "exploited_flaw" && !e.params.used_for ? "exposure.exploited_flaw.meaning_unattributed" : `exposure.${e.kind}.meaning`;
}

/** The exploited flaws among the entries, those used by known campaigns first (their order kept otherwise). */
export function exploitedFlaws<T extends Pick<Exposure, "kind" | "params">>(entries: T[]): T[] {
  const flaws = entries.filter((e) => e.kind === "exploited_flaw");
  return [...flaws.filter((e) => e.params.used_for), ...flaws.filter((e) => !e.params.used_for)];
}

/** alerts.json's informational entries for the exposure of a check. */
export function informationalAlerts(exposure: Exposure[]): InformationalAlert[] {
  return exposure.map((e) => ({
    module: e.module,
    level: "INFORMATIONAL",
    kind: "informational",
    title: e.title,
    why: e.what_it_means,
    exposure: e.kind,
    ...(e.artifact ? { artifact: e.artifact } : {}),
    ...(e.timestamp ? { timestamp: e.timestamp } : {}),
    ...(Object.keys(e.params).length ? { record: e.params } : {}),
  }));
}
