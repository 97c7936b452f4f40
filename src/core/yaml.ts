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
