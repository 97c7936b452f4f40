import { defaultIndicatorPaths } from "./cache.js";
import { formatProblem, loadIndicators } from "./load.js";
async function loadIndicatorsForRun(paths) {
  let use = paths?.filter((p) => p.trim() !== "") ?? [];
  let snapshot;
  if (use.length === 0) {
    const d = defaultIndicatorPaths();
    use = d.paths;
    snapshot = d.description;
  }
  const r = loadIndicators(use);
  const problems = r.problems.filter((p) => p.level === "error").map(formatProblem);
  const skipped = r.problems.filter((p) => p.level === "skipped").length;
  if (skipped) problems.push(`${skipped} file(s) or field(s) skipped as not indicator formats Vigil reads (see "vigil iocs list")`);
  return { matcher: r.matcher, sets: r.sets, problems, snapshot, details: r.problems };
}
export {
  loadIndicatorsForRun
};
