import { readdirSync, readFileSync } from "node:fs";
import { VigilError } from "../../core/errors.js";
const DIR = new URL("./", import.meta.url);
let cache;
function catalogs() {
  if (!cache) {
    cache = {};
    for (const f of readdirSync(DIR).filter((x) => /^[a-z]{2}(-[A-Z]{2})?\.json$/.test(x)).sort()) {
      cache[f.replace(/\.json$/, "")] = JSON.parse(readFileSync(new URL(f, DIR), "utf8"));
    }
  }
  return cache;
}
function pickLanguage(requested) {
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
function translator(lang) {
  const all = catalogs();
  const cat = all[lang] ?? all.en;
  return (key, args) => {
    let s = cat[key] ?? all.en[key] ?? key;
    if (args) for (const [k, v] of Object.entries(args)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
export {
  catalogs,
  pickLanguage,
  translator
};
