import { readFileSync } from "node:fs";
import { join } from "node:path";
let table;
function iosReleaseTable() {
  table ??= JSON.parse(readFileSync(join(import.meta.dirname, "../../../data/ios-releases.json"), "utf8"));
  return table;
}
function parseIosVersion(v) {
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  if (!m) return void 0;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}
function compareIosVersions(a, b) {
  const x = parseIosVersion(a);
  const y = parseIosVersion(b);
  if (!x || !y) return 0;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
function newerIosRelease(version) {
  if (!parseIosVersion(version)) return void 0;
  const newest = latestIosRelease();
  return newest && compareIosVersions(newest.version, version) > 0 ? newest : void 0;
}
function latestIosRelease() {
  let best;
  for (const r of iosReleaseTable().releases) if (!best || compareIosVersions(r.version, best.version) > 0) best = r;
  return best;
}
function latestInMajor(version) {
  const p = parseIosVersion(version);
  if (!p) return void 0;
  let best;
  for (const r of iosReleaseTable().releases) {
    if (parseIosVersion(r.version)?.[0] !== p[0]) continue;
    if (!best || compareIosVersions(r.version, best.version) > 0) best = r;
  }
  return best;
}
function findIosRelease(version) {
  return iosReleaseTable().releases.find((r) => compareIosVersions(r.version, version) === 0);
}
export {
  compareIosVersions,
  findIosRelease,
  iosReleaseTable,
  latestInMajor,
  latestIosRelease,
  newerIosRelease,
  parseIosVersion
};
