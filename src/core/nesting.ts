// How deep a parsed JSON value nests. JSON.parse reads any depth, but what walks a value
// afterwards by recursion (JSON.stringify, a record's checks) overflows the stack on a few
// thousand levels: readers refuse such values first.

/** Whether `value` nests arrays and objects more than `max` levels deep (walked without recursion). */
export function deeperThan(value: unknown, max: number): boolean {
  const todo: unknown[] = [value];
  const depths: number[] = [0];
  while (todo.length) {
    const v = todo.pop();
    const d = depths.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      if (x === null || typeof x !== "object") continue;
      todo.push(x);
      depths.push(d + 1);
    }
  }
  return false;
}
