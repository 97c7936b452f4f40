// The app's long tasks (a check, an acquisition added to a case, an indicator update), each run
// as the `vigil` command in a child process: the same code and results as the command line, and a
// cancel that really stops everything (worker threads, temp files). Secrets reach the child over
// its IPC channel when it asks for them (child-protocol.ts), never through its command line or
// environment, and the app forgets them as soon as they are handed over or the task ends.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { EXIT } from "../core/model.ts";
import { REPO_ROOT } from "../core/paths.ts";
import type { ProgressStep } from "../pipeline/progress.ts";
import { APP_CHANNEL_ENV, type FromCommand, type SecretName, type ToCommand } from "./child-protocol.ts";
import { foldStep, stepKey } from "./steps.ts";

export const VIGIL_BIN = join(REPO_ROOT, "bin", "vigil.js");
/** How long a cancelled command gets to exit on its own before it is killed. */
const CANCEL_GRACE_MS = 5000;
/** The exit codes of a command that did its job, whatever it found. */
const FINISHED = new Set<number>([EXIT.nothingFound, EXIT.detections, EXIT.incomplete]);
/** Lines of a task's own output kept for the page. */
const KEEP_LINES = 200;
// The launcher (bin/vigil.js) runs a check in a child with this collector flag and these malloc
// settings; the app starts the command with them directly, so the launcher runs it in place.
const GC_FLAG = "--single-threaded-gc";
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(1 << 20), MALLOC_TRIM_THRESHOLD_: String(4 << 20) };

export type JobKind = "check" | "case-add" | "update";
export type JobState = "running" | "needs-secret" | "done" | "failed" | "cancelled";

/** What the page is told about a task. */
export interface JobView {
  id: string;
  kind: JobKind;
  state: JobState;
  /** The acquisition (check, case-add). */
  input?: string;
  started: string;
  ended?: string;
  /** The secret the command asks for, while state is needs-secret. */
  asks?: SecretName;
  /** The latest step of each module, by module name (and view). */
  steps: Record<string, ProgressStep>;
  total?: number;
  /** The latest transient line (a module's row count). */
  current?: string;
  /** The command's lasting lines (progress text, warnings, errors). */
  lines: string[];
  exitCode?: number | null;
  /** The one-line error of a failed command. */
  error?: string;
  /** Its kind, as the command told it ("password": a wrong or missing password). */
  errorCode?: string;
  /** The command's stdout, parsed, when it printed JSON. */
  output?: unknown;
  /** Whatever the caller attached (results folder, report address...). */
  extra: Record<string, unknown>;
}

export type JobEvent = { type: "job"; job: JobView } | { type: "step"; id: string; step: ProgressStep; current?: string } | { type: "line"; id: string; line: string };

interface Job {
  view: JobView;
  child: ChildProcess;
  secret?: string;
  cancelled: boolean;
  /** The parts of split modules that ended so far. */
  parts: Map<string, ProgressStep[]>;
}

export interface StartOptions {
  input?: string;
  /** Given to the command when it asks (and forgotten then). */
  secret?: string;
  extra?: Record<string, unknown>;
  /** Runs when the command has ended, before the page is told (e.g. removes a cancelled check's folder). */
  onEnd?: (view: JobView) => void | Promise<void>;
}

export class Jobs extends EventEmitter<{ event: [JobEvent] }> {
  private readonly jobs = new Map<string, Job>();

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => j.view);
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id)?.view;
  }

  /** True while any command runs. */
  busy(): boolean {
    return [...this.jobs.values()].some((j) => j.view.state === "running" || j.view.state === "needs-secret");
  }

  /** Starts `vigil ARGS`. */
  start(kind: JobKind, args: string[], opts: StartOptions = {}): JobView {
    const id = randomBytes(8).toString("hex");
    const child = spawn(process.execPath, [GC_FLAG, VIGIL_BIN, ...args], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...MALLOC_ENV, ...process.env, [APP_CHANNEL_ENV]: "1" },
      windowsHide: true,
    });
    const view: JobView = { id, kind, state: "running", input: opts.input, started: new Date().toISOString(), steps: {}, lines: [], extra: { ...opts.extra } };
    const job: Job = { view, child, secret: opts.secret, cancelled: false, parts: new Map() };
    this.jobs.set(id, job);
    let stdout = "";
    let pending = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      pending += d;
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const l of parts) this.line(job, l);
    });
    child.on("message", (m: FromCommand) => {
      if (m?.type === "failed") {
        view.error = m.message;
        view.errorCode = m.code;
        return;
      }
      if (m?.type !== "secret") return;
      if (job.secret !== undefined) {
        this.answer(job, job.secret);
        return;
      }
      view.state = "needs-secret";
      view.asks = m.secret;
      this.emit("event", { type: "job", job: view });
    });
    child.on("error", (e) => {
      view.error = `cannot start ${process.execPath}: ${e.message}`;
    });
    child.on("close", async (code, signal) => {
      if (pending) this.line(job, pending);
      job.secret = undefined;
      view.exitCode = code;
      view.ended = new Date().toISOString();
      view.asks = undefined;
      view.current = undefined;
      try {
        view.output = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        view.output = stdout;
      }
      if (job.cancelled) view.state = "cancelled";
      else if (code !== null && FINISHED.has(code)) view.state = "done";
      else {
        view.state = "failed";
        view.error ??= view.lines.filter((l) => l.startsWith("vigil: error:")).map((l) => l.slice("vigil: error: ".length)).pop() ?? `the command ended with ${signal ?? `exit code ${code}`}`;
      }
      try {
        await opts.onEnd?.(view);
      } finally {
        this.emit("event", { type: "job", job: view });
      }
    });
    return view;
  }

  private line(job: Job, text: string): void {
    if (!text.trim()) return;
    if (text.startsWith("{")) {
      try {
        const p = JSON.parse(text) as { progress: string; transient?: boolean; step?: ProgressStep };
        const v = job.view;
        const key = p.step && stepKey(p.step);
        if (p.step && key) {
          v.steps[key] = foldStep(v.steps[key], p.step, job.parts);
          v.total = p.step.total;
        }
        if (p.transient) v.current = p.progress;
        else this.keep(job, p.progress);
        if (key) this.emit("event", { type: "step", id: v.id, step: v.steps[key], current: v.current });
        return;
      } catch {
        // Not a progress line after all: kept as text.
      }
    }
    this.keep(job, text);
  }

  private keep(job: Job, line: string): void {
    job.view.lines.push(line);
    if (job.view.lines.length > KEEP_LINES) job.view.lines.splice(0, job.view.lines.length - KEEP_LINES);
    this.emit("event", { type: "line", id: job.view.id, line });
  }

  private answer(job: Job, value: string | null): void {
    job.secret = undefined;
    if (job.child.connected) job.child.send({ type: "secret", value } satisfies ToCommand);
  }

  /** The secret the person typed for a command that asked for one. */
  giveSecret(id: string, value: string | null): boolean {
    const job = this.jobs.get(id);
    if (!job || job.view.state !== "needs-secret") return false;
    job.view.state = "running";
    job.view.asks = undefined;
    this.answer(job, value);
    this.emit("event", { type: "job", job: job.view });
    return true;
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.view.exitCode !== undefined) return false;
    job.cancelled = true;
    job.secret = undefined;
    if (job.child.connected) job.child.send({ type: "cancel" } satisfies ToCommand);
    else job.child.kill();
    const timer = setTimeout(() => job.child.kill("SIGKILL"), CANCEL_GRACE_MS);
    timer.unref();
    job.child.once("close", () => clearTimeout(timer));
    return true;
  }

  /** Cancels every running command and waits for them to end. */
  async stopAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.view.exitCode === undefined && j.child.exitCode === null);
    await Promise.all(
      running.map(
        (j) =>
          new Promise<void>((resolve) => {
            j.child.once("close", () => resolve());
            this.cancel(j.view.id);
          }),
      ),
    );
  }
}
