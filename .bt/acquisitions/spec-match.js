import picomatch from "picomatch";
const cache = /* @__PURE__ */ new Map();
function glob(pattern) {
  let m = cache.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    cache.set(pattern, m);
  }
  return m;
}
function applies(spec, view) {
  if (spec.whole?.includes(view.kind)) return true;
  const part = spec[view.specKey];
  return Array.isArray(part) && part.length > 0;
}
function isWhole(spec, view) {
  return !!spec.whole?.includes(view.kind);
}
function matchesEntry(spec, specKey, e) {
  if (specKey === "backup") {
    if (!e.domain || e.relativePath === void 0) return false;
    return (spec.backup ?? []).some((b) => glob(b.domain)(e.domain) && glob(b.path)(e.relativePath));
  }
  const globs = spec[specKey];
  return !!globs?.some((g) => glob(g)(e.path));
}
async function findByScan(view, spec) {
  const out = [];
  if (!applies(spec, view)) return out;
  for await (const e of view.entries()) {
    if ((e.type ?? "file") === "file" && matchesEntry(spec, view.specKey, e)) out.push(e);
  }
  return out;
}
export {
  applies,
  findByScan,
  glob,
  isWhole,
  matchesEntry
};
