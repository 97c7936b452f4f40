// How the benches time a check: the CLI runs under GNU time, which gives the wall time, the CPU
// time (user + system) and the peak RSS of the check process, measured from outside.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export interface CheckFigures {
  label: string;
  wallSeconds: number;
  /**
   * User + system CPU seconds: what the check costs when the machine is shared. On a virtual
   * machine whose speed swings from hour to hour, it also moves less than the wall time does.
   */
  cpuSeconds: number;
  peakRssMB: number;
  exitCode: number;
  detections?: number;
  /** With repeated runs: every run's wall time and the median. */
  runs?: number[];
  medianWallSeconds?: number;
  /** With repeated runs: every run's CPU time and the median. */
  cpuRuns?: number[];
  medianCpuSeconds?: number;
}

/** Runs the CLI under GNU time (with `env` added to this process's environment). */
export function timeCheck(label: string, args: string[], env: Record<string, string> = {}): CheckFigures {
  const r = spawnSync("/usr/bin/time", ["-f", "VIGIL_TIME %e %M %U %S", process.execPath, join(ROOT, "bin", "vigil.js"), ...args, "--quiet", "--json"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
  const m = /VIGIL_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`${label}: no timing (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  let detections: number | undefined;
  try {
    detections = Object.values((JSON.parse(r.stdout) as { detections: Record<string, number> }).detections).reduce((a, b) => a + b, 0);
  } catch {
    /* the figures still stand */
  }
  const cpuSeconds = Math.round((Number(m[3]) + Number(m[4])) * 100) / 100;
  return { label, wallSeconds: Number(m[1]), cpuSeconds, peakRssMB: Math.round(Number(m[2]) / 1024), exitCode: r.status ?? -1, detections };
}

/** Runs a check `n` times: the fastest run's figures, every wall and CPU time, their medians and the highest peak RSS. */
export function timeRepeated(n: number, label: string, run: (i: number) => CheckFigures): CheckFigures {
  const all = Array.from({ length: n }, (_, i) => run(i));
  const walls = all.map((f) => f.wallSeconds);
  const cpus = all.map((f) => f.cpuSeconds);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const best = all[walls.indexOf(Math.min(...walls))];
  return {
    ...best,
    label,
    runs: walls,
    medianWallSeconds: median(walls),
    cpuRuns: cpus,
    medianCpuSeconds: median(cpus),
    peakRssMB: Math.max(...all.map((f) => f.peakRssMB)),
  };
}
