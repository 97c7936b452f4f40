// Exposure entries in words: a title and what it means, from the catalogs (`exposure.<kind>.title`
// and `.meaning`, filled from the entry's params). The JSON files carry the English words; the
// report and the terminal show the reader's language. Each entry is also listed in alerts.json
// as an informational entry (MVT's INFORMATIONAL level), which never counts as a detection.
import type { Exposure, InformationalAlert, Message, MessageParams, ModuleExposure } from "../core/model.ts";
import { translator } from "../core/i18n/index.ts";

type Translate = (key: string, args?: MessageParams) => string;

/** The words of an exploited flaw that Vigil wrote, as catalog messages (src/rules/exploited-flaws.ts). */
export interface FlawMessages {
  fixed_in?: Message | string;
  version?: (Message | string)[];
  reason?: Message;
  condition?: Message;
}

const isMessage = (x: unknown): x is Message => typeof x === "object" && x !== null && typeof (x as Message).id === "string";
const isWords = (x: unknown): x is Message | string => typeof x === "string" || isMessage(x);

/** An entry's `details.messages`, each kept only when it has a message's shape (results are read back from disk). */
export function flawMessages(e: Pick<Exposure, "details">): FlawMessages {
  const m = e.details?.messages as Record<string, unknown> | undefined;
  if (!m || typeof m !== "object") return {};
  const out: FlawMessages = {};
  if (isWords(m.fixed_in)) out.fixed_in = m.fixed_in;
  if (Array.isArray(m.version) && m.version.every(isWords)) out.version = m.version;
  if (isMessage(m.reason)) out.reason = m.reason;
  if (isMessage(m.condition)) out.condition = m.condition;
  return out;
}

/** The params to fill an entry's catalog texts with: an exploited flaw's versions in the catalog's words, for the reader's language. */
export function readerParams(e: Pick<Exposure, "params" | "details">): MessageParams {
  const m = flawMessages(e);
  return { ...e.params, ...(m.fixed_in ? { fixed_in: m.fixed_in } : {}), ...(m.version ? { version: m.version } : {}) };
}

/** Risks first, then context; in the order found within each. */
export function describeExposure(entries: ModuleExposure[]): Exposure[] {
  const en = translator("en");
  const out = entries.map((e) => ({ ...e, title: exposureTitle({ ...e, title: e.source?.message ?? e.kind }, en), what_it_means: exposureMeaning({ ...e, what_it_means: "" }, en) }));
  return [...out.filter((e) => e.level === "risk"), ...out.filter((e) => e.level !== "risk")];
}

/** The title in the reader's language; the entry's own words when the catalog has none for its kind. */
export function exposureTitle(e: Pick<Exposure, "kind" | "params" | "details" | "title">, t: Translate): string {
  const key = `exposure.${e.kind}.title`;
  const s = t(key, readerParams(e));
  return s === key ? e.title : s;
}

export function exposureMeaning(e: Pick<Exposure, "kind" | "params" | "details" | "what_it_means">, t: Translate): string {
  const key = meaningKey(e);
  const s = t(key, readerParams(e));
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
