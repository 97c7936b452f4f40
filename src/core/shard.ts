// Splitting one module's work across threads (src/parallel): the part a thread runs. Used by the
// SQLite helper of modules (modules/lib/sqlite.ts), the modules that can be split, and the
// parallel runner.

/** Part `index` (from 0) of `count`. */
export interface Shard {
  index: number;
  count: number;
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
