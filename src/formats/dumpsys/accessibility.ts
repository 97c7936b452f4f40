// dumpsys accessibility: enabled and installed accessibility services.

export interface AccessibilityService {
  package_name: string;
  service: string;
  /** "installed" lists exist before Android 14 only; "enabled" exists in both formats. */
  state: "enabled" | "installed" | "bound";
  user?: number;
}

const COMPONENT_RE = /([A-Za-z][\w.]*)\/([\w.$]+)/g;

export function parseAccessibility(lines: string[]): AccessibilityService[] {
  const out: AccessibilityService[] = [];
  let block: "enabled" | "installed" | undefined;
  let user: number | undefined;
  for (const line of lines) {
    const t = line.trim();
    const um = /(?:User state\[attributes:\{id=|^attributes:\{id=)(\d+)/.exec(t);
    if (um) user = Number(um[1]);
    if (block) {
      if (t.startsWith("}")) {
        block = undefined;
        continue;
      }
      const m = /^\d+ : ([\w.]+)\/([\w.$]+)/.exec(t);
      if (m) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: block, user });
      continue;
    }
    // Before Android 14: "enabled services: {" then "0 : pkg/svc" lines then "}".
    const open = /^(installed|enabled) services: ?\{\s*(.*)$/i.exec(t);
    if (open && open[1] === open[1].toLowerCase()) {
      const state = open[1] as "enabled" | "installed";
      const rest = open[2];
      if (rest.startsWith("}")) continue;
      if (rest === "") {
        block = state;
        continue;
      }
    }
    // Android 14+: "Enabled services:{{pkg/svc}, {pkg2/svc2}}" on one line.
    const v14 = /^Enabled services:\s*\{(.*)\}\s*$/.exec(t);
    if (v14) {
      for (const m of v14[1].matchAll(COMPONENT_RE)) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: "enabled", user });
    }
  }
  return out;
}

function expand(pkg: string, cls: string): string {
  return cls.startsWith(".") ? `${pkg}/${pkg}${cls}` : `${pkg}/${cls}`;
}
