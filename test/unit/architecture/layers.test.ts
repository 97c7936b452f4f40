// The rooms of src/ and the order they stack in: a room imports only rooms below it (house rules,
// docs/DESIGN layering). Every import in src/ is read with TypeScript's own scanner (static
// `import ... from`, `export ... from`, and `import("...")` with a literal), and each one that
// points up or sideways, or into a folder the table does not place, is listed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import ts from "typescript";

/** Bottom up. Rooms on one line sit side by side and do not import each other. */
const LAYERS: string[][] = [
  ["core"],
  ["formats", "indicators"],
  ["acquisitions", "rules", "case-archive"],
  ["modules"],
  ["report"],
  ["pipeline", "demo", "cases"],
  ["app"],
  ["cli"],
];
/** Folders that are part of another folder's room. */
const ROOM_OF_FOLDER: Record<string, string> = { parallel: "pipeline" };

const SRC = resolve(import.meta.dirname, "../../../src");
const SOURCE = /\.(ts|mts|js|mjs)$/;

function levelOf(room: string): number | undefined {
  const i = LAYERS.findIndex((line) => line.includes(room));
  return i < 0 ? undefined : i;
}

/** The room of a path under `src` (its first folder; a file directly in src/ is a room of its own name). */
function roomOf(src: string, file: string): string {
  const first = relative(src, file).split(sep)[0];
  return ROOM_OF_FOLDER[first] ?? first;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && SOURCE.test(d.name) && !d.name.endsWith(".d.ts"))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Every module specifier a file imports or re-exports, static or dynamic with a literal. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** One line per file placed outside the table, and per import that does not point down. */
export function layerViolations(src: string): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = roomOf(src, file);
    const name = relative(src, file);
    const fromLevel = levelOf(from);
    if (fromLevel === undefined) {
      out.push(`${name}: room "${from}" is not in the layer table`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue; // packages and node: built-ins
      const target = resolve(dirname(file), spec);
      if (target !== src && !target.startsWith(src + sep)) {
        out.push(`${name} imports ${spec}: outside src/`);
        continue;
      }
      const to = roomOf(src, target);
      if (to === from) continue;
      const toLevel = levelOf(to);
      if (toLevel === undefined) out.push(`${name} imports ${spec}: room "${to}" is not in the layer table`);
      else if (toLevel >= fromLevel) out.push(`${name} imports ${spec}: ${from} may not import ${to} (${toLevel === fromLevel ? "side by side" : "a higher room"})`);
    }
  }
  return out;
}

test("every import in src/ points down the layer table", () => {
  const violations = layerViolations(SRC);
  assert.deepEqual(violations, [], `imports that break the layering:\n${violations.join("\n")}`);
});

test("the layer check finds upward, sideways, dynamic and re-exported imports and unplaced rooms", () => {
  const src = mkdtempSync(join(tmpdir(), "vigil-layers-"));
  try {
    const write = (p: string, text: string) => {
      mkdirSync(dirname(join(src, p)), { recursive: true });
      writeFileSync(join(src, p), text);
    };
    write("core/model.ts", 'import type { X } from "../modules/contract.ts";\nexport const a = 1;\n');
    write("core/ok.ts", 'import { a } from "./model.ts";\nimport { readFileSync } from "node:fs";\nexport const b = a;\n');
    write("formats/x.ts", 'export { c } from "../indicators/y.ts";\n');
    write("acquisitions/open.ts", 'const m = await import("../cli/password.ts");\nimport "../core/ok.ts";\n');
    write("parallel/worker.ts", 'import { run } from "../pipeline/run.ts";\nimport { m } from "../modules/registry.ts";\n');
    write("pipeline/run.ts", 'import { w } from "../parallel/worker.ts";\nimport { t } from "../../test/helper.ts";\n');
    write("rooms/new.ts", 'import { a } from "../core/model.ts";\n');
    write("report/r.ts", 'import { z } from "../later/z.ts";\n');
    assert.deepEqual(layerViolations(src), [
      'acquisitions/open.ts imports ../cli/password.ts: acquisitions may not import cli (a higher room)',
      'core/model.ts imports ../modules/contract.ts: core may not import modules (a higher room)',
      'formats/x.ts imports ../indicators/y.ts: formats may not import indicators (side by side)',
      'pipeline/run.ts imports ../../test/helper.ts: outside src/',
      'report/r.ts imports ../later/z.ts: room "later" is not in the layer table',
      'rooms/new.ts: room "rooms" is not in the layer table',
    ]);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
});
