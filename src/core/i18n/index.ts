// Message catalogs: every sentence Vigil writes for a reader, one set of JSON files per language
// in this folder. `<lang>.json` holds the report's and the terminal's own words; `<lang>.<part>.json`
// (detections, rules, modules) the texts of detections, heuristic rules and module titles. A
// language is the files that start with its code; the parts are merged into one catalog.
// Templates take `{name}` parameters; a parameter may itself be a message (a word Vigil chooses,
// rendered in the same language) or a list (joined with ", "), and a key with `.one`/`.other`
// forms is chosen by the number in its `n` parameter (Intl.PluralRules). Numbers are written the
// language's way: fractions always (0.25, 0,25), digit groups where the template asks with
// `{name:number}` (2,000, 2 000).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "../errors.ts";
import type { Message, MessageParams } from "../model.ts";
import { own } from "../own.ts";
import { srcAsset } from "../paths.ts";

export type Catalog = Record<string, string>;

const DIR = srcAsset("core", "i18n");
const FILE = /^([a-z]{2}(?:-[A-Z]{2})?)(?:\.([a-z-]+))?\.json$/;

let cache: Record<string, Catalog> | undefined;

export function catalogs(): Record<string, Catalog> {
  if (!cache) {
    const all: Record<string, Catalog> = {};
    for (const f of readdirSync(DIR).sort()) {
      const m = FILE.exec(f);
      if (!m) continue;
      const cat = (all[m[1]] ??= {});
      for (const [k, v] of Object.entries(JSON.parse(readFileSync(join(DIR, f), "utf8")) as Catalog)) {
        if (k in cat) throw new Error(`${f}: message ${k} is defined twice for ${m[1]}`);
        cat[k] = v;
      }
    }
    cache = all;
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

/** A message: a catalog id and its parameters. */
export function msg(id: string, params?: MessageParams): Message {
  return params ? { id, params } : { id };
}

/** Whether the catalog of `lang` (or English) has a template for `id` (directly or in plural forms). */
export function hasMessage(id: string, lang = "en"): boolean {
  // Ids and languages may come from a results file read back (any JSON value, "constructor"):
  // only a catalog's own entries are messages.
  if (typeof id !== "string") return false;
  const cat = own(catalogs(), lang) ?? {};
  return Object.hasOwn(cat, id) || Object.hasOwn(cat, `${id}.other`);
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** The template of `id` in `cat`, its plural form chosen by `n`; undefined when it has none. */
function template(cat: Catalog, lang: string, id: string, params: MessageParams | undefined): string | undefined {
  if (Object.hasOwn(cat, id)) return cat[id];
  const n = params?.n;
  if (typeof n === "number" && Object.hasOwn(cat, `${id}.other`)) {
    let rules = pluralRules.get(lang);
    if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
    return own(cat, `${id}.${rules.select(n)}`) ?? cat[`${id}.other`];
  }
  return undefined;
}

/**
 * Renders a message in `lang`; a message the language lacks is rendered in English, and one
 * English lacks too is its id (a test keeps every id used in the code in both catalogs).
 */
export function render(lang: string, m: Message): string {
  // A message read back from a results file may be any JSON value: one without a text id is no text.
  if (typeof m?.id !== "string") return "";
  const all = catalogs();
  const tpl = template(own(all, lang) ?? all.en, lang, m.id, m.params) ?? template(all.en, "en", m.id, m.params);
  if (tpl === undefined) return m.id;
  return fill(lang, tpl, m.params);
}

/**
 * A parameter's place in a template: `{name}` (a name may hold dots: `{crash.process}`), or
 * `{name:number}` / `{name:number.N}` (see formatNumber).
 */
export const PLACEHOLDER = /\{(\w+(?:\.\w+)*)(?::(number(?:\.\d)?))?\}/g;

/**
 * A number as the reader writes it. Plain `{n}`: whole numbers as they are (ids, years, ports),
 * fractions with the language's decimal sign (0.25, 0,25). `{n:number}`: with the language's
 * digit grouping too (2,000, 2 000), for counts and sizes; `{n:number.1}`: with exactly one decimal.
 */
function formatNumber(lang: string, v: number, format: string | undefined): string {
  if (format === undefined) return Number.isInteger(v) ? String(v) : v.toLocaleString(lang, { useGrouping: false, maximumFractionDigits: 20 });
  const digits = format.startsWith("number.") ? Number(format.slice(7)) : undefined;
  return v.toLocaleString(lang, digits === undefined ? { maximumFractionDigits: 20 } : { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fill(lang: string, tpl: string, params: MessageParams | undefined): string {
  if (!params) return tpl;
  return tpl.replace(PLACEHOLDER, (whole, name: string, format: string | undefined) => {
    const v = params[name];
    if (v === undefined || v === null) return whole;
    if (Array.isArray(v)) return v.map((x) => (typeof x === "object" ? render(lang, x) : x)).join(", ");
    if (typeof v === "object") return render(lang, v);
    if (typeof v === "number") return formatNumber(lang, v, format);
    return String(v);
  });
}

/** English text of a message: the `title` and `why` that JSON outputs keep for MVT's readers. */
export function english(m: Message): string {
  return render("en", m);
}

/** The English text of a catalog id that must exist (rule texts read at load time). */
export function englishText(id: string): string {
  const s = catalogs().en[id];
  if (s === undefined) throw new Error(`no English text for ${id} in src/core/i18n`);
  return s;
}

export function translator(lang: string): (key: string, args?: MessageParams) => string {
  return (key, args) => render(lang, msg(key, args));
}
