// Message catalogs: one JSON file per language in this folder, so adding a language is one file.
import { readdirSync, readFileSync } from "node:fs";
import { VigilError } from "../errors.ts";
import { join } from "node:path";
import { srcAsset } from "../paths.ts";

export type Catalog = Record<string, string>;

const DIR = srcAsset("core", "i18n");

let cache: Record<string, Catalog> | undefined;

export function catalogs(): Record<string, Catalog> {
  if (!cache) {
    cache = {};
    for (const f of readdirSync(DIR).filter((x) => /^[a-z]{2}(-[A-Z]{2})?\.json$/.test(x)).sort()) {
      cache[f.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(DIR, f), "utf8")) as Catalog;
    }
  }
  return cache;
}

/** --lang wins; else the system locale (LC_ALL, LC_MESSAGES, LANG, then Intl); else English. */
export function pickLanguage(requested?: string): string {
  const available = Object.keys(catalogs());
  const candidates = [requested, process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG, Intl.DateTimeFormat().resolvedOptions().locale];
  for (const c of candidates) {
    if (!c) continue;
    const code = c.toLowerCase().split(/[_.@-]/)[0];
    if (available.includes(code)) return code;
    if (c === requested) throw new VigilError(`no catalog for language "${requested}" (have: ${available.join(", ")})`, { code: "usage" });
  }
  return "en";
}

export function translator(lang: string): (key: string, args?: Record<string, string | number>) => string {
  const all = catalogs();
  const cat = all[lang] ?? all.en;
  return (key, args) => {
    let s = cat[key] ?? all.en[key] ?? key;
    if (args) for (const [k, v] of Object.entries(args)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
