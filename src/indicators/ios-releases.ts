// The iOS release table and version comparison: reference data that the openers (device info: a
// newer iOS exists) and the modules (backup_info, sysdiagnose_info) both read, so it sits below
// both, beside the other data sets `vigil update` refreshes.
import { readFileSync } from "node:fs";
import { datasetFile } from "./datasets.ts";

export interface IosRelease {
  version: string;
  date: string;
}

interface Table {
  updated: string;
  complete_through: string;
  releases: IosRelease[];
}

let table: Table | undefined;
export function iosReleaseTable(): Table {
  // The copy `vigil update` refreshed, else the bundled data/ios-releases.json.
  table ??= JSON.parse(readFileSync(datasetFile("ios-releases"), "utf8")) as Table;
  return table;
}

/** "17.5.1", "17.5", "17.5.1 (21F90)" → [17, 5, 1]; undefined when there is no leading version. */
export function parseIosVersion(v: string): [number, number, number] | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function compareIosVersions(a: string, b: string): number {
  const x = parseIosVersion(a);
  const y = parseIosVersion(b);
  if (!x || !y) return 0;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The newest release in the table, when it is newer than `version`. */
export function newerIosRelease(version: string): IosRelease | undefined {
  if (!parseIosVersion(version)) return undefined;
  const newest = latestIosRelease();
  return newest && compareIosVersions(newest.version, version) > 0 ? newest : undefined;
}

export function latestIosRelease(): IosRelease | undefined {
  let best: IosRelease | undefined;
  for (const r of iosReleaseTable().releases) if (!best || compareIosVersions(r.version, best.version) > 0) best = r;
  return best;
}

/** The newest release with the same major version (older phones stop at an older major). */
export function latestInMajor(version: string): IosRelease | undefined {
  const p = parseIosVersion(version);
  if (!p) return undefined;
  let best: IosRelease | undefined;
  for (const r of iosReleaseTable().releases) {
    if (parseIosVersion(r.version)?.[0] !== p[0]) continue;
    if (!best || compareIosVersions(r.version, best.version) > 0) best = r;
  }
  return best;
}

export function findIosRelease(version: string): IosRelease | undefined {
  return iosReleaseTable().releases.find((r) => compareIosVersions(r.version, version) === 0);
}
