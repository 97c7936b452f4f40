// The run's module queue, shared by the main thread and the workers (see protocol.ts).
import type { Shard } from "../core/shard.ts";
import type { WorkerSetup, WorkItem } from "./protocol.ts";

const counters = new WeakMap<SharedArrayBuffer, Int32Array>();

/** The next item nobody has taken yet, or undefined when the queue is empty. */
export function takeNext(q: Pick<WorkerSetup, "queue" | "next">): WorkItem | undefined {
  let c = counters.get(q.next);
  if (!c) counters.set(q.next, (c = new Int32Array(q.next)));
  const i = Atomics.add(c, 0, 1);
  return i < q.queue.length ? q.queue[i] : undefined;
}

/** An item's name in results: the module's, with "#part" for one part of a split module. */
export function keyOf(w: WorkItem): string {
  return w.shard ? `${w.module}#${w.shard.index}` : w.module;
}

/** What runModules needs to run an item that is one part of a split module. */
export function shardOf(w: WorkItem, setup: Pick<WorkerSetup, "partDir">): (Shard & { partDir: string }) | undefined {
  return w.shard && { ...w.shard, partDir: setup.partDir };
}
