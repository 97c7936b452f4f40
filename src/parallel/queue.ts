// The run's module queue, shared by the main thread and the workers (see protocol.ts).
import type { Shard } from "../core/shard.ts";
import type { WorkerSetup, WorkItem } from "./protocol.ts";
import { liveKeys, takeOver } from "./steal.ts";

const counters = new WeakMap<SharedArrayBuffer, Int32Array>();

/** The next item nobody has taken yet, or undefined when the queue is empty. */
export function takeNext(q: Pick<WorkerSetup, "queue" | "next">): WorkItem | undefined {
  let c = counters.get(q.next);
  if (!c) counters.set(q.next, (c = new Int32Array(q.next)));
  const i = Atomics.add(c, 0, 1);
  return i < q.queue.length ? q.queue[i] : undefined;
}

/**
 * Keys taken over from a thread are taken only when at least this many are left (half of them
 * are taken): a smaller part costs more to start than it saves.
 */
export const TAKE_OVER_MIN_KEYS = 16_384;

/**
 * The next item: from the queue, or when it is empty, the end of a module another thread is
 * still running (steal.ts); undefined when there is neither.
 */
export function takeWork(q: Pick<WorkerSetup, "queue" | "next" | "steal" | "takeOverMinKeys">): WorkItem | undefined {
  const item = takeNext(q);
  if (item) return item;
  const minKeys = q.takeOverMinKeys ?? TAKE_OVER_MIN_KEYS;
  for (const w of q.queue) {
    if (w.slot === undefined) continue;
    const t = takeOver(q.steal, w.slot, minKeys);
    if (t) return { module: w.module, shard: { index: t.part, count: 0, range: [t.from, t.to] } };
  }
  return undefined;
}

/**
 * An item's name in results: the module's, with "#part" for one part of a split module, and
 * "~from~part" for keys taken over from the thread running it (see takenParts).
 */
export function keyOf(w: WorkItem): string {
  if (w.shard?.range) return `${w.module}~${w.shard.range[0]}~${w.shard.index}`;
  return w.shard ? `${w.module}#${w.shard.index}` : w.module;
}

/** The parts of `module` taken over from its owner (keys of `done`), in key order, with their fragment index. */
export function takenParts(module: string, keys: Iterable<string>): { key: string; index: number }[] {
  const out: { key: string; index: number; from: number }[] = [];
  for (const key of keys) {
    if (!key.startsWith(`${module}~`)) continue;
    const [, from, index] = key.split("~");
    out.push({ key, from: Number(from), index: Number(index) });
  }
  return out.sort((a, b) => a.from - b.from).map(({ key, index }) => ({ key, index }));
}

/** What runModules needs to run an item that is one part of a split module, or a module whose keys can be taken over. */
export function shardOf(w: WorkItem, setup: Pick<WorkerSetup, "partDir" | "steal">): (Shard & { partDir: string }) | undefined {
  if (w.slot !== undefined) return { index: 0, count: 1, live: liveKeys(setup.steal, w.slot), partDir: setup.partDir };
  return w.shard && { ...w.shard, partDir: setup.partDir };
}
