// A bound on the CPU time of a pass that must be linear: regression tests for input that a
// quadratic expression took minutes on use a bound a thousand times what the linear pass takes,
// so they fail on the old code and never on a slow machine.
import assert from "node:assert/strict";

/** Runs `fn` and fails when it took more than `seconds` of CPU; gives what `fn` returned. */
export async function withinCpu<T>(seconds: number, what: string, fn: () => T | Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  const s = (used.user + used.system) / 1e6;
  assert.ok(s < seconds, `${what} took ${s.toFixed(1)} s of CPU`);
  return out;
}
