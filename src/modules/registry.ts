import type { ModuleDef } from "./contract.ts";
import type { Platform } from "../core/model.ts";
import { androidModules } from "./android/index.ts";
import { iosModules } from "./ios/index.ts";
import { networkModules } from "./network/index.ts";

export const allModules: ModuleDef<any>[] = [...iosModules, ...androidModules, ...networkModules];

export function modulesFor(platform: Platform): ModuleDef<any>[] {
  return allModules.filter((m) => m.platform === platform);
}
