// Every fuzz target, by name.
import type { Target } from "../engine/types.ts";
import { androidTargets } from "./android.ts";
import { archiveTargets } from "./archives.ts";
import { backupTargets } from "./backup.ts";
import { caseTargets } from "./cases.ts";
import { indicatorTargets } from "./indicators.ts";
import { iosDatabaseTargets } from "./ios-databases.ts";
import { iosTextTargets } from "./ios-text.ts";
import { moreModuleTargets } from "./more-modules.ts";
import { networkTargets } from "./network.ts";
import { plistTargets } from "./plists.ts";
import { resultsTargets } from "./results.ts";

export const TARGETS: Target[] = [...plistTargets, ...archiveTargets, ...iosTextTargets, ...androidTargets, ...indicatorTargets, ...resultsTargets, ...caseTargets, ...iosDatabaseTargets, ...backupTargets, ...moreModuleTargets, ...networkTargets];

export function targetByName(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target named "${name}" (npm run fuzz -- --list)`);
  return t;
}
