import { fromMatches } from "../core/module.js";
import { heuristic } from "../core/module.js";
function processComponentMatches(iocs, path, from = 0) {
  const out = [];
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
function uniqueMatches(ms) {
  const seen = /* @__PURE__ */ new Set();
  return ms.filter((m) => {
    const k = `${m.indicator.type}\0${m.indicator.value}\0${m.indicator.set.file}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
function checkProcessPath(iocs, path, opts) {
  const byPath = [...iocs.filePath(path), ...iocs.fileName(path.slice(path.lastIndexOf("/") + 1)).map((m) => ({ ...m, matched: path }))];
  const byComponent = processComponentMatches(iocs, path).filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value));
  const base = { record: opts.record, timestamp: opts.timestamp, artifact: opts.artifact };
  return [
    ...fromMatches(uniqueMatches(byPath), {
      ...base,
      grade: opts.grade,
      title: (m) => `Known spyware file ${m.indicator.type === "file_name" ? "name" : "path"} ${m.indicator.value} ${opts.where}: ${path}`,
      why: "The indicator names a file that spyware installs; its path appears in an artifact of what ran or existed on the device."
    }),
    ...fromMatches(uniqueMatches(byComponent), {
      ...base,
      grade: opts.componentGrade ?? opts.grade,
      title: (m) => `Known spyware process name ${m.indicator.value} ${opts.where}: ${path}`,
      why: "A component of this path is the name of a known spyware process."
    })
  ];
}
function ruleDetections(rules, subject, record, env, extra = {}) {
  return rules.evaluate(subject, record, env).map(
    (h) => heuristic({
      rule: h.rule.id,
      ruleDescription: h.rule.description,
      grade: h.rule.grade,
      title: h.title,
      why: h.rule.why,
      matched: h.matched,
      record: extra.record,
      timestamp: extra.timestamp,
      artifact: extra.artifact
    })
  );
}
export {
  checkProcessPath,
  processComponentMatches,
  ruleDetections,
  uniqueMatches
};
