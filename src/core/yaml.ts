// YAML, read with the `yaml` package (YAML 1.2, core schema: no timestamps or custom types, so
// every value stays a string, number, boolean or null). Loaded on first use: few commands read
// YAML, and loading the parser costs every start about 50 ms.
import { createRequire } from "node:module";
import type YAMLType from "yaml";

let lib: typeof YAMLType | undefined;

/**
 * Parses one YAML document; throws the parser's error (its first line names the problem and its
 * place). `duplicateKeys`: a key given twice in a mapping keeps its last value instead of being
 * an error, as JSON.parse does (for files Vigil did not write, such as indicator sets).
 */
export function parseYaml(text: string, { duplicateKeys = false } = {}): unknown {
  lib ??= createRequire(import.meta.url)("yaml") as typeof YAMLType;
  const lineCounter = new lib.LineCounter();
  try {
    if (nestingBound(text) > MAX_YAML_DEPTH) refuseDeep(lib, text, lineCounter);
    return lib.parse(text, { schema: "core", merge: false, uniqueKeys: !duplicateKeys, logLevel: "error", prettyErrors: false, lineCounter });
  } catch (e) {
    // Only the error thrown is given its place. The package's own prettyErrors does it for every
    // error, copying the whole line each time: quadratic on a long damaged line (minutes for one
    // of a megabyte with an error every few characters).
    const pos = (e as { pos?: [number, number] }).pos;
    if (e instanceof lib.YAMLError && pos && pos[0] >= 0) {
      const { line, col } = lineCounter.linePos(pos[0]);
      e.message += ` at line ${line}, column ${col}`;
    }
    throw e;
  }
}

/**
 * Collections nested deeper than this are refused. The package builds values by recursion: a few
 * thousand levels (a 40 KB line of "- - - ...") overflow the stack, and when the overflow falls
 * inside V8's regular expression compiler the process aborts (a fatal "out of memory") instead
 * of throwing. No file Vigil reads nests more than a few levels.
 */
export const MAX_YAML_DEPTH = 200;

/**
 * An upper bound on the nesting of a YAML text, in one cheap pass: a block collection nested in
 * another starts further right, or at the same column as a map's value, so block nesting is at
 * most twice the longest run of spaces and "- ", "? ", ": " indicators that starts a line; flow
 * nesting is at most the number of "[" and "{".
 */
export function nestingBound(text: string): number {
  let openers = 0;
  let run = 0;
  let longest = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) openers++;
    if (c === 0x0a) {
      lineStart = true;
      run = 0;
      continue;
    }
    if (!lineStart) continue;
    const next = text.charCodeAt(i + 1);
    if (c === 0x20 || c === 0x09) run++;
    else if ((c === 0x2d || c === 0x3f || c === 0x3a) && (next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d || Number.isNaN(next))) run++;
    else {
      lineStart = false;
      if (run > longest) longest = run;
    }
  }
  if (run > longest) longest = run;
  return 2 * (longest + 1) + openers;
}

/** Throws, placed at the first collection nested deeper than MAX_YAML_DEPTH, when there is one (read from the package's syntax tree, without recursion). */
function refuseDeep(yaml: typeof YAMLType, text: string, lineCounter: YAMLType.LineCounter): void {
  const todo: unknown[] = [...new yaml.Parser(lineCounter.addNewLine).parse(text)];
  const depths: number[] = todo.map(() => 0);
  while (todo.length) {
    const node = todo.pop();
    let depth = depths.pop()!;
    if (node === null || typeof node !== "object") continue;
    const type = (node as { type?: unknown }).type;
    if (type === "block-map" || type === "block-seq" || type === "flow-collection") {
      depth++;
      if (depth > MAX_YAML_DEPTH) {
        const offset = (node as { offset?: number }).offset ?? 0;
        throw new yaml.YAMLParseError([offset, offset + 1], "IMPOSSIBLE", `collections nested more than ${MAX_YAML_DEPTH} levels deep`);
      }
    }
    for (const v of Array.isArray(node) ? node : Object.values(node)) {
      if (v === null || typeof v !== "object") continue;
      todo.push(v);
      depths.push(depth);
    }
  }
}
