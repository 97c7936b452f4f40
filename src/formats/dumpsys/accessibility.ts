// dumpsys accessibility: enabled and installed accessibility services.
import { hasLineBreak } from "./text.ts";

export interface AccessibilityService {
  package_name: string;
  service: string;
  /** "installed" lists exist before Android 14 only; "enabled" exists in both formats. */
  state: "enabled" | "installed" | "bound";
  user?: number;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordOrDot = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46;

/**
 * Every "package/class" in a text, as /([A-Za-z][\w.]*)\/([\w.$]+)/g finds them, found from
 * each "/" instead: the expression tried every position of a long run of word characters
 * without a "/", scanning the run again each time (quadratic).
 */
function components(text: string): [string, string][] {
  const out: [string, string][] = [];
  let from = 0;
  for (let slash = text.indexOf("/"); slash >= 0; slash = text.indexOf("/", slash + 1)) {
    if (slash < from) continue;
    let s = slash;
    while (s > from && isWordOrDot(text.charCodeAt(s - 1))) s--;
    while (s < slash && !isLetter(text.charCodeAt(s))) s++;
    if (s === slash) continue;
    let e = slash + 1;
    while (e < text.length && (isWordOrDot(text.charCodeAt(e)) || text.charCodeAt(e) === 36)) e++;
    if (e === slash + 1) continue;
    out.push([text.slice(s, slash), text.slice(slash + 1, e)]);
    from = e;
  }
  return out;
}

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
    const open = /^(installed|enabled) services: ?\{/i.exec(t);
    // What follows the brace, as \s*(.*)$ took it (without a line break left in it): that
    // expression tried every split of a long run of spaces before a stray line break.
    const rest = open ? t.slice(open[0].length).trimStart() : "";
    if (open && open[1] === open[1].toLowerCase() && !hasLineBreak(rest)) {
      const state = open[1] as "enabled" | "installed";
      if (rest.startsWith("}")) continue;
      if (rest === "") {
        block = state;
        continue;
      }
    }
    // Android 14+: "Enabled services:{{pkg/svc}, {pkg2/svc2}}" on one line.
    const v14 = /^Enabled services:\s*\{(.*)\}\s*$/.exec(t);
    if (v14) {
      for (const [pkg, cls] of components(v14[1])) out.push({ package_name: pkg, service: expand(pkg, cls), state: "enabled", user });
    }
  }
  return out;
}

function expand(pkg: string, cls: string): string {
  return cls.startsWith(".") ? `${pkg}/${pkg}${cls}` : `${pkg}/${cls}`;
}
