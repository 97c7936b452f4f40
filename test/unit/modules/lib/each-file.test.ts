// eachFile's rule for a module's files, on files that are not databases: a file that cannot be
// read is a warning while another can be; every file bad fails the module; `after` comes last.
import assert from "node:assert/strict";
import { test } from "node:test";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { VigilError } from "../../../../src/core/errors.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { defineModule } from "../../../../src/modules/contract.ts";
import { eachFile } from "../../../../src/modules/lib/each-file.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";

/** One record per line of each notes/*.txt; a line "bad" breaks the file there, an empty file does not open. */
const lines = defineModule<{ file: string; line: string }>({
  name: "lines_test",
  title: "Lines (test)",
  platform: "ios",
  description: "Test module.",
  reads: { fs: ["notes/*.txt"] },
  records: (ctx) =>
    eachFile(
      ctx,
      async (f) => {
        const text = (await ctx.view.readFile(f)).toString();
        if (!text) throw new VigilError("empty", { file: f.path });
        return (function* () {
          for (const line of text.split("\n")) {
            if (line === "bad") throw new Error("unreadable line");
            yield { file: f.path, line };
          }
        })();
      },
      () => [{ file: "", line: "after" }],
    ),
});

const run = (files: Record<string, string>) =>
  collectModule(lines, memoryView({ kind: "ios_fs", platform: "ios", files: Object.entries(files).map(([path, data]) => ({ path, data })) }), matcherFromValues({}, "none"));

test("eachFile: bad files among good ones are warnings naming them, the rows before a break are kept, `after` comes last", async () => {
  const r = await run({ "notes/a.txt": "", "notes/b.txt": "one\nbad\nthree", "notes/c.txt": "four" });
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual(r.records.map((x) => (x as { line: string }).line), ["one", "four", "after"]);
  assert.deepEqual(r.warnings, ["notes/a.txt: empty", "notes/b.txt: unreadable line"]);
});

test("eachFile: every file bad fails the module with each reason, and `after` does not run", async () => {
  const r = await run({ "notes/a.txt": "", "notes/b.txt": "bad" });
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.reason, "none of the 2 files could be read: notes/a.txt: empty; notes/b.txt: unreadable line");
  assert.equal(r.records.length, 0);
});
