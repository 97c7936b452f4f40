import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashedRead, hashedInput, hashFile } from "../../../src/acquisitions/hash.ts";
import { openFolderView } from "../../../src/acquisitions/archive/folder-view.ts";
import { filesView } from "../../../src/acquisitions/android/common.ts";

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

/** 3 MB and a bit, different in every 4 KB. */
function bigFile(name: string): { path: string; data: Buffer; sha256: string } {
  const data = Buffer.alloc(3 * 1024 * 1024 + 777);
  for (let i = 0; i < data.length; i += 4096) data.fill((i >> 12) & 0xff, i, Math.min(data.length, i + 4096));
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data, sha256: createHash("sha256").update(data).digest("hex") };
}

test("HashedRead: the chunks are the file, and the same read hashes it; what a reader leaves is read for the hash", async () => {
  const { path, data, sha256 } = bigFile("read.bin");
  const whole = new HashedRead(path, "shown/read.bin");
  const parts: Buffer[] = [];
  for await (const c of whole) parts.push(Buffer.from(c));
  assert.ok(parts.length > 1);
  assert.ok(Buffer.concat(parts).equals(data));
  assert.deepEqual(await whole.hashed(), { path: "shown/read.bin", sha256, size: data.length });
  assert.deepEqual(await whole.hashed(), { path: "shown/read.bin", sha256, size: data.length });

  const stopped = new HashedRead(path, "p");
  for await (const c of stopped) {
    assert.ok(c.length > 0);
    break; // a reader that gives up after one chunk
  }
  await stopped.close();
  assert.equal((await stopped.hashed()).sha256, sha256);
  assert.equal((await new HashedRead(path, "p").hashed()).sha256, sha256); // never read at all

  const gone = await new HashedRead(join(dir, "no-such-file"), "x/gone.pcap").hashed();
  assert.equal(gone.sha256, "");
  assert.match(gone.error ?? "", /ENOENT/);
  await assert.rejects(async () => {
    for await (const c of new HashedRead(join(dir, "no-such-file"), "x")) void c;
  }, /ENOENT/);
});

test("folder and file views: a file read in place is listed with its hash once the view settles", async () => {
  const { data, sha256 } = bigFile("cap.pcap");
  const folder = openFolderView(dir, { kind: "network", platform: "network" });
  const entry = (await folder.entry("cap.pcap"))!;
  let n = 0;
  for await (const c of (await folder.readInPlace!(entry))!) n += c.length;
  assert.equal(n, data.length);
  await folder.settled();
  assert.deepEqual(folder.inputsRead().find((i) => i.path.endsWith("cap.pcap")), { path: join(dir, "cap.pcap"), sha256, size: data.length });
  await folder.close();

  const files = filesView([join(dir, "cap.pcap")], { kind: "network", platform: "network", root: dir });
  const reader = (await files.readInPlace!({ path: "cap.pcap" }))!;
  for await (const c of reader) {
    void c;
    break;
  }
  assert.deepEqual(files.inputsRead(), []); // not hashed yet
  await files.settled();
  assert.deepEqual(files.inputsRead(), [{ path: join(dir, "cap.pcap"), sha256, size: data.length }]);
  await files.close();
});
