// Where a path really leads, symlinks resolved, also when its last parts do not exist yet (a
// results folder about to be created): the deepest existing ancestor is resolved and the rest
// appended. Comparing such paths is how Vigil keeps its outputs out of the evidence.
import { realpathSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

export function realPath(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPath(parent), abs.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
  }
}

/** Whether `p` is `dir` or lies inside it, once both are resolved. */
export function isInside(p: string, dir: string): boolean {
  const a = realPath(p);
  const d = realPath(dir);
  return a === d || a.startsWith(d.endsWith(sep) ? d : d + sep);
}
