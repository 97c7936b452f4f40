import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

/** The package version, read once from package.json so there is one source of truth. */
export const VERSION: string = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** What ran a check, for info.json: results can then be reproduced with the same Node. */
export function runtimeInfo(): { node: string; platform: string; arch: string; nodeFlags: string[] } {
  return { node: process.version, platform: process.platform, arch: process.arch, nodeFlags: [...process.execArgv] };
}
