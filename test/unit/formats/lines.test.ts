// readLines is linear in its input, whatever the length of a line, and keeps at most maxLine
// characters of one line (a 20 MB line in a dumpstate made the old splitter quadratic).
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { readLines, toLines, type ReadLinesOptions } from "../../../src/formats/lines.ts";

function chunked(text: string, size: number): Buffer[] {
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

async function lines(chunks: Buffer[], opts?: ReadLinesOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks), opts)) out.push(l);
  return out;
}

/** Characters String#indexOf looked at while `fn` ran. */
async function scanned(fn: () => Promise<unknown>): Promise<number> {
  const indexOf = String.prototype.indexOf;
  let n = 0;
  String.prototype.indexOf = function (this: string, search: string, from?: number) {
    const r = indexOf.call(this, search, from);
    n += (r < 0 ? this.length : r + search.length) - (from ?? 0);
    return r;
  };
  try {
    await fn();
  } finally {
    String.prototype.indexOf = indexOf;
  }
  return n;
}

test("a 20 MB line is searched once: work linear in the input", async () => {
  const text = `before\n${"x".repeat(20_000_000)}\nafter\n`;
  const chunks = chunked(text, 64 * 1024);
  let got: string[] = [];
  const work = await scanned(async () => (got = await lines(chunks, { maxLine: 32_000_000 })));
  assert.deepEqual(got.map((l) => l.length), [6, 20_000_000, 5]);
  assert.ok(work <= 2 * text.length, `${work} characters searched for ${text.length} of input`);
});

test("memory per line is bounded: a longer line is cut to maxLine and reported", async () => {
  const long: [number, number][] = [];
  const text = `a\r\n${"y".repeat(3_000_000)}\r\nb\r\n${"z".repeat(999)}`;
  const got = await lines(chunked(text, 4096), { maxLine: 1000, onLong: (line, length) => long.push([line, length]) });
  assert.deepEqual(got.map((l) => l.length), [1, 1000, 1, 999]);
  assert.equal(got[1], "y".repeat(1000));
  assert.deepEqual(long, [[2, 3_000_001]]);
});

test("the same lines as a whole-text split, for any chunking (CRLF, multi-byte characters, empty lines)", async () => {
  const text = "é\r\n\r\n€uro line\nlast line without newline ü".repeat(50);
  const want = toLines(text);
  for (const size of [1, 2, 3, 7, 64, 100_000]) assert.deepEqual(await lines(chunked(text, size)), want, `chunks of ${size}`);
  assert.deepEqual(await lines(chunked(text + "\n", 5)), toLines(text + "\n").slice(0, -1));
});
