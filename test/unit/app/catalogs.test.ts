// Every word the app's page shows exists in every language: the keys of index.html and app.js,
// and the ones built from values (acquisition kinds, module statuses, backup states, verdicts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { appCatalogs } from "../../../src/app/catalogs.ts";
import { srcAsset } from "../../../src/core/paths.ts";

const catalogs = appCatalogs();
const html = readFileSync(srcAsset("app", "static", "index.html"), "utf8");
const js = readFileSync(srcAsset("app", "static", "app.js"), "utf8");
const server = readFileSync(srcAsset("app", "server.ts"), "utf8");

test("English and French, with the same keys", () => {
  assert.deepEqual(Object.keys(catalogs).sort(), ["en", "fr"]);
  assert.deepEqual(Object.keys(catalogs.fr).sort(), Object.keys(catalogs.en).sort());
  for (const [lang, cat] of Object.entries(catalogs)) for (const [k, v] of Object.entries(cat)) assert.ok(v.trim(), `${lang} ${k} is empty`);
});

test("every key the page names, and every key it builds from a value, is in each catalog", () => {
  // The server names a message for each refusal a person reads (new HttpError(status, text, key)).
  const refusals = [...server.matchAll(/new HttpError\(\d+, [^;]*?, "([\w.]+)"\)/g)].map((m) => m[1]);
  assert.ok(refusals.length >= 8, String(refusals.length));
  const named = [...html.matchAll(/data-t(?:-aria-label|-title)?="([^"]+)"/g), ...js.matchAll(/\btn?\("([^"]+)"/g), ...refusals].map((m) => (typeof m === "string" ? m : m[1]));
  assert.ok(named.length > 100, String(named.length));
  const built = [
    ...["ios_backup", "android_backup", "ios_fs", "ios_sysdiagnose", "androidqf", "android_bugreport", "android_intrusion_logs", "network"].map((k) => `kind.${k}`),
    ...["absent", "not_applicable"].map((s) => `step.${s}`),
    ...["complete", "unfinished", "damaged"].map((s) => `backup.${s}`),
    ...["traces_found", "worth_a_look", "too_little_to_say", "no_known_traces"].flatMap((v) => [`verdict.${v}`, `verdict.${v}.meaning`]),
    ...["exposure", "ios-releases"].map((d) => `dataset.${d}`),
    ...["en", "fr"].map((l) => `lang.${l}`),
  ];
  for (const [lang, cat] of Object.entries(catalogs)) {
    const missing = [...named, ...built].filter((k) => cat[k] === undefined && cat[`${k}.other`] === undefined);
    assert.deepEqual(missing, [], lang);
  }
});
