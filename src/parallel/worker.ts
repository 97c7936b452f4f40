// A worker thread that runs modules beside the main thread (see pool.ts): it opens the same
// acquisition again, builds the same indicator matcher, then takes modules from the shared queue
// until it is empty, writing their JSON files itself and keeping its timeline events in its own
// store, whose sorted chunks it hands to the main thread at the end.
import { parentPort, threadId, workerData } from "node:worker_threads";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { describeError } from "../core/errors.ts";
import { useTempRoot } from "../core/tempdir.ts";
import { buildMatcher } from "../indicators/matcher.ts";
import { modulesFor } from "../modules/registry.ts";
import { toJson } from "../report/json-writer.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { runModules } from "../run.ts";
import type { FromWorker, WorkerSetup } from "./protocol.ts";
import { reopenView } from "./reopen.ts";
import { keyOf, shardOf, takeNext } from "./queue.ts";

const port = parentPort!;
// A worker started early (EarlyWorkers) gets its setup as its first message.
const setup = ((workerData as WorkerSetup | undefined) ?? (await new Promise((r) => port.once("message", r)))) as WorkerSetup;
const send = (m: FromWorker) => port.postMessage(m);
useTempRoot(setup.tempRoot, `w${threadId}-`);

let view: AcquisitionView | undefined;
try {
  view = await reopenView(setup.reopen);
} catch (e) {
  send({ type: "failed", message: describeError(e) });
}

if (view) {
  const iocs = buildMatcher(setup.indicators);
  const timeline = new TimelineStore();
  const modules = new Map(modulesFor(view.platform).map((m) => [m.name, m]));
  const numbering = { index: new Map(setup.numbering), total: setup.total };
  const progress = (line: string, transient?: boolean) => send({ type: "progress", line, transient });
  for (let item = takeNext(setup); item !== undefined; item = takeNext(setup)) {
    const mod = modules.get(item.module);
    if (!mod) throw new Error(`no module ${item.module}`);
    const key = keyOf(item);
    send({ type: "start", key, module: item.module });
    const run = await runModules({ view, modules: [mod], iocs, outputDir: setup.outputDir, prefix: setup.prefix, timeline, progress, numbering, shard: shardOf(item, setup) });
    send({ type: "module", key, module: item.module, coverage: run.coverage[0], detections: toJson(run.detections) });
  }
  await (view as { settled?: () => Promise<void> }).settled?.();
  const spilled = timeline.detach();
  const inputs = view.inputsRead();
  await view.close();
  send({ type: "finished", timeline: spilled, inputs });
}
