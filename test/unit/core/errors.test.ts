import assert from "node:assert/strict";
import { test } from "node:test";
import { describeError, VigilError } from "../../../src/core/errors.ts";

test("a VigilError is one line even when its message quotes text with line breaks", () => {
  const e = new VigilError("corrupt SQLite database: malformed database schema (T) - unrecognized token: \"`  A BLOB,\n        B REAL,\r\n  C\"", { file: "x/ChatStorage.sqlite" });
  assert.equal(e.oneLine(), 'x/ChatStorage.sqlite: corrupt SQLite database: malformed database schema (T) - unrecognized token: "`  A BLOB, B REAL, C"');
  assert.ok(!describeError(e).includes("\n"));
});
