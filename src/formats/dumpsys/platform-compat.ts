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

/**
 * What `${kind}={...}` holds: from its first occurrence to the next "}", as
 * /kind=\{([^}]*)\}/ found it. That expression scanned the rest of the line again at each
 * occurrence of a damaged line that never closes the brace (quadratic); when the first one has
 * no "}" after it, no later one has either.
 */
function braced(t: string, kind: string): string | undefined {
  const at = t.indexOf(`${kind}={`);
  if (at < 0) return undefined;
  const from = at + kind.length + 2;
  const end = t.indexOf("}", from);
  return end < 0 ? undefined : t.slice(from, end);
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
      const list = braced(t, kind);
      if (list === undefined) continue;
      for (const part of list.split(",")) {
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
