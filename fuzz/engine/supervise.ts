// The supervisor: starts fuzzing processes (src of each: child.ts), watches each one's counter
// file and memory, and turns a process that stops answering, grows past the memory bound or dies
// into a finding for the input it was running; then starts a new process after that input.
import { fork, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { targetByName } from "../targets/index.ts";
import type { ChildJob, ChildMessage } from "./child.ts";
import { applyPlan, describePlan, mutateContext, planFor } from "./input.ts";
import type { Finding, FindingKind } from "./types.ts";

export interface FuzzOptions {
  targets: string[];
  /** Executions per target (upper bound). */
  runs: number;
  /** Seconds per target (upper bound). */
  seconds: number;
  seed: number;
  /** Processes at once. */
  jobs: number;
  /** One process runs each target (long runs), or each process runs a share of them (smoke). */
  grouping: "per-target" | "shared";
  /** Per-execution bound before an input counts as a hang (a target may ask for more). */
  timeoutMs: number;
  /** Resident memory bound of a fuzzing process, and its V8 heap limit. */
  rssMb: number;
  heapMb: number;
  corpus?: string;
  /** Where findings (the input and a JSON description) are written. */
  findingsDir?: string;
  log?: (line: string) => void;
  /**
   * A long run carried on from an earlier one (per-target grouping only): the execution a target
   * starts at and the seconds left to it.
   */
  resume?: ReadonlyMap<string, { start: number; seconds: number }>;
  /**
   * Called whenever a target's counts move (every few seconds, and when it is done), with the
   * seconds it has run so far.
   */
  onUpdate?: (s: TargetStats, done: boolean, seconds: number) => void;
}

export interface TargetStats {
  target: string;
  seeds: number;
  executions: number;
  accepted: number;
  rejected: number;
  /** Distinct VigilError messages (digits blanked): how many ways of failing the inputs reached. */
  messages: number;
  seconds: number;
  findings: Finding[];
}

const CHILD = join(import.meta.dirname, "child.ts");

export async function fuzz(o: FuzzOptions): Promise<TargetStats[]> {
  const log = o.log ?? (() => {});
  const stats = new Map<string, TargetStats>(o.targets.map((t) => [t, { target: t, seeds: 0, executions: 0, accepted: 0, rejected: 0, messages: 0, seconds: 0, findings: [] }]));
  const seen = new Set<string>();
  /** Counts of a target's earlier processes, before a restart. */
  const base = new Map<string, { accepted: number; rejected: number }>();
  const work = mkdtempSync(join(tmpdir(), "vigil-fuzz-"));
  // Processes still running when the supervisor stops (stopped from outside): a child busy in a
  // hang would not notice the lost IPC channel, so they are killed.
  const live = new Set<ChildProcess>();
  const cleanUp = () => {
    for (const c of live) c.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  };
  process.on("exit", cleanUp);
  const lanes: string[][] = o.grouping === "per-target" ? o.targets.map((t) => [t]) : Array.from({ length: Math.min(o.jobs, o.targets.length) }, (_, i) => o.targets.filter((_, k) => k % o.jobs === i));
  let next = 0;
  let laneNo = 0;

  const record = (f: Finding) => {
    const s = stats.get(f.target)!;
    if (seen.has(f.target + "\0" + f.signature)) return;
    seen.add(f.target + "\0" + f.signature);
    s.findings.push(f);
    log(`FINDING ${f.target} #${f.index} ${f.kind}: ${f.message}`);
    if (o.findingsDir) saveFinding(o, f);
  };

  const runLane = async (targets: string[], start: number): Promise<void> => {
    const counter = join(work, `counter-${laneNo++}`);
    writeFileSync(counter, Buffer.alloc(16));
    // After a restart the target gets what is left of its time, not all of it again.
    const budget = (o.resume?.get(targets[0])?.seconds ?? o.seconds) - (stats.get(targets[0])?.seconds ?? 0);
    const job: ChildJob = { targets, start, runs: o.runs, seconds: Math.max(1, budget), seed: o.seed, counter, corpus: o.corpus };
    const child = fork(CHILD, [JSON.stringify(job)], {
      execArgv: ["--import", "tsx", `--max-old-space-size=${o.heapMb}`, "--stack-size=984"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, VIGIL_FUZZ_CHILD: "1" },
    });
    live.add(child);
    child.on("exit", () => live.delete(child));
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const began = new Map<string, number>();
    let done = 0;
    // When the counter last moved, in wall time and in the process's CPU time: a busy loop is
    // judged on CPU time (a loaded machine slows the wall clock, not the work), a wait that
    // never ends on a much longer wall time.
    let last = { at: Date.now(), mark: "", cpu: 0 };
    let killedFor: { kind: FindingKind; message: string } | undefined;
    // The watchdog is armed while a target executes inputs, not while a process starts or
    // builds a target's seeds.
    let armed = false;
    child.on("message", (m: ChildMessage) => {
      const s = stats.get(m.target)!;
      if (m.type === "ready") {
        armed = true;
        last = { at: Date.now(), mark: last.mark, cpu: cpuMs(child) ?? 0 };
        s.seeds = m.seeds;
        began.set(m.target, Date.now());
      } else if (m.type === "finding") {
        record({ target: m.target, kind: m.kind as FindingKind, signature: m.signature, message: m.message, stack: m.stack, index: m.index, seed: o.seed });
      } else {
        s.accepted = m.accepted + (base.get(m.target)?.accepted ?? 0);
        s.rejected = m.rejected + (base.get(m.target)?.rejected ?? 0);
        s.messages = Math.max(s.messages, m.messages);
        s.executions = m.index;
        if (m.type === "progress") o.onUpdate?.(s, false, s.seconds + (Date.now() - (began.get(m.target) ?? Date.now())) / 1000);
        if (m.type === "done") {
          armed = false;
          done++;
          s.seconds += (Date.now() - (began.get(m.target) ?? Date.now())) / 1000;
          began.delete(m.target);
          o.onUpdate?.(s, true, s.seconds);
          log(`${m.target}: ${m.index} executions, ${m.accepted} parsed, ${m.rejected} rejected with a VigilError, ${s.findings.length} findings`);
        }
      }
    });
    const watch = setInterval(() => {
      let mark = "";
      try {
        mark = readFileSync(counter).toString("hex");
      } catch {}
      const cpu = cpuMs(child);
      if (mark !== last.mark) last = { at: Date.now(), mark, cpu: cpu ?? last.cpu };
      const which = currentOf(counter, targets);
      const limit = Math.max(o.timeoutMs, targetByName(which.target).timeoutMs ?? 0);
      const busy = cpu === undefined ? 0 : cpu - last.cpu;
      if (armed && (busy > limit || Date.now() - last.at > 6 * limit) && !killedFor) {
        killedFor = { kind: "hang", message: busy > limit ? `no progress for ${limit} ms of CPU time` : `no progress for ${6 * limit} ms` };
        child.kill("SIGKILL");
      }
      const rss = rssMb(child);
      if (rss !== undefined && rss > o.rssMb && !killedFor) {
        killedFor = { kind: "memory", message: `resident memory ${rss} MB over the ${o.rssMb} MB bound` };
        child.kill("SIGKILL");
      }
    }, 200);
    const code = await new Promise<number | null>((res) => child.on("exit", (c, sig) => res(sig ? null : c)));
    clearInterval(watch);
    for (const [t, since] of began) stats.get(t)!.seconds += (Date.now() - since) / 1000;
    if (done === targets.length && code === 0) return;
    // The process stopped before its targets were done: a finding for the input it was running
    // (unless it already reported one, as for an uncaught error), then a new process after it.
    const at = currentOf(counter, targets);
    if (code !== 70) {
      // Exit code 13: the event loop emptied while the parser's promise was still pending, so
      // it would never settle (a deadlock rather than a busy loop).
      const stalled = code === 13;
      const kind: FindingKind = killedFor?.kind ?? (stalled ? "hang" : /heap out of memory|Allocation failed/i.test(stderr) ? "memory" : "crash");
      const message =
        killedFor?.message ??
        (stalled ? "the parser's promise never settles (nothing left to wait for)" : `process exited (${code === null ? "signal" : `code ${code}`}): ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`);
      record({ target: at.target, kind, signature: `${kind} ${message.replace(/\d+/g, "N").slice(0, 100)}`, message, index: at.index, seed: o.seed });
    }
    const s = stats.get(at.target)!;
    s.executions = at.index + 1;
    // The counts up to the input that stopped the process, from its counter (its last report may be seconds old).
    const before = base.get(at.target) ?? { accepted: 0, rejected: 0 };
    base.set(at.target, { accepted: before.accepted + at.accepted, rejected: before.rejected + at.rejected });
    s.accepted = before.accepted + at.accepted;
    s.rejected = before.rejected + at.rejected;
    const rest = targets.slice(targets.indexOf(at.target));
    if (at.index + 1 >= o.runs) rest.shift();
    if (rest.length) await runLane(rest, rest[0] === at.target ? at.index + 1 : 0);
  };

  const worker = async () => {
    while (next < lanes.length) {
      const lane = lanes[next++];
      await runLane(lane, o.grouping === "per-target" ? (o.resume?.get(lane[0])?.start ?? 0) : 0);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.jobs, lanes.length) }, worker));
  } finally {
    cleanUp();
    process.off("exit", cleanUp);
  }
  return o.targets.map((t) => stats.get(t)!);
}

function currentOf(counter: string, targets: string[]): { target: string; index: number; accepted: number; rejected: number } {
  const b = Buffer.alloc(16);
  readFileSync(counter).copy(b);
  return { target: targets[Math.min(b.readUInt32LE(0), targets.length - 1)], index: b.readUInt32LE(4), accepted: b.readUInt32LE(8), rejected: b.readUInt32LE(12) };
}

/** User + system CPU time of a process, from /proc (Linux). */
function cpuMs(child: ChildProcess): number | undefined {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function rssMb(child: ChildProcess): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the input and a description of a finding: <dir>/<target>/<kind>-<hash>.{bin,json}. */
function saveFinding(o: FuzzOptions, f: Finding): void {
  try {
    const t = targetByName(f.target);
    // The input is made again here from (seed, target, index), as the process made it.
    const seeds = seedCache.get(f.target);
    const build = async () => {
      const s = seeds ?? (await t.seeds(o.corpus));
      seedCache.set(f.target, s);
      const plan = planFor(o.seed, t.name, f.index, t.mutators.length);
      const input = applyPlan(plan, t.mutators, mutateContext(s));
      const dir = join(o.findingsDir!, f.target);
      mkdirSync(dir, { recursive: true });
      const name = `${f.kind}-${createHash("sha256").update(f.signature).digest("hex").slice(0, 10)}`;
      writeFileSync(join(dir, `${name}.bin`), input);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...f, plan: describePlan(plan, t.mutators), replay: `npm run fuzz -- --replay ${f.target}:${f.index} --seed ${f.seed}` }, null, 2) + "\n");
    };
    pending.push(build().catch((e) => o.log?.(`could not save finding of ${f.target}: ${(e as Error).message}`)));
  } catch (e) {
    o.log?.(`could not save finding of ${f.target}: ${(e as Error).message}`);
  }
}
const seedCache = new Map<string, Buffer[]>();
const pending: Promise<void>[] = [];

/** Waits for findings still being written. */
export async function flushFindings(): Promise<void> {
  await Promise.all(pending.splice(0));
}
