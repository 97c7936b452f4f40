// Splitting one module's work across threads (src/parallel): the part a thread runs, and the
// keys it reads while other threads may take over their end. Used by the SQLite reader
// (formats/sqlite.ts), the modules that can be split, and the parallel runner.

/**
 * Part `index` (from 0) of `count`; or, in a parallel run, the keys `range` taken over from a
 * thread still running the module; or the whole module, run by a thread that lets idle threads
 * take over the end of its keys (`live`).
 */
export interface Shard {
  index: number;
  count: number;
  range?: [number, number];
  live?: LiveKeys;
}

/**
 * The keys a module reads, while other threads may take over their end (src/parallel/steal.ts).
 * The module announces its keys (begin), and for each page of rows asks how far it may read
 * (bound) and then keeps only the rows it may still have (accept).
 */
export interface LiveKeys {
  begin(lo: number, hi: number): void;
  /** The highest key this thread may read now. */
  bound(): number;
  /** Claims the keys up to `last` (or fewer): returns the bound, rows above it are not its own. */
  accept(last: number): number;
  /** No more keys are read (nothing can be taken over after this). */
  end(): void;
}

/**
 * The [from, to] key range of part `shard` of the keys lo..hi: contiguous ranges in key order,
 * so the parts' records, put end to end, are the whole table in its usual order.
 */
export function shardRange(lo: number, hi: number, shard: Shard | undefined): [number, number] {
  if (!shard || shard.count <= 1) return [lo, hi];
  const span = hi - lo + 1;
  const from = lo + Math.floor((span * shard.index) / shard.count);
  const to = shard.index === shard.count - 1 ? hi : lo + Math.floor((span * (shard.index + 1)) / shard.count) - 1;
  return [from, to];
}
