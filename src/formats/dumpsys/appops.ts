// dumpsys appops: operations (permissions) each package used or was refused, and when.
import { deviceTime, indentOf } from "./text.ts";

export interface AppopsEntry {
  access: "Access" | "Reject";
  type: string;
  /** Device wall clock, converted as if UTC. */
  timestamp?: string;
}
export interface AppopsPermission {
  name: string;
  mode: string;
  entries: AppopsEntry[];
}
export interface AppopsPackage {
  uid: string;
  package_name: string;
  permissions: AppopsPermission[];
  timestamp_is_device_local: true;
}

// The look-ahead keeps [^)]* from taking back letters of the mode: without it a long run of them
// was tried at every split (quadratic); the mode is the whole run either way.
const OP_RE = /^([A-Z][A-Z0-9_]+) \(([a-z_]+)(?![a-z_])[^)]*\):?$/;
const OP_ENTRY_RE = /^(Access|Reject): \[([\w-]+)\]\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)/;

export function parseAppops(lines: string[]): AppopsPackage[] {
  const out: AppopsPackage[] = [];
  let uid: string | undefined;
  let pkg: AppopsPackage | undefined;
  let perm: AppopsPermission | undefined;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    const ind = indentOf(line);
    if (ind <= 2) {
      const u = /^Uid ([\w]+):$/.exec(t);
      uid = u ? u[1] : undefined;
      pkg = undefined;
      perm = undefined;
      continue;
    }
    if (uid === undefined) continue;
    const p = /^Package ([\w.$-]+):$/.exec(t);
    if (p) {
      pkg = { uid, package_name: p[1], permissions: [], timestamp_is_device_local: true };
      out.push(pkg);
      perm = undefined;
      continue;
    }
    if (!pkg) continue;
    const o = OP_RE.exec(t);
    if (o) {
      perm = { name: o[1], mode: o[2], entries: [] };
      pkg.permissions.push(perm);
      continue;
    }
    const e = OP_ENTRY_RE.exec(t);
    if (e && perm) perm.entries.push({ access: e[1] as "Access" | "Reject", type: e[2], timestamp: deviceTime(e[3]) });
  }
  return out;
}
