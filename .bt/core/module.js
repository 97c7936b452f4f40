function defineModule(def) {
  return def;
}
function fromMatches(matches, opts) {
  const byKey = /* @__PURE__ */ new Map();
  for (const m of matches) {
    const seen = byKey.get(m.matched);
    if (!seen) {
      byKey.set(m.matched, { m, others: [] });
      continue;
    }
    const moreSpecific = m.indicator.value.length > seen.m.indicator.value.length || seen.m.truncated && !m.truncated;
    const loser = moreSpecific ? seen.m : m;
    if (moreSpecific) seen.m = m;
    const name = loser.indicator.set.name;
    if (name !== seen.m.indicator.set.name && !seen.others.includes(name)) seen.others.push(name);
  }
  return [...byKey.values()].map(({ m, others }) => {
    const grade = m.truncated ? lowerGrade(opts.grade) : opts.grade;
    const ind = m.indicator;
    return {
      grade,
      kind: "indicator",
      title: opts.title(m),
      why: opts.why,
      matched: m.matched,
      matched_indicator: {
        value: ind.value,
        type: ind.type,
        id: ind.id,
        name: ind.set.name,
        stix2_file_name: ind.set.file,
        source: ind.set.source,
        sha256: ind.set.sha256,
        ...others.length ? { also_in: others } : {}
      },
      artifact: opts.artifact,
      timestamp: opts.timestamp,
      record: opts.record
    };
  });
}
function lowerGrade(g) {
  return g === "strong" ? "medium" : "weak";
}
function heuristic(opts) {
  return {
    grade: opts.grade,
    kind: "heuristic",
    title: opts.title,
    why: opts.why,
    matched: opts.matched,
    rule: { id: opts.rule, description: opts.ruleDescription },
    record: opts.record,
    timestamp: opts.timestamp,
    artifact: opts.artifact
  };
}
export {
  defineModule,
  fromMatches,
  heuristic,
  lowerGrade
};
