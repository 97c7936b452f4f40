// Seed files from the shared corpus (../shared/corpus, or VIGIL_CORPUS), when it is there.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as plist from "plist";

export function defaultCorpus(): string | undefined {
  const dir = resolve(process.env.VIGIL_CORPUS ?? join(import.meta.dirname, "../../../shared/corpus"));
  return existsSync(dir) ? dir : undefined;
}

/** The files at these paths under the corpus that exist (folders: every file in them, recursively). */
export function corpusFiles(corpus: string | undefined, ...paths: string[]): Buffer[] {
  if (!corpus) return [];
  const out: Buffer[] = [];
  const add = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const n of readdirSync(p).sort()) add(join(p, n));
    else if (st.size <= 4 << 20) out.push(readFileSync(p));
  };
  for (const p of paths) add(join(corpus, p));
  return out;
}

/** Files of the corpus whose content passes `keep`, found under `folder` (at most `max`). */
export function corpusWhere(corpus: string | undefined, folder: string, keep: (data: Buffer, path: string) => boolean, max = 20): Buffer[] {
  if (!corpus) return [];
  const out: Buffer[] = [];
  const walk = (p: string) => {
    if (out.length >= max) return;
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const n of readdirSync(p).sort()) walk(join(p, n));
      return;
    }
    if (st.size > 1 << 20) return;
    const data = readFileSync(p);
    if (keep(data, p)) out.push(data);
  };
  walk(join(corpus, folder));
  return out;
}

export function xmlPlist(value: unknown): Buffer {
  return Buffer.from(plist.build(value as plist.PlistValue));
}
