// The dumpsys text is split once per run, keeping the sections the run's modules declare in
// reads.dumpsys; a section read without a declaration is a failed module, never a silent second pass.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { AcquisitionView } from "../../../../../src/acquisitions/view.ts";
import { matcherFromValues } from "../../../../../src/indicators/matcher.ts";
import { androidModules } from "../../../../../src/modules/android/index.ts";
import { DUMPSYS_READS, dumpsysService } from "../../../../../src/modules/android/lib/common.ts";
import { defineModule } from "../../../../../src/modules/contract.ts";
import { collectModule, runModules } from "../../../../../src/pipeline/run-modules.ts";
import { dumpsys, packageSection, pkgBlock, qf } from "../../../../helpers/android-views.ts";

const TEXT = dumpsys({
  package: packageSection([pkgBlock("com.example.app")]),
  adb: "AdbDebuggingManager:\n  connected_to_adb=true\n",
  dbinfo: "Applications Database Info:\n",
  appops: "Current AppOps Service state:\n",
  accessibility: "ACCESSIBILITY MANAGER (dumpsys accessibility)\n",
  batterystats: "Battery History:\n",
  platform_compat: "ChangeId(1234; name=X; enabled)\n",
  unrelated: "nothing anyone reads\n",
});

/** A view over dumpsys.txt that counts how often the file is streamed (one count per split). */
function countingView(): { view: AcquisitionView; streams: () => number } {
  const view = qf({ "dumpsys.txt": TEXT });
  let n = 0;
  const open = view.openStream.bind(view);
  view.openStream = (e) => {
    if (e.path === "dumpsys.txt") n++;
    return open(e);
  };
  return { view, streams: () => n };
}

const iocs = matcherFromValues({}, "Test set");
const dumpsysModules = androidModules.filter((m) => m.reads.dumpsys?.length);

test("every module that reads dumpsys sections declares them, and a run splits the file once", async () => {
  assert.ok(dumpsysModules.length >= 10);
  const { view, streams } = countingView();
  const out = mkdtempSync(join(tmpdir(), "vigil-dumpsys-split-"));
  const run = await runModules({ view, modules: dumpsysModules, iocs, outputDir: out });
  for (const c of run.coverage) assert.notEqual(c.status, "failed", `${c.module}: ${c.reason}`);
  assert.equal(streams(), 1);
  assert.equal(JSON.parse(readFileSync(join(out, "dumpsys_packages.json"), "utf8")).length, 1);
});

test("modules run one by one on one view each get their sections (the file is split again when needed)", async () => {
  const { view, streams } = countingView();
  for (const m of dumpsysModules) {
    const r = await collectModule(m, view, iocs);
    assert.notEqual(r.coverage.status, "failed", `${m.name}: ${r.coverage.reason}`);
  }
  assert.ok(streams() > 1);
});

test("a section read but declared by no module of the run fails the module with the reason", async () => {
  const undeclared = defineModule({
    name: "undeclared_adb",
    title: "test",
    platform: "android",
    description: "reads the adb section without saying so",
    reads: DUMPSYS_READS,
    async *records(ctx) {
      yield* await dumpsysService(ctx, "adb");
    },
  });
  const r = await collectModule(undeclared, qf({ "dumpsys.txt": TEXT }), iocs);
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.reason, 'the "adb" dumpsys section is read but no module of the run declares it in reads.dumpsys');
});
