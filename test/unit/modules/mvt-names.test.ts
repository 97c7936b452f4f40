import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allModules } from "../../../src/modules/registry.ts";
import { moduleOfSlug, mvtNameTable, resultsSlug, resultsSlugsOf, timelinePlugin } from "../../../src/modules/mvt-names.ts";
import { MVT_IOS_FIELDS } from "../../../src/modules/mvt-fields.ts";
import { resultsFileSlug } from "../../../src/pipeline/run-modules.ts";

test("MVT names: every entry names a Vigil module of the right platform, and no two modules share a file on one kind", () => {
  const seen = new Map<string, string>();
  for (const { module, kind, name } of mvtNameTable()) {
    const platform = ["backup", "fs", "sysdiagnose"].includes(kind) ? "ios" : "android";
    assert.ok(allModules.some((m) => m.name === module && m.platform === platform), `${module} is an ${platform} module`);
    const key = `${kind}:${name.slug}`;
    assert.ok(!seen.has(key), `${key} used by ${seen.get(key)} and ${module}`);
    seen.set(key, module);
    assert.match(name.slug, /^[a-z0-9_]+$/);
    assert.match(name.plugin, /^[A-Za-z]+$/);
  }
});

test("MVT names: the slugs MVT writes, per acquisition kind; Vigil-only modules keep their names", () => {
  assert.equal(resultsSlug("interactionc", "backup"), "interaction_c");
  assert.equal(resultsSlug("interactionc", "fs"), "interaction_c");
  assert.equal(resultsSlug("packages", "androidqf"), "aqf_packages");
  assert.equal(resultsSlug("processes", "androidqf"), "aqf_processes");
  assert.equal(resultsSlug("getprop", "androidqf"), "aqf_get_prop");
  assert.equal(resultsSlug("getprop", "bugreport"), "dumpsys_get_prop");
  assert.equal(resultsSlug("settings", "androidqf"), "aqf_settings");
  assert.equal(resultsSlug("files", "androidqf"), "aqf_files");
  assert.equal(resultsSlug("dumpsys_adb", "bugreport"), "dumpsys_adb_state");
  assert.equal(resultsSlug("dumpsys_dbinfo", "bugreport"), "dbinfo");
  assert.equal(resultsSlug("intrusion_dns", "intrusion_logs"), "dns_event");
  assert.equal(resultsSlug("sms", "android_backup"), "sms");
  assert.equal(timelinePlugin("safari_history", "backup"), "SafariHistory");
  // Vigil-only modules, and modules on kinds where MVT does not have them.
  assert.equal(resultsSlug("whatsapp_calls", "backup"), "whatsapp_calls");
  assert.equal(resultsSlug("crash_reports", "sysdiagnose"), "crash_reports");
  assert.equal(resultsSlug("dns", "network"), "dns");
  assert.equal(moduleOfSlug("aqf_packages"), "packages");
  assert.equal(moduleOfSlug("interaction_c"), "interactionc");
  assert.equal(moduleOfSlug("dbinfo"), "dumpsys_dbinfo");
  assert.equal(moduleOfSlug("whatsapp_calls"), "whatsapp_calls");
  assert.deepEqual(resultsSlugsOf("getprop"), ["getprop", "aqf_get_prop", "dumpsys_get_prop"]);
});

test("results file names: a nested view's file is prefixed only when an earlier view of the check wrote the same name", () => {
  assert.equal(resultsFileSlug("sms", "android_backup", "backup_", ["aqf_packages", "aqf_get_prop"]), "sms");
  assert.equal(resultsFileSlug("dumpsys_packages", "bugreport", "bugreport_", ["dumpsys_packages"]), "bugreport_dumpsys_packages");
  assert.equal(resultsFileSlug("getprop", "bugreport", "bugreport_", ["aqf_get_prop"]), "dumpsys_get_prop");
  assert.equal(resultsFileSlug("packages", "androidqf"), "aqf_packages");
});

test("docs/mvt-compatibility.md lists every MVT file of the table with its Vigil module", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../../docs/mvt-compatibility.md"), "utf8");
  for (const { module, name } of mvtNameTable()) {
    assert.match(doc, new RegExp(`\\| \`${name.slug}\\.json\` \\| ${name.plugin} \\| \`${module}\` \\|`), `${name.slug} (${module})`);
  }
});

test("MVT's iOS record fields: a list for every iOS module MVT has, each checked on a module test's records and shown in docs/mvt-compatibility.md", () => {
  const ios = new Set(mvtNameTable().filter((e) => e.kind === "backup" || e.kind === "fs").map((e) => e.module));
  assert.deepEqual(Object.keys(MVT_IOS_FIELDS).sort(), [...ios].sort(), "src/modules/mvt-fields.ts lists exactly the iOS modules MVT has");
  // Each list is checked against a module's real records by assertMvtFields in its unit test.
  const tests: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".test.ts")) tests.push(readFileSync(join(dir, e.name), "utf8"));
    }
  };
  walk(join(import.meta.dirname, "ios"));
  const doc = readFileSync(join(import.meta.dirname, "../../../docs/mvt-compatibility.md"), "utf8");
  const section = doc.slice(doc.indexOf("### iOS record fields"));
  for (const [module, fields] of Object.entries(MVT_IOS_FIELDS)) {
    assert.ok(tests.some((t) => t.includes(`assertMvtFields("${module}", `)), `${module}: no unit test checks its records against MVT's fields`);
    const row = section.split("\n").find((l) => l.startsWith(`| \`${module}\` | `));
    assert.ok(row, `${module}: no row in the iOS record fields table`);
    assert.equal(row.split(" | ")[1], fields.map((f) => `\`${f}\``).join(", "), `${module}: the doc's field list`);
  }
});
