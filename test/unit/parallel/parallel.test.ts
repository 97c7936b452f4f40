// Modules run in worker threads give the same results as a serial run, file for file: through
// the `vigil` command (the bundled worker), in process (the worker through tsx), on an encrypted
// backup (workers reopen it with the derived key), and when no worker can open the acquisition.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { buildSyntheticBackup, DEMO_PLANTED, type BackupSizes } from "../../../src/demo/demo-backup.ts";
import { loadIndicators } from "../../../src/indicators/load.ts";
import { modulesFor } from "../../../src/modules/registry.ts";
import { runModulesParallel, startWorkers, type StartedWorkers } from "../../../src/parallel/pool.ts";
import { guessArtifactBytes } from "../../../src/acquisitions/ios-backup/open.ts";
import { once } from "node:events";
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { TimelineStore } from "../../../src/report/timeline-store.ts";
import { writeResults, type TimelineHelper } from "../../../src/report/results.ts";
import { runModules } from "../../../src/pipeline/run-modules.ts";
import type { RunInfo } from "../../../src/core/model.ts";
import { hashTree, runVigil } from "../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const SIZES: BackupSizes = { sms: 3000, smsLinkShare: 0.3, safariVisits: 3000, processes: 200, whatsapp: 600, manifestFiles: 400 };
const tmp = mkdtempSync(join(tmpdir(), "vigil-parallel-"));
let plain: string;
let encrypted: string;
const LOCKDOWN_OFF = '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>LDMGlobalEnabled</key><false/></dict></plist>';

before(async () => {
  // Lockdown Mode off: an exposure entry, which a worker thread hands over like a detection.
  const prefs = { domain: "HomeDomain", relativePath: "Library/Preferences/.GlobalPreferences.plist", data: LOCKDOWN_OFF };
  plain = (await buildSyntheticBackup(join(tmp, "plain"), SIZES, { planted: DEMO_PLANTED, extraFiles: [prefs] })).dir;
  encrypted = (await buildSyntheticBackup(join(tmp, "enc"), SIZES, { planted: DEMO_PLANTED, encrypted: { password: "pw", dpic: 1000, iter: 10 } })).dir;
});

/** Every file of two results folders must be equal, except what names the run itself. */
function assertSameResults(a: string, b: string): void {
  const files = readdirSync(a).sort();
  assert.deepEqual(readdirSync(b).sort(), files);
  for (const f of files) {
    if (f === "report.html") continue; // names the results folder and the run's times
    if (f === "command.log") continue; // the run's own progress: times, and threads finishing in any order
    if (f === "info.json") {
      const [x, y] = [a, b].map((d) => JSON.parse(readFileSync(join(d, f), "utf8")));
      assert.deepEqual(y.inputs, x.inputs, "info.json inputs");
      assert.deepEqual(y.device, x.device);
      continue;
    }
    if (f === "summary.json") {
      const [x, y] = [a, b].map((d) => JSON.parse(readFileSync(join(d, f), "utf8")));
      delete x.outputDir;
      delete y.outputDir;
      assert.deepEqual(y, x, "summary.json");
      continue;
    }
    assert.equal(readFileSync(join(b, f), "utf8"), readFileSync(join(a, f), "utf8"), `${f} differs`);
  }
}

/** `check-backup` with one thread and with `jobs`: both find the planted traces and write the same files. */
async function checkTwice(backup: string, name: string, jobs: number, extra: string[] = []): Promise<{ serial: string; parallel: string }> {
  const serial = join(tmp, `${name}serial`);
  const parallel = join(tmp, `${name}parallel`);
  const r1 = await runVigil(["check-backup", backup, "--iocs", IOCS, "--output", serial, "--jobs", "1", ...extra]);
  const r2 = await runVigil(["check-backup", backup, "--iocs", IOCS, "--output", parallel, "--jobs", String(jobs), ...extra]);
  assert.equal(r1.status, 10, r1.stderr);
  assert.equal(r2.status, 10, r2.stderr);
  assertSameResults(serial, parallel);
  return { serial, parallel };
}

test("check-backup with 3 threads writes the same files as with 1, and leaves the evidence unchanged", async () => {
  const evidence = hashTree(plain);
  const { parallel } = await checkTwice(plain, "", 3);
  const timeline = readFileSync(join(parallel, "timeline.csv"), "utf8").trim().split("\r\n");
  assert.ok(timeline.length > 6000, `timeline has ${timeline.length} rows`);
  assert.ok(readFileSync(join(parallel, "timeline_detected.csv"), "utf8").includes("urlpush.net"));
  assert.deepEqual(hashTree(plain), evidence);
});

test("an encrypted backup checked by several threads (reopened with the derived key) gives the serial run's files", async () => {
  const { parallel } = await checkTwice(encrypted, "enc-", 2, ["--password", "pw"]);
  // The same records as the plain backup's.
  for (const f of ["sms.json", "safari_history.json", "whatsapp.json", "datausage.json"]) {
    assert.equal(readFileSync(join(parallel, f), "utf8"), readFileSync(join(tmp, "serial", f), "utf8"), f);
  }
});

test("--jobs must be a whole number of threads", async () => {
  const r = await runVigil(["check-backup", plain, "--iocs", IOCS, "--output", join(tmp, "bad-jobs"), "--jobs", "0"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--jobs 0/);
});

async function runInProcess(out: string, jobs: number, breakReopen = false, shardMinBytes?: number, started?: StartedWorkers) {
  const view = await openIosBackup(plain);
  if (breakReopen) view.reopenSpec = () => ({ opener: "ios_backup", path: join(tmp, "no-such-backup") });
  const { matcher } = loadIndicators([IOCS]);
  const timeline = new TimelineStore();
  const lines: string[] = [];
  try {
    const base = { view, modules: modulesFor("ios"), iocs: matcher, outputDir: out, timeline, progress: (l: string) => lines.push(l) };
    const parallel = jobs > 1 ? await runModulesParallel({ ...base, jobs, force: true, shardMinBytes, keepIdle: true, started }) : undefined;
    parallel?.end();
    const run = parallel ?? (await runModules(base));
    const rows: string[] = [];
    run.timeline.forEachSortedRow((r) => rows.push(r));
    return { run, rows, lines };
  } finally {
    timeline.close();
    await view.close();
  }
}

test("in process (worker through tsx): same coverage, detections and timeline as serial", async () => {
  const a = await runInProcess(join(tmp, "ip-serial"), 1);
  const b = await runInProcess(join(tmp, "ip-parallel"), 2);
  assert.equal((b.run as { jobs?: number }).jobs, 2);
  assert.deepEqual(b.run.coverage, a.run.coverage);
  assert.deepEqual(b.run.detections, a.run.detections);
  assert.deepEqual(b.run.exposure, a.run.exposure);
  assert.deepEqual(a.run.exposure.map((e) => e.kind), ["lockdown_off"]);
  assert.deepEqual(b.rows, a.rows);
  assert.ok(a.rows.length > 6000);
});

test("workers started before the acquisition is open do the same work; one that died while waiting is replaced", async () => {
  const a = await runInProcess(join(tmp, "early-serial"), 1);
  const spawned: Worker[] = [];
  const real = new URL("../../../src/parallel/worker-tsx.mjs", import.meta.url);
  // The first worker started dies at once, before it is taken.
  const started = startWorkers(3, () => {
    const w = spawned.length === 0 ? new Worker("process.exit(3)", { eval: true }) : new Worker(real, { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    spawned.push(w);
    return w;
  });
  spawned[0].ref(); // waiting workers do not keep the process alive; this test waits for one
  await once(spawned[0], "exit");
  try {
    const b = await runInProcess(join(tmp, "early-parallel"), 3, false, undefined, started);
    assert.equal((b.run as { jobs?: number }).jobs, 3);
    assert.deepEqual(b.run.coverage, a.run.coverage);
    assert.deepEqual(b.run.detections, a.run.detections);
    assert.deepEqual(b.rows, a.rows);
    assert.ok(!b.lines.some((l) => /worker thread/.test(l)), b.lines.join("\n"));
  } finally {
    started.end();
  }
  // Both live workers were taken (none left to end), and the dead one was replaced by a new one.
  assert.equal(spawned.length, 3);
});

test("end() stops the started workers nobody took", async () => {
  const spawned: Worker[] = [];
  const started = startWorkers(2, () => {
    const w = new Worker("setInterval(() => {}, 1000)", { eval: true });
    spawned.push(w);
    return w;
  });
  const exits = spawned.map((w) => (w.ref(), once(w, "exit")));
  started.end();
  await Promise.all(exits);
});

test("a worker thread that dies in the middle of a module leaves that module failed with the reason, never clean; the others are checked", async () => {
  const a = await runInProcess(join(tmp, "crash-serial"), 1);
  // A real worker whose thread exits (code 7) as soon as it has announced its first module. It
  // says "loaded" when Vigil's worker code, loaded, starts to wait for its setup.
  const wrapper = join(tmp, "crashing-worker.mjs");
  const real = new URL("../../../src/parallel/worker-tsx.mjs", import.meta.url).href;
  writeFileSync(
    wrapper,
    `import { parentPort } from "node:worker_threads";
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (m) => { post(m); if (m && m.type === "start") process.exit(7); };
const once = parentPort.once.bind(parentPort);
parentPort.once = (event, fn) => { if (event === "message") post({ type: "loaded" }); return once(event, fn); };
await import(${JSON.stringify(real)});
`,
  );
  const started = startWorkers(1, () => new Worker(pathToFileURL(wrapper)));
  // Once the worker has loaded Vigil's code, it takes a module as soon as the run starts.
  const worker = started.take();
  worker.ref();
  await once(worker, "message", { signal: AbortSignal.timeout(60_000) });
  const again = { take: () => worker, end: () => void worker.terminate() };
  let b: Awaited<ReturnType<typeof runInProcess>>;
  try {
    b = await runInProcess(join(tmp, "crash-parallel"), 2, false, undefined, again);
  } finally {
    again.end();
  }
  const failed = b.run.coverage.filter((c) => c.status === "failed");
  assert.equal(failed.length, 1, JSON.stringify(b.run.coverage));
  assert.match(failed[0].reason ?? "", /the worker thread running it stopped: exit code 7/);
  const before = a.run.coverage.find((c) => c.module === failed[0].module)!;
  assert.notEqual(before.status, "failed");
  // Every other module was checked by the main thread as in the serial run.
  assert.deepEqual(
    b.run.coverage.filter((c) => c !== failed[0]),
    a.run.coverage.filter((c) => c.module !== failed[0].module),
  );
});

test("guessArtifactBytes: the sizes of the big databases of a backup, found by file ID", () => {
  const db = (id: string) => statSync(join(plain, id.slice(0, 2), id)).size;
  // sms.db, Safari History.db and WhatsApp's ChatStorage.sqlite, as the synthetic backup has them.
  const expected = db("3d0d7e5fb2ce288813306e4d4636395e047a3d28") + db("1a0e7afc19d307da602ccdcece51af33afe92c53") + db("7c7fba66680ef796b916b067077cc246adacf01d");
  assert.equal(guessArtifactBytes(plain), expected);
  // A folder holding two backups (plain and encrypted), or none: no guess (opening it says why).
  assert.equal(guessArtifactBytes(tmp), 0);
  assert.equal(guessArtifactBytes(join(tmp, "no-such-folder")), 0);
});

test("when no worker can open the acquisition, this thread runs every module: nothing is lost", async () => {
  const a = await runInProcess(join(tmp, "fail-serial"), 1);
  const b = await runInProcess(join(tmp, "fail-parallel"), 3, true);
  assert.ok(b.lines.some((l) => /worker thread could not open the acquisition/.test(l)), b.lines.join("\n"));
  assert.deepEqual(b.run.coverage, a.run.coverage);
  assert.deepEqual(b.run.detections, a.run.detections);
  assert.deepEqual(b.rows, a.rows);
});

test("big tables split into one part per thread (sms, Safari history) give the serial run's files, coverage and timeline", async () => {
  const a = await runInProcess(join(tmp, "shard-serial"), 1);
  const b = await runInProcess(join(tmp, "shard-parallel"), 3, false, 0);
  assert.ok(b.lines.some((l) => /sms \(part 2\/3\)/.test(l)), b.lines.join("\n"));
  assert.ok(b.lines.some((l) => /safari_history \(part 3\/3\)/.test(l)), b.lines.join("\n"));
  assert.deepEqual(b.run.coverage, a.run.coverage);
  assert.deepEqual(b.run.detections, a.run.detections);
  assert.deepEqual(b.rows, a.rows);
  for (const f of readdirSync(join(tmp, "shard-serial")).sort()) {
    assert.equal(readFileSync(join(tmp, "shard-parallel", f), "utf8"), readFileSync(join(tmp, "shard-serial", f), "utf8"), f);
  }
  assert.deepEqual(readdirSync(join(tmp, "shard-parallel")).sort(), readdirSync(join(tmp, "shard-serial")).sort());
});

test("the worker threads, once done with the modules, write parts of timeline.csv: same files and report data as one thread", async () => {
  const results = async (jobs: number) => {
    const out = mkdtempSync(join(tmp, `merge-${jobs}-`));
    const view = await openIosBackup(plain);
    const { matcher } = loadIndicators([IOCS]);
    const timeline = new TimelineStore(2000); // small chunks: many files to merge
    try {
      const base = { view, modules: modulesFor("ios"), iocs: matcher, outputDir: out, timeline };
      const parallel = jobs > 1 ? await runModulesParallel({ ...base, jobs, force: true, keepIdle: true }) : undefined;
      const run = parallel ?? (await runModules(base));
      // Counts the parts the workers merged (a part a worker fails is merged by this thread).
      let merged = 0;
      const helpers = (parallel?.helpers ?? []).map((h): TimelineHelper => ({
        merge: async (...args) => {
          const r = await h.merge(...args);
          if (r) merged++;
          return r;
        },
      }));
      assert.equal(helpers.length, jobs - 1);
      const info = { tool: "vigil", version: "test", command: [], started: "", finished: "", acquisition: { kind: "ios_backup", path: "x", encrypted: false }, inputs: [], iocs: { sets: [], errors: [] } } as unknown as RunInfo;
      try {
        // Every timeline is "big" here (0 bytes): the helpers merge their parts.
        const w = await writeResults(out, run, info, helpers, 0);
        assert.equal(merged, jobs - 1, "every worker merged a part");
        return { out, report: w.reportData };
      } finally {
        parallel?.end();
      }
    } finally {
      timeline.close();
      await view.close();
    }
  };
  const a = await results(1);
  const b = await results(3);
  for (const f of ["timeline.csv", "timeline_detected.csv"]) assert.equal(readFileSync(join(b.out, f), "utf8"), readFileSync(join(a.out, f), "utf8"), f);
  assert.deepEqual(b.report, a.report);
  assert.ok(readFileSync(join(b.out, "timeline.csv"), "utf8").split("\r\n").length > 6000);
});

test("shardRange: contiguous parts that cover the key range exactly once", async () => {
  const { shardRange } = await import("../../../src/core/shard.ts");
  for (const [lo, hi] of [[1, 1], [1, 10], [-4, 7], [5, 1_000_003]] as const) {
    for (const count of [1, 2, 3, 7]) {
      let next = lo;
      for (let index = 0; index < count; index++) {
        const [from, to] = shardRange(lo, hi, { index, count });
        assert.equal(from, next, `${lo}..${hi} part ${index}/${count}`);
        assert.ok(to >= from - 1);
        next = to + 1;
      }
      assert.equal(next, hi + 1);
    }
  }
  assert.deepEqual(shardRange(3, 9, undefined), [3, 9]);
});
