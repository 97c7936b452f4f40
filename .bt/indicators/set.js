import { countIndicators } from "./matcher.js";
function makeSet(name, meta, indicators) {
  const info = {
    name,
    source: meta.source,
    file: meta.file,
    sha256: meta.sha256,
    loadedAt: meta.loadedAt,
    counts: countIndicators(indicators)
  };
  if (meta.indexName) info.indexName = meta.indexName;
  if (meta.references?.length) info.references = meta.references;
  if (meta.license) info.license = meta.license;
  return { info, indicators };
}
export {
  makeSet
};
