// docs/adding-a-module.md shows the accounts module as it is in src/ (so the code a reader copies
// compiles and runs: the module's own tests run it), in under 40 lines of code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(import.meta.dirname, "../../..");

test("the walkthrough's module is src/modules/ios/accounts.ts, verbatim, in under 40 lines of code", () => {
  const doc = readFileSync(join(ROOT, "docs/adding-a-module.md"), "utf8");
  const marker = "<!-- src/modules/ios/accounts.ts -->\n```ts\n";
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, "the doc names the file its code block shows");
  const code = doc.slice(at + marker.length, doc.indexOf("```\n", at + marker.length));
  assert.equal(code, readFileSync(join(ROOT, "src/modules/ios/accounts.ts"), "utf8"));
  const lines = code.split("\n").filter((l) => l.trim() && !l.trim().startsWith("//"));
  assert.ok(lines.length < 40, `${lines.length} lines of code`);
});
