// The files of a folder of indicator files, as loading and importing both read one: regular
// files in name order, hidden entries skipped, symbolic links to folders not followed (loops),
// and every entry left out said with its reason.
import { lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** An entry the walk left out: a folder it could not list ("error"), or an entry it stepped over. */
export interface WalkSkip {
  file: string;
  reason: string;
  level: "error" | "skipped";
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Adds the regular files under `dir` to `out`, at most `maxFiles` in all (more is an "error" skip). */
export function walkIndicatorFiles(dir: string, out: string[], skip: (s: WalkSkip) => void, maxFiles = Infinity): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    skip({ file: dir, reason: `folder cannot be read (${code(e)})`, level: "error" });
    return;
  }
  for (const n of names) {
    if (n.startsWith(".")) continue;
    if (out.length >= maxFiles) {
      skip({ file: dir, reason: `more than ${maxFiles} files: the rest is not read (is this the right folder?)`, level: "error" });
      return;
    }
    const p = join(dir, n);
    let st;
    try {
      st = lstatSync(p);
      if (st.isSymbolicLink()) {
        st = statSync(p);
        if (st.isDirectory()) {
          skip({ file: p, reason: "symbolic link to a folder: not followed", level: "skipped" });
          continue;
        }
      }
    } catch (e) {
      skip({ file: p, reason: `cannot be read (${code(e)})`, level: "skipped" });
      continue;
    }
    if (st.isDirectory()) walkIndicatorFiles(p, out, skip, maxFiles);
    else if (st.isFile()) out.push(p);
  }
}
