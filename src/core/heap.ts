// A binary heap kept in an array, for merging sorted streams: the earliest item at 0.

type Before<T> = (a: T, b: T) => boolean;

/** Moves heap[i] down to its place. */
export function siftDown<T>(heap: T[], i: number, before: Before<T>): void {
  const len = heap.length;
  const item = heap[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= len) break;
    const c = l + 1 < len && before(heap[l + 1], heap[l]) ? l + 1 : l;
    if (!before(heap[c], item)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = item;
}

/** Orders the array as a heap, in place. */
export function heapify<T>(heap: T[], before: Before<T>): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, before);
}

/** Removes the top item (a stream that ran out): the last takes its place. */
export function dropTop<T>(heap: T[], before: Before<T>): void {
  const last = heap.pop()!;
  if (heap.length) {
    heap[0] = last;
    siftDown(heap, 0, before);
  }
}
