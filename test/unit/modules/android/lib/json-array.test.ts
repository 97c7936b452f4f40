import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { VigilError } from "../../../../../src/core/errors.ts";
import { jsonArrayElements } from "../../../../../src/modules/android/lib/json-array.ts";

async function all(text: string, chunk = 3): Promise<unknown[]> {
  const parts: Buffer[] = [];
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  const out: unknown[] = [];
  for await (const x of jsonArrayElements(Readable.from(parts), "files.json", "a list of files")) out.push(x);
  return out;
}

test("json array stream: elements of every shape, split across chunks, strings with brackets and escapes", async () => {
  const doc = [{ path: "/a]b\"c,{", n: [1, { x: "é" }] }, 2, "s,]", null, true, [], {}];
  for (const chunk of [1, 2, 7, 1000]) assert.deepEqual(await all(" \n" + JSON.stringify(doc, null, 2) + "\n", chunk), doc);
  assert.deepEqual(await all("[]"), []);
});

test("json array stream: truncated, not a list, malformed element and trailing text are one-line errors", async () => {
  const cases: [string, string][] = [
    ['[{"path":"/a"},{"path":', "files.json: not valid JSON (expected a list of files; truncated)"],
    ['{"path":"/a"}', "files.json: not valid JSON (expected a list of files; the file does not start with a list)"],
    ['[{"path":"/a"},{path:1}]', "files.json: not valid JSON (expected a list of files; element 2 is malformed)"],
    ["[1] x", "files.json: not valid JSON (expected a list of files; text after the end of the list)"],
    ["", "files.json: not valid JSON (expected a list of files; the file is empty)"],
  ];
  for (const [text, msg] of cases) {
    await assert.rejects(all(text), (e: unknown) => e instanceof VigilError && e.oneLine() === msg, text);
  }
});
