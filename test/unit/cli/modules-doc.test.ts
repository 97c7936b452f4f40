import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { modulesMarkdown } from "../../../src/cli/modules-doc.ts";
import { allModules } from "../../../src/modules/registry.ts";

test("docs/modules.md is what the module declarations say (run `npm run docs` after changing a module)", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../../docs/modules.md"), "utf8");
  assert.equal(doc, modulesMarkdown(allModules));
});

test("every module has a unique name, a title, a description and something to read", () => {
  const names = new Set<string>();
  for (const m of allModules) {
    assert.ok(!names.has(`${m.platform}:${m.name}`), `duplicate module ${m.name}`);
    names.add(`${m.platform}:${m.name}`);
    assert.ok(m.title && m.description, m.name);
    const r = m.reads;
    assert.ok(r.whole?.length || Object.entries(r).some(([k, v]) => k !== "whole" && Array.isArray(v) && v.length), `${m.name} reads nothing`);
  }
});
