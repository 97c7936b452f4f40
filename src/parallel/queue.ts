// The run's module queue, shared by the main thread and the workers (see protocol.ts).
import type { WorkerSetup, WorkItem } from "./protocol.ts";

const counters = new WeakMap<SharedArrayBuffer, Int32Array>();

/** The next item nobody has taken yet, or undefined when the queue is empty. */
export function takeNext(q: Pick<WorkerSetup, "queue" | "next">): WorkItem | undefined {
  let c = counters.get(q.next);
  if (!c) counters.set(q.next, (c = new Int32Array(q.next)));
  const i = Atomics.add(c, 0, 1);
  return i < q.queue.length ? q.queue[i] : undefined;
}
