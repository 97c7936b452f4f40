// One fuzzing process: runs its targets one after the other, each for a number of executions or
// a time, whichever ends first. Before each execution it writes (target, index, counts) to a
// small counter file, so the supervisor can tell which input hung, blew the memory or killed the
// process, and start a new process after it. Findings and counts go to the supervisor by IPC.
import { openSync, writeSync } from "node:fs";
import { setImmediate as tick } from "node:timers/promises";
import { targetByName } from "../targets/index.ts";
import { applyPlan, mutateContext, planFor } from "./input.ts";
import { finding, judge } from "./invariant.ts";
import type { Target } from "./types.ts";

export interface ChildJob {
  targets: string[];
  /** Index of the first execution of the first target (after a restart); the others start at 0. */
  start: number;
  runs: number;
  seconds: number;
  seed: number;
  counter: string;
  corpus?: string;
}

export type ChildMessage =
  | { type: "ready"; target: string; seeds: number }
  | { type: "progress" | "done"; target: string; index: number; accepted: number; rejected: number; messages: number }
  | { type: "finding"; target: string; index: number; kind: string; signature: string; message: string; stack?: string };

const job = JSON.parse(process.argv[2]) as ChildJob;
const counter = openSync(job.counter, "r+");
/** Target number, execution index, and this process's parsed and rejected counts before it. */
const mark = Buffer.alloc(16);
let current: { target: string; index: number } | undefined;

function send(m: ChildMessage): Promise<void> {
  return new Promise((res) => process.send!(m, () => res()));
}

// An error nobody catches (a stream's 'error' event without a listener, a rejected promise left
// alone) is a finding of the execution running then; the process is in an unknown state, so it
// stops and the supervisor starts a new one after that input.
const fatal = (e: unknown) => {
  const f = finding("uncaught", e);
  const at = current ?? { target: job.targets[0], index: job.start };
  process.send!({ type: "finding", target: at.target, index: at.index, kind: f.kind, signature: f.signature, message: f.message, stack: f.stack } satisfies ChildMessage, () => process.exit(70));
};
process.on("uncaughtException", fatal);
// The supervisor is gone (stopped or killed): stop too, rather than fuzz on unwatched.
process.on("disconnect", () => process.exit(0));
process.on("unhandledRejection", fatal);

async function runTarget(t: Target, ti: number, start: number): Promise<void> {
  const seeds = await t.seeds(job.corpus);
  if (!seeds.length) throw new Error(`${t.name}: no seeds`);
  await send({ type: "ready", target: t.name, seeds: seeds.length });
  const ctx = mutateContext(seeds);
  const deadline = Date.now() + job.seconds * 1000;
  const messages = new Set<string>();
  let accepted = 0;
  let rejected = 0;
  let lastReport = Date.now();
  let i = start;
  const counts = () => ({ target: t.name, index: i, accepted, rejected, messages: messages.size });
  for (; i < job.runs && (i & 63 || Date.now() < deadline); i++) {
    mark.writeUInt32LE(ti, 0);
    mark.writeUInt32LE(i, 4);
    mark.writeUInt32LE(accepted, 8);
    mark.writeUInt32LE(rejected, 12);
    writeSync(counter, mark, 0, 16, 0);
    current = { target: t.name, index: i };
    const input = applyPlan(planFor(job.seed, t.name, i, t.mutators.length), t.mutators, ctx);
    try {
      const r = t.run(input);
      if (r instanceof Promise) {
        await r;
        // Errors a stream emits just after its reader is done belong to this input.
        await tick();
      }
      accepted++;
    } catch (e) {
      const o = judge(e);
      if (o.ok) {
        rejected++;
        if (messages.size < 10_000) messages.add((e as Error).message.replace(/\d+/g, "N").slice(0, 120));
      } else await send({ type: "finding", target: t.name, index: i, kind: o.kind, signature: o.signature, message: o.message, stack: o.stack });
    }
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      // Execution i is done: i + 1 executions so far.
      await send({ type: "progress", ...counts(), index: i + 1 });
    }
  }
  await send({ type: "done", ...counts() });
}

for (let k = 0; k < job.targets.length; k++) {
  const name = job.targets[k];
  try {
    await runTarget(targetByName(name), k, k === 0 ? job.start : 0);
  } catch (e) {
    // The target could not start (its seeds could not be built): a finding of the harness,
    // reported against the target, and the next target runs.
    const f = finding("crash", e);
    await send({ type: "finding", target: name, index: 0, kind: f.kind, signature: `setup: ${f.signature}`, message: `the target could not start: ${f.message}`, stack: f.stack });
    await send({ type: "done", target: name, index: 0, accepted: 0, rejected: 0, messages: 0 });
  }
}
process.disconnect();
