// The parallel runner keeps the coverage entries modules add of their own (ctx.cover) as the
// serial runner does, whichever thread ran the module.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import type { Coverage } from "../../../src/core/model.ts";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { loadIndicators } from "../../../src/indicators/load.ts";
import type { ModuleDef } from "../../../src/modules/contract.ts";
import { modulesFor } from "../../../src/modules/registry.ts";
import { runModulesParallel, startWorkers } from "../../../src/parallel/pool.ts";
import { runModules } from "../../../src/pipeline/run-modules.ts";
import { TimelineStore } from "../../../src/report/timeline-store.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-pool-"));

/** The entry every module adds here of its own: one per module, named after it. */
const extra = (m: ModuleDef<any>): Omit<Coverage, "detections"> => ({ module: `${m.name}_extra`, title: `What ${m.name} could not show`, status: "failed", reason: "test entry" });

/** The module, calling ctx.cover before it reads. */
function covering(m: ModuleDef<any>): ModuleDef<any> {
  return {
    ...m,
    records(ctx) {
      ctx.cover(extra(m));
      return m.records(ctx);
    },
  };
}

test("coverage entries added with ctx.cover come back from worker threads, after their module's, as in a serial run", async () => {
  const backup = (await buildSyntheticBackup(join(tmp, "backup"), { sms: 500, smsLinkShare: 0.3, safariVisits: 500, processes: 50, whatsapp: 100, manifestFiles: 100 }, { planted: DEMO_PLANTED })).dir;
  // Workers run the registry's modules: a worker whose modules call ctx.cover the same way.
  const wrapper = join(tmp, "covering-worker.mjs");
  const registry = pathToFileURL(resolve(import.meta.dirname, "../../../src/modules/registry.ts")).href;
  const worker = new URL("../../../src/parallel/worker.ts", import.meta.url).href;
  writeFileSync(
    wrapper,
    `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};
register();
const { allModules } = await import(${JSON.stringify(registry)});
for (const m of allModules) {
  const records = m.records;
  m.records = (ctx) => {
    ctx.cover({ module: m.name + "_extra", title: "What " + m.name + " could not show", status: "failed", reason: "test entry" });
    return records.call(m, ctx);
  };
}
await import(${JSON.stringify(worker)});
`,
  );
  const modules = modulesFor("ios").map(covering);
  const { matcher } = loadIndicators([IOCS]);
  const run = async (jobs: number) => {
    const view = await openIosBackup(backup);
    const timeline = new TimelineStore();
    const started = startWorkers(jobs - 1, () => new Worker(pathToFileURL(wrapper)));
    try {
      const base = { view, modules, iocs: matcher, outputDir: join(tmp, `out-${jobs}`), timeline };
      const parallel = jobs > 1 ? await runModulesParallel({ ...base, jobs, force: true, keepIdle: true, started }) : undefined;
      parallel?.end();
      if (jobs > 1) assert.equal(parallel?.jobs, jobs, "run on several threads");
      return (parallel ?? (await runModules(base))).coverage;
    } finally {
      started.end();
      timeline.close();
      await view.close();
    }
  };
  const serial = await run(1);
  const parallel = await run(3);
  const extras = serial.filter((c) => c.module.endsWith("_extra"));
  assert.ok(extras.length >= 8, `${extras.length} entries added`);
  // Each right after its module's own entry.
  for (const e of extras) assert.equal(`${serial[serial.indexOf(e) - 1].module}_extra`, e.module);
  assert.deepEqual(parallel, serial);
});
