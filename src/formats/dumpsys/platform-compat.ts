// dumpsys platform_compat: compatibility-change overrides set per package.

export interface CompatOverride {
  change_id: string;
  change_name?: string;
  package_name: string;
  /** Value in packageOverrides (the override in force), when listed there. */
  package_override?: string;
  /** Value in rawOverrides (the override as set, maybe not yet applied), when listed there. */
  raw_override?: string;
}

export function parsePlatformCompat(lines: string[]): CompatOverride[] {
  const out: CompatOverride[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("ChangeId(")) continue;
    const id = /^ChangeId\((\d+)/.exec(t)?.[1];
    if (!id) continue;
    const name = /; name=([\w]+)/.exec(t)?.[1];
    const byPkg = new Map<string, CompatOverride>();
    for (const kind of ["packageOverrides", "rawOverrides"] as const) {
      const m = new RegExp(`${kind}=\\{([^}]*)\\}`).exec(t);
      if (!m) continue;
      for (const part of m[1].split(",")) {
        const [pkg, val] = part.trim().split("=");
        if (!pkg) continue;
        let o = byPkg.get(pkg);
        if (!o) {
          o = { change_id: id, change_name: name, package_name: pkg };
          byPkg.set(pkg, o);
          out.push(o);
        }
        if (kind === "packageOverrides") o.package_override = val ?? "";
        else o.raw_override = val ?? "";
      }
    }
  }
  return out;
}
