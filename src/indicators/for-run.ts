// Indicators for one analysis run: the paths given with --iocs, else the default snapshot.
import type { IocSetInfo, Message } from "../core/model.ts";
import { defaultIndicatorPaths } from "./cache.ts";
import { formatProblem, loadIndicators } from "./load.ts";
import type { Matcher } from "./matcher-api.ts";
import { defaultParseCache } from "./parse-cache.ts";
import type { LoadProblem } from "./types.ts";

export interface RunIndicators {
  matcher: Matcher;
  sets: IocSetInfo[];
  /** One line per problem, for the terminal and info.json. Skipped files included. */
  problems: string[];
  /** Which snapshot was used when no --iocs was given ("indicator snapshot of ..."). */
  snapshot?: string;
  /** The snapshot line as a catalog message, for the report. */
  snapshot_message?: Message;
  details: LoadProblem[];
}

export async function loadIndicatorsForRun(paths?: string[]): Promise<RunIndicators> {
  let use = paths?.filter((p) => p.trim() !== "") ?? [];
  let snapshot: string | undefined;
  let snapshot_message: Message | undefined;
  if (use.length === 0) {
    const d = defaultIndicatorPaths();
    use = d.paths;
    snapshot = d.description;
    snapshot_message = d.message;
  }
  const r = loadIndicators(use, { cache: defaultParseCache() });
  // Files of other formats (YARA, Suricata rules) are expected in a snapshot: one line for them
  // all, the details are in `vigil iocs list`.
  const problems = r.problems.filter((p) => p.level === "error").map(formatProblem);
  const skipped = r.problems.filter((p) => p.level === "skipped").length;
  if (skipped) problems.push(`${skipped} file(s) or field(s) skipped as not indicator formats Vigil reads (see "vigil iocs list")`);
  return { matcher: r.matcher, sets: r.sets, problems, snapshot, ...(snapshot_message ? { snapshot_message } : {}), details: r.problems };
}
