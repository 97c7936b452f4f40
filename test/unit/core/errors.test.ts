import assert from "node:assert/strict";
import { test } from "node:test";
import { describeError, VigilError } from "../../../src/core/errors.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

test("a VigilError is one line even when its message quotes text with line breaks", () => {
  const e = new VigilError("corrupt SQLite database: malformed database schema (T) - unrecognized token: \"`  A BLOB,\n        B REAL,\r\n  C\"", { file: "x/ChatStorage.sqlite" });
  assert.equal(e.oneLine(), 'x/ChatStorage.sqlite: corrupt SQLite database: malformed database schema (T) - unrecognized token: "`  A BLOB, B REAL, C"');
  assert.ok(!describeError(e).includes("\n"));
});

test("a message with a long run of spaces and no line break is made one line in linear time", async () => {
  // /\s*[\r\n]+\s*/g tried every split of such a run (quadratic: minutes for a quoted megabyte).
  const quoted = `x${" ".repeat(300_000)}y`;
  const e = await withinCpu(5, "the message", () => new VigilError(`bad value ${quoted}\n  at line 2`));
  assert.equal(e.message, `bad value ${quoted} at line 2`);
});
