// A worker thread that runs modules beside the main thread (see pool.ts). It starts while the
// main thread is still opening the acquisition and loading indicators, and waits for its setup;
// then it opens the same acquisition again, builds the same indicator matcher, and takes modules
// from the shared queue until it is empty, writing their JSON files itself and keeping its
// timeline events in its own store, whose sorted chunks it hands to the main thread at the end.
import { parentPort, threadId } from "node:worker_threads";
import type { AcquisitionView } from "../acquisitions/view.ts";
import { describeError } from "../core/errors.ts";
import { useTempRoot } from "../core/tempdir.ts";
import { buildMatcher } from "../indicators/matcher.ts";
import { modulesFor } from "../modules/registry.ts";
import { toJson } from "../report/json-writer.ts";
import { ReportDataCollector } from "../report/html/data.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import { writeMergedAt } from "../report/timeline-merge.ts";
import type { ProgressFn } from "../pipeline/progress.ts";
import { runModules } from "../pipeline/run-modules.ts";
import type { FromWorker, ToWorker, WorkerSetup } from "./protocol.ts";
import { reopenView } from "./reopen.ts";
import { keyOf, shardOf, takeNext } from "./queue.ts";

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const next = () => new Promise<ToWorker>((r) => port.once("message", r));
const first = await next();
if (first.type !== "setup") process.exit(0);
const setup: WorkerSetup = first.setup;
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
  const progress: ProgressFn = (line, transient, step) => send({ type: "progress", line, transient, step });
  for (let item = takeNext(setup); item !== undefined; item = takeNext(setup)) {
    const mod = modules.get(item.module);
    if (!mod) throw new Error(`no module ${item.module}`);
    const key = keyOf(item);
    send({ type: "start", key, module: item.module });
    const run = await runModules({ view, modules: [mod], iocs, outputDir: setup.outputDir, prefix: setup.prefix, taken: setup.taken, timeline, progress, numbering, shard: shardOf(item, setup) });
    send({ type: "module", key, module: item.module, coverage: run.coverage[0], more: run.coverage.slice(1), detections: toJson(run.detections), exposure: run.exposure });
  }
  await (view as { settled?: () => Promise<void> }).settled?.();
  const spilled = timeline.detach();
  const inputs = view.inputsRead();
  await view.close();
  send({ type: "finished", timeline: spilled, inputs });
  // The main thread may now give it a part of timeline.csv to merge (results.ts), then ends it.
  for (;;) {
    const m = await next();
    if (m.type !== "merge") break;
    try {
      const collector = ReportDataCollector.forPart(m.windows);
      // Buffers arrive as Uint8Arrays.
      const bytes = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : undefined);
      const rows = writeMergedAt(m.files, m.out, m.at, { from: bytes(m.range.from), to: bytes(m.range.to) }, collector);
      send({ type: "merged", rows, part: collector.partState() });
    } catch (e) {
      send({ type: "merged", failed: describeError(e) });
    }
  }
}
