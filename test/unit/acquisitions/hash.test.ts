import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashedInput, hashFile } from "../../../src/acquisitions/hash.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-hash-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("hashFile and hashedInput hash a file of several megabytes, the last one partial", async () => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 777);
  for (let i = 0; i < data.length; i += 4096) data.fill((i >> 12) & 0xff, i, Math.min(data.length, i + 4096));
  const f = join(dir, "f.bin");
  writeFileSync(f, data);
  const want = createHash("sha256").update(data).digest("hex");
  assert.deepEqual(await hashFile(f), { sha256: want, size: data.length });
  assert.deepEqual(await hashedInput(f, "shown/f.bin"), { path: "shown/f.bin", sha256: want, size: data.length });
  const empty = join(dir, "empty");
  writeFileSync(empty, "");
  assert.equal((await hashFile(empty)).sha256, createHash("sha256").digest("hex"));
});

test("hashedInput never rejects: a file gone or unreadable gives its path, no hash and the reason", async () => {
  const gone = await hashedInput(join(dir, "no-such-file"), "x/gone.db");
  assert.equal(gone.path, "x/gone.db");
  assert.equal(gone.sha256, "");
  assert.match(gone.error ?? "", /^read, but could not be hashed afterwards: .*ENOENT/);
  const folder = await hashedInput(dir, "x/folder");
  assert.match(folder.error ?? "", /EISDIR/);
  await assert.rejects(hashFile(join(dir, "no-such-file")), /ENOENT/);
});
