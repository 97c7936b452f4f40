// How execution `index` of a target gets its input: fast-check draws a plan (a seed and a few
// mutation steps) from a seed derived from the run's seed, the target's name and the index, so
// every input can be made again on its own (to save it, replay it, or restart after a crash)
// without the executions before it.
import fc from "fast-check";
import type { MutateContext, Mutator, Op } from "./types.ts";

export interface Plan {
  seed: number;
  ops: Op[];
}

const MAX_OPS = 8;

function planArbitrary(mutators: number): fc.Arbitrary<Plan> {
  const op = fc.tuple(fc.nat(mutators - 1), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<Op>;
  return fc.record({ seed: fc.nat(), ops: fc.array(op, { minLength: 1, maxLength: MAX_OPS }) });
}

/** FNV-1a of the target's name, so two targets of one run do not draw the same plans. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function execSeed(runSeed: number, target: string, index: number): number {
  let x = (Math.imul(runSeed ^ nameHash(target), 0x9e3779b1) + Math.imul(index, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  return (x ^ (x >>> 15)) & 0x7fffffff;
}

const ARBS = new Map<number, fc.Arbitrary<Plan>>();

export function planFor(runSeed: number, target: string, index: number, mutators: number): Plan {
  let arb = ARBS.get(mutators);
  if (!arb) ARBS.set(mutators, (arb = planArbitrary(mutators)));
  return fc.sample(arb, { seed: execSeed(runSeed, target, index), numRuns: 1 })[0];
}

/**
 * The context the mutators of one target share. Its seeds are copied into one memory block of
 * their own, so that `writable` can tell a seed (copied before a change) from a buffer an earlier
 * step of this execution made (changed in place): a plan of eight steps on a 2 MiB input copies it
 * once, not eight times.
 */
export function mutateContext(seeds: readonly Buffer[]): MutateContext {
  const block = new ArrayBuffer(seeds.reduce((n, s) => n + s.length, 0));
  let at = 0;
  const own = seeds.map((s) => {
    const b = Buffer.from(block, at, s.length);
    s.copy(b);
    at += s.length;
    return b;
  });
  return { seeds: own, writable: (input) => (input.buffer === block ? Buffer.from(input) : input) };
}

/** The seed the plan names, with its steps applied in order. */
export function applyPlan(plan: Plan, mutators: Mutator[], ctx: MutateContext): Buffer {
  let input = ctx.seeds[plan.seed % ctx.seeds.length];
  for (const [m, a, b, c] of plan.ops) input = mutators[m % mutators.length].apply(input, a, b, c, ctx);
  return input;
}

/** The plan in words, for a finding's report: "seed 3; flip-bit(12,5,0); truncate(80,...)". */
export function describePlan(plan: Plan, mutators: Mutator[]): string {
  return `seed ${plan.seed}; ${plan.ops.map(([m, a, b, c]) => `${mutators[m % mutators.length].name}(${a},${b},${c})`).join("; ")}`;
}
