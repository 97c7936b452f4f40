// Indicator checks shared by the iOS modules that see process binaries by path (shutdown.log,
// ps listings, crash reports, the filesystem walk): the path against file-path indicators and
// each path component against process-name indicators, as MVT does for shutdown.log.
import type { DetectionInput, Grade, IndicatorMatch, Message } from "../core/model.ts";
import { dedupeMatches, fromMatches, heuristic } from "../core/detection.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import type { RuleEnv, RuleSet } from "./engine.ts";
import { msg } from "../core/i18n/index.ts";

/** Process indicators matching whole components of a path ("/private/var/db/x/bh" → "bh"). */
export function processComponentMatches(iocs: Matcher, path: string, from = 0): IndicatorMatch[] {
  const out: IndicatorMatch[] = [];
  let start = from;
  while (start <= path.length) {
    let end = path.indexOf("/", start);
    if (end < 0) end = path.length;
    if (end > start) {
      const c = path.slice(start, end);
      const m = iocs.process(c);
      if (m.length) for (const x of m) out.push({ ...x, matched: path });
    }
    start = end + 1;
  }
  return out;
}


/** Path and process-component indicator detections for a process binary path. */
export function checkProcessPath(
  iocs: Matcher,
  path: string,
  opts: { where: Message; grade: Grade; componentGrade?: Grade; record?: unknown; timestamp?: string; artifact?: string },
): DetectionInput[] {
  const byPath = [...iocs.filePath(path), ...iocs.fileName(path.slice(path.lastIndexOf("/") + 1)).map((m) => ({ ...m, matched: path }))];
  const byComponent = processComponentMatches(iocs, path).filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value));
  const base = { record: opts.record, timestamp: opts.timestamp, artifact: opts.artifact };
  return [
    ...fromMatches(dedupeMatches(byPath), {
      ...base,
      grade: opts.grade,
      title: (m) => msg(m.indicator.type === "file_name" ? "det.process_path.file_name" : "det.process_path.file_path", { indicator: m.indicator.value, where: opts.where, path }),
      why: msg("det.process_path.file.why"),
    }),
    ...fromMatches(dedupeMatches(byComponent), {
      ...base,
      grade: opts.componentGrade ?? opts.grade,
      title: (m) => msg("det.process_path.component", { indicator: m.indicator.value, where: opts.where, path }),
      why: msg("det.process_path.component.why"),
    }),
  ];
}

/** Rule hits of one subject as heuristic detections. */
export function ruleDetections(
  rules: RuleSet,
  subject: string,
  record: object,
  env: RuleEnv,
  extra: { timestamp?: string; artifact?: string; record?: unknown } = {},
): DetectionInput[] {
  return rules.evaluate(subject, record, env).map((h) =>
    heuristic({
      rule: h.rule.id,
      ruleDescription: h.rule.description,
      grade: h.rule.grade,
      title: h.message,
      why: msg(`rule.${h.rule.id}.why`),
      matched: h.matched,
      record: extra.record,
      timestamp: extra.timestamp,
      artifact: extra.artifact,
    }),
  );
}
