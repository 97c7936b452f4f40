// The object graph of a binary plist, read from its offset table before the values are built.
// A binary plist refers to its objects by number, so one array can be listed many times: a few
// dozen small objects that each list the next one twice expand to billions of values, and
// bplist-parser, which builds every reference afresh, would run for hours. This counts the
// values a plist expands to without building them.

/** Values a plist may expand to beyond one per reference it holds (a writer may share a container now and then). */
const SHARED_SLACK = 1_000_000;

export type GraphProblem = { kind: "cycle" } | { kind: "expands"; references: number; limit: number };

/**
 * What is wrong with the object graph of a binary plist whose trailer was already found sound:
 * a container that contains itself, or more values than a plist that shares no container can
 * hold (4 per reference, plus a slack). Undefined when the graph is sound, or when a container
 * runs past the end of the file (bplist-parser then reports the damage itself).
 */
export function bplistGraphProblem(data: Buffer): GraphProblem | undefined {
  const t = data.length - 32;
  const offsetSize = data[t + 6];
  const refSize = data[t + 7];
  const count = Number(data.readBigUInt64BE(t + 8));
  const top = Number(data.readBigUInt64BE(t + 16));
  const table = Number(data.readBigUInt64BE(t + 24));
  const uint = (at: number, size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + data[at + i];
    return v;
  };

  // The references of every container (arrays; dictionaries: keys and values), read as
  // bplist-parser reads them: a reference past the object table is a null there, not an error.
  const refs: (number[] | undefined)[] = new Array(count);
  let references = 0;
  for (let i = 0; i < count; i++) {
    const at = uint(table + i * offsetSize, offsetSize);
    if (at >= data.length) continue;
    const marker = data[at];
    const type = marker >> 4;
    if (type !== 0xa && type !== 0xd) continue;
    let n = marker & 0xf;
    let p = at + 1;
    if (n === 0xf) {
      const size = 2 ** (data[p] & 0xf);
      if (size > 8) return undefined;
      n = uint(p + 1, size);
      p += 1 + size;
    }
    const k = type === 0xd ? 2 * n : n;
    if (p + k * refSize > data.length) return undefined;
    const list: number[] = [];
    for (let j = 0; j < k; j++) {
      const r = uint(p + j * refSize, refSize);
      if (r < count) list.push(r);
    }
    refs[i] = list;
    references += k;
  }

  // Values each object expands to, children first, without recursion (nesting may be deep).
  const limit = 4 * (references + 1) + SHARED_SLACK;
  const size = new Float64Array(count); // 0: not counted yet
  const onPath = new Uint8Array(count);
  const stack: number[] = [top];
  const next: number[] = [0];
  onPath[top] = 1;
  while (stack.length) {
    const o = stack[stack.length - 1];
    const list = refs[o];
    const j = next[next.length - 1];
    if (list && j < list.length) {
      next[next.length - 1] = j + 1;
      const c = list[j];
      if (onPath[c]) return { kind: "cycle" };
      if (size[c] === 0) {
        onPath[c] = 1;
        stack.push(c);
        next.push(0);
      }
      continue;
    }
    let s = 1;
    if (list) for (const c of list) s += size[c];
    if (s > limit) return { kind: "expands", references, limit };
    size[o] = s;
    onPath[o] = 0;
    stack.pop();
    next.pop();
  }
  return undefined;
}
