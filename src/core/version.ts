import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeInfo } from "./model.ts";
import { REPO_ROOT } from "./paths.ts";

/** The package version, read once from package.json so there is one source of truth. */
export const VERSION: string = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** What ran a check, for info.json: results can then be reproduced with the same Node. */
export function runtimeInfo(): RuntimeInfo {
  const mallocEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(MALLOC_|GLIBC_TUNABLES$)/.test(e[0]) && e[1] !== undefined).sort());
  return { node: process.version, platform: process.platform, arch: process.arch, nodeFlags: [...process.execArgv], ...(Object.keys(mallocEnv).length ? { mallocEnv } : {}) };
}
