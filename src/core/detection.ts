// Building detections: from indicator matches (one per matched value, graded by what the
// artifact is worth) and from heuristics (with their rule id). Used by modules, rules and the
// re-check of earlier results. Titles and whys are catalog messages (src/core/i18n): the
// detection keeps the message for the report and the terminal, and its English text in
// `title` and `why`.
import { english, hasMessage, msg } from "./i18n/index.ts";
import type { DetectionInput, Grade, IndicatorMatch, Message, MessageParams } from "./model.ts";

/** Parameters of the rule descriptions that have some (codeRule), by rule id. */
const ruleParams = new Map<string, MessageParams>();

/**
 * A heuristic rule defined in code: its id and its English description, from the catalogs
 * (`rule.<id>.description`, with `params` when the description names values from the code).
 */
export function codeRule(id: string, params?: MessageParams): { id: string; description: string } {
  if (!hasMessage(`rule.${id}.description`)) throw new Error(`no rule.${id}.description in src/core/i18n/en.rules.json`);
  if (params) ruleParams.set(id, params);
  return { id, description: english(msg(`rule.${id}.description`, params)) };
}

/** title/why and their messages, as a detection holds them. */
function texts(title: Message, why: Message | undefined): Pick<DetectionInput, "title" | "why" | "message"> {
  return { title: english(title), why: why && english(why), message: why ? { title, why } : { title } };
}

/**
 * Turns indicator matches into detections. `grade` is what a full match in this artifact is
 * worth; a match on a truncated process name drops one grade.
 */
export function fromMatches(
  matches: IndicatorMatch[],
  opts: {
    grade: Grade;
    /** e.g. (m) => msg("det.files.path", { value: m.matched }) */
    title: (m: IndicatorMatch) => Message;
    why?: Message;
    record?: unknown;
    timestamp?: string;
    artifact?: string;
  },
): DetectionInput[] {
  // One artifact value gives one detection: the same indicator often sits in several sets (a
  // STIX file and the list beside it), and a host can match both itself and a parent domain.
  // The most specific indicator is kept; the other sets are named.
  if (matches.length === 0) return []; // most values match nothing: no map for them
  const byKey = new Map<string, { m: IndicatorMatch; others: string[] }>();
  for (const m of matches) {
    const seen = byKey.get(m.matched);
    if (!seen) {
      byKey.set(m.matched, { m, others: [] });
      continue;
    }
    const moreSpecific = m.indicator.value.length > seen.m.indicator.value.length || (seen.m.truncated && !m.truncated);
    const loser = moreSpecific ? seen.m : m;
    if (moreSpecific) seen.m = m;
    const name = loser.indicator.set.name;
    if (name !== seen.m.indicator.set.name && !seen.others.includes(name)) seen.others.push(name);
  }
  return [...byKey.values()].map(({ m, others }) => {
    const grade: Grade = m.truncated ? lowerGrade(opts.grade) : opts.grade;
    const ind = m.indicator;
    return {
      grade,
      kind: "indicator" as const,
      ...texts(opts.title(m), opts.why),
      matched: m.matched,
      matched_indicator: {
        value: ind.value,
        type: ind.type,
        id: ind.id,
        name: ind.set.name,
        stix2_file_name: ind.set.file,
        source: ind.set.source,
        sha256: ind.set.sha256,
        ...(others.length ? { also_in: others } : {}),
      },
      artifact: opts.artifact,
      timestamp: opts.timestamp,
      record: opts.record,
    };
  });
}

/**
 * Drops repeated matches of one indicator of one set (a value checked as a process and as an app
 * id, a path and one of its components). `seen` carries over between calls, for matches gathered
 * in several steps that must not repeat one another.
 */
export function dedupeMatches(matches: IndicatorMatch[], seen: Set<string> = new Set()): IndicatorMatch[] {
  const out: IndicatorMatch[] = [];
  for (const m of matches) {
    const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.name}\0${m.indicator.set.sha256}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(m);
  }
  return out;
}

export function lowerGrade(g: Grade): Grade {
  return g === "strong" ? "medium" : "weak";
}

/** A heuristic detection, with its rule id so the README's rule table and the output agree. */
export function heuristic(opts: {
  rule: string;
  ruleDescription: string;
  grade: Grade;
  title: Message;
  why?: Message;
  matched: string;
  record?: unknown;
  timestamp?: string;
  artifact?: string;
}): DetectionInput {
  const t = texts(opts.title, opts.why);
  // Every rule, in a file or in code, has its description in the catalogs under its id.
  const rule = msg(`rule.${opts.rule}.description`, ruleParams.get(opts.rule));
  return {
    grade: opts.grade,
    kind: "heuristic",
    ...t,
    message: { ...t.message!, rule },
    matched: opts.matched,
    rule: { id: opts.rule, description: opts.ruleDescription },
    record: opts.record,
    timestamp: opts.timestamp,
    artifact: opts.artifact,
  };
}
