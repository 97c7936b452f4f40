// The message catalogs: every language says everything English says, with the same parameters;
// every message id the code uses exists; rendering (parameters, nested messages, lists, plural
// forms) is the same on the server and in the report's script.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { catalogs, english, hasMessage, msg, PLACEHOLDER, render } from "../../../../src/core/i18n/index.ts";
import { allModules } from "../../../../src/modules/registry.ts";
import { iosRules } from "../../../../src/rules/index.ts";
import { settingRules } from "../../../../src/modules/android/settings.ts";

const SRC = resolve(import.meta.dirname, "../../../../src");
const placeholders = (s: string) => [...new Set([...s.matchAll(PLACEHOLDER)].map((m) => m[0]))].sort();

test("French has every English message, with the same parameters, and nothing English lacks", () => {
  const { en, fr } = catalogs();
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(en)) assert.deepEqual(placeholders(fr[k]), placeholders(v), k);
});

test("French messages are French: the ones equal to their English text are words both languages share", () => {
  const { en, fr } = catalogs();
  const same = Object.keys(en)
    .filter((k) => en[k] === fr[k])
    .map((k) => en[k])
    .filter((s) => /[a-z]{3}/i.test(s.replace(/\{\w+\}/g, "")));
  // Words written the same in both: proper nouns, technical terms, and "contact", "message", "signal"...
  assert.deepEqual([...new Set(same)].sort(), ["App active", "App inactive", "Contacts", "Provenance", "Source", "Verdict", "Zoom", "Build", "contact {id}", "message", "signal {n}", "Acquisition", "Acquisitions"].sort());
  // French typography: a space before ":", ";", "?" and "!" (outside URLs and quoted English).
  for (const [k, v] of Object.entries(fr)) {
    const text = v.replace(/https?:\/\/\S+/g, "").replace(/«[^»]*»/g, "«»").replace(PLACEHOLDER, "x");
    assert.doesNotMatch(text, /[^\s(][:;?!](\s|$)/, `${k}: ${v}`);
  }
});

test("every message id the code names exists in English and French", () => {
  const files = readdirSync(SRC, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && /\.ts$/.test(d.name));
  const used = new Set<string>();
  const prefixes = new Set<string>();
  for (const f of files) {
    const text = readFileSync(join(f.parentPath, f.name), "utf8");
    for (const m of text.matchAll(/\bmsg\(\s*"([\w.-]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\bmsg\(\s*`([\w.-]*)\$\{/g)) prefixes.add(m[1]);
    for (const m of text.matchAll(/\bmsg\(\s*\w+ \? "([\w.-]+)" : "([\w.-]+)"/g)) used.add(m[1]).add(m[2]);
  }
  assert.ok(used.size > 150, `${used.size} ids found`);
  for (const id of used) for (const lang of ["en", "fr"]) assert.ok(hasMessage(id, lang), `${id} (${lang})`);
  const keys = Object.keys(catalogs().en);
  for (const p of prefixes) assert.ok(keys.some((k) => k.startsWith(p)), `no message starts with ${p}`);
});

test("every rule and every module has its words in both catalogs", () => {
  for (const r of iosRules().rules) for (const part of ["description", "title", "why"]) for (const lang of ["en", "fr"]) assert.ok(hasMessage(`rule.${r.id}.${part}`, lang), `${r.id}.${part}`);
  for (const r of settingRules()) for (const part of ["description", "title", "why"]) assert.ok(hasMessage(`rule.${r.id}.${part}`, "fr"), `${r.id}.${part}`);
  for (const m of allModules) {
    assert.equal(english(msg(`module.${m.platform}.${m.name}`)), m.title, `module.${m.platform}.${m.name} is the module's title`);
    assert.ok(hasMessage(`module.${m.platform}.${m.name}`, "fr"));
  }
});

test("rendering: parameters, nested messages, lists and plural forms", () => {
  const gap = (n: number, lang: string) => render(lang, msg("det.process_usage.id_gap", { n, source: "DataUsage.sqlite", ids: n === 1 ? "7" : "7, 8", after: "x" }));
  assert.equal(gap(1, "en"), 'Deleted process record in DataUsage.sqlite: id 7 missing after "x"');
  assert.equal(gap(2, "en"), 'Deleted process records in DataUsage.sqlite: ids 7, 8 missing after "x"');
  assert.match(gap(2, "fr"), /^Enregistrements de processus supprimés dans DataUsage\.sqlite : les identifiants 7, 8 manquent/);
  const what = [msg("det.receivers.intent.SMS_RECEIVED"), msg("det.receivers.intent.PHONE_STATE")];
  assert.equal(render("en", msg("det.receivers.sensitive", { what, value: "com.x" })), "Non-system app receives incoming SMS, call state and numbers: com.x");
  assert.equal(render("fr", msg("det.receivers.sensitive", { what, value: "com.x" })), "App non système qui reçoit les SMS entrants, l'état des appels et les numéros : com.x");
  // A message a language lacks falls back to English; one no catalog has is its id.
  assert.equal(render("fr", msg("no.such.message")), "no.such.message");
});
