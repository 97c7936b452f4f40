import { test } from "node:test";
import assert from "node:assert/strict";
import { specKeyFor } from "../../../src/acquisitions/memory.ts";
import type { AcquisitionKind } from "../../../src/acquisitions/view.ts";
import { catalogs } from "../../../src/core/i18n/index.ts";
import { CHECK_REQUIREMENTS, MORE_ARTIFACTS, missingNeeds } from "../../../src/modules/requirements.ts";
import { allModules } from "../../../src/modules/registry.ts";

const PLATFORM: Record<string, string> = { ios_backup: "ios", ios_fs: "ios", ios_sysdiagnose: "ios", androidqf: "android", android_bugreport: "android", android_backup: "android", android_intrusion_logs: "android", network: "network" };

test("every acquisition kind a check reads has a requirement, naming modules that exist and read that kind", () => {
  for (const kind of Object.keys(PLATFORM)) assert.ok(CHECK_REQUIREMENTS[kind as AcquisitionKind], `${kind} has no requirement`);
  for (const [kind, req] of Object.entries(CHECK_REQUIREMENTS)) {
    const key = specKeyFor(kind as AcquisitionKind);
    for (const need of req!.needs) {
      assert.ok(need.anyOf.length > 0, `${kind}: ${need.need} names no module`);
      for (const name of need.anyOf) {
        const mod = allModules.find((m) => m.name === name && m.platform === PLATFORM[kind]);
        assert.ok(mod, `${kind}: no ${PLATFORM[kind]} module ${name}`);
        const reads = mod.reads.whole?.includes(kind as AcquisitionKind) || ((mod.reads[key] as unknown[] | undefined)?.length ?? 0) > 0;
        assert.ok(reads, `${kind}: ${name} reads nothing in this kind of acquisition`);
      }
    }
  }
});

test("every need and advice has words in every catalog", () => {
  const needs = new Set([MORE_ARTIFACTS, ...Object.values(CHECK_REQUIREMENTS).flatMap((r) => r!.needs.map((n) => n.need))]);
  for (const [lang, cat] of Object.entries(catalogs())) {
    for (const n of needs) assert.ok(cat[`need.${n}`], `${lang}: need.${n}`);
    for (const r of Object.values(CHECK_REQUIREMENTS)) assert.ok(cat[`advice.${r!.advice}`], `${lang}: advice.${r!.advice}`);
  }
});

test("missingNeeds: one checked module of a group meets it; absent or failed do not; unknown kinds need nothing", () => {
  const c = (module: string, status: "checked" | "failed" | "absent") => ({ module, status });
  assert.deepEqual(missingNeeds("androidqf", [c("getprop", "checked")]).map((m) => m.need), ["app_list", "processes_or_services"]);
  assert.deepEqual(missingNeeds("androidqf", [c("dumpsys_packages", "checked"), c("dumpsys_receivers", "checked")]), []);
  assert.deepEqual(missingNeeds("androidqf", [c("packages", "failed"), c("processes", "checked")]).map((m) => m.need), ["app_list"]);
  assert.deepEqual(missingNeeds("ios_backup", [c("manifest", "checked"), c("sms", "checked"), c("safari_history", "checked"), c("datausage", "absent")]).map((m) => m.need), ["process_use"]);
  assert.deepEqual(missingNeeds("mvt_results", []), []);
  assert.deepEqual(missingNeeds(undefined, []), []);
  const fs = ["filesystem", "netusage", "sms", "safari_history", "tcc"].map((m) => c(m, "checked"));
  assert.deepEqual(missingNeeds("ios_fs", fs).map((m) => [m.need, m.params]), [[MORE_ARTIFACTS, { checked: 4, count: 5 }]], "the file listing does not count");
  assert.deepEqual(missingNeeds("ios_fs", [...fs, c("calls", "checked")]), []);
  // A capture that holds no traffic is read ("checked") but is not a check.
  assert.deepEqual(missingNeeds("network", [{ module: "flows", status: "checked", records: 0 }, { module: "dns", status: "checked", records: 0 }]).map((m) => m.need), ["traffic"]);
  assert.deepEqual(missingNeeds("network", [{ module: "flows", status: "checked", records: 0 }, { module: "dns", status: "checked", records: 3 }]), []);
});
