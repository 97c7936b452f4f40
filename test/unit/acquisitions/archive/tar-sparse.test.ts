// Sparse files in PAX tars (GNU tar --sparse --format=posix, formats 0.0, 0.1 and 1.0) are
// restored exactly under their real names; a sparse member Vigil cannot restore (GNU's old "S"
// type) is listed and fails when read, and is counted as not checked: never absent, never
// read as if its stored bytes were the file.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { openTarView } from "../../../../src/acquisitions/archive/tar-view.ts";
import { SparseRestore } from "../../../../src/acquisitions/archive/tar-sparse.ts";
import { DEMO_PLANTED } from "../../../../src/demo/demo-backup.ts";
import { writeSmsDb } from "../../../../src/demo/synthetic.ts";
import { dumpFiles, writeTree } from "../../../helpers/ios-fs-builder.ts";
import { buildTar, testDir, writeTemp } from "../../../helpers/archive-builder.ts";
import { extractTar } from "../../../../src/acquisitions/archive/tar.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";
import type { VigilError } from "../../../../src/core/errors.ts";
import { runVigil } from "../../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../../data/iocs/amnesty/2021-07-18_nso");
const SMS = "private/var/mobile/Library/SMS/sms.db";
const gnuTar = spawnSync("tar", ["--sparse-version=1.0", "--version"], { encoding: "utf8" });
const skip = gnuTar.status !== 0 || !/GNU tar/.test(gnuTar.stdout) ? "needs GNU tar with --sparse-version" : false;

/** A dump folder whose sms.db holds a planted indicator link and holes (sparse on disk). */
function sparseDump(): { dir: string; sms: Buffer } {
  const dir = writeTree(testDir("vigil-sparse-dump"), dumpFiles({}));
  mkdirSync(join(dir, "private/var/mobile/Library/SMS"), { recursive: true });
  const path = join(dir, SMS);
  writeSmsDb(path, { messages: 30, linkShare: 0.3, start: Date.UTC(2021, 0, 1), end: Date.UTC(2021, 11, 1), planted: DEMO_PLANTED.smsLinks });
  // A hole after the database's pages, and GNU tar stores the file as sparse.
  const size = readFileSync(path).length;
  truncateSync(path, size + 3 * 1024 * 1024);
  return { dir, sms: readFileSync(path) };
}

function tarOf(dir: string, args: string[]): string {
  const out = join(testDir("vigil-sparse-tar"), "dump.tar");
  execFileSync("tar", ["-cf", out, ...args, "-C", dir, "System", "private"]);
  return out;
}

const VARIANTS: [string, string[]][] = [
  ["PAX 0.0", ["--sparse", "--format=posix", "--sparse-version=0.0"]],
  ["PAX 0.1", ["--sparse", "--format=posix", "--sparse-version=0.1"]],
  ["PAX 1.0", ["--sparse", "--format=posix", "--sparse-version=1.0"]],
];

for (const [name, args] of VARIANTS) {
  test(`${name} sparse member: listed under its real name and restored byte for byte`, { skip }, async () => {
    const { dir, sms } = sparseDump();
    const tar = tarOf(dir, args);
    assert.ok(readFileSync(tar).includes("GNU.sparse."), "GNU tar stored sms.db as a sparse member");
    const view = await openTarView(tar, { kind: "ios_fs", platform: "ios", specKey: "fs", root: "dump.tar" });
    try {
      const e = await view.entry(SMS);
      assert.ok(e, "sms.db is listed under its own name");
      assert.equal(e.size, sms.length);
      assert.ok((await view.readFile(e)).equals(sms));
      const names: string[] = [];
      for await (const x of view.entries()) names.push(x.path);
      assert.ok(!names.some((n) => n.includes("GNUSparseFile")), names.join(", "));
    } finally {
      await view.close();
    }
  });
}

test("check-fs on a PAX 1.0 sparse dump finds the indicator link in sms.db (exit 10)", { skip }, async () => {
  const { dir } = sparseDump();
  const r = await runVigil(["check-fs", tarOf(dir, VARIANTS[2][1]), "--iocs", IOCS, "--output", join(testDir("vigil-sparse-out"), "r"), "--json", "--no-report", "--module", "sms"]);
  assert.equal(r.status, 10, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { verdict: string }).verdict, "traces_found");
});

test("an old GNU sparse member is listed, fails when read, and makes the check incomplete", { skip }, async () => {
  const { dir } = sparseDump();
  const path = tarOf(dir, ["--sparse", "--format=gnu"]);
  const view = await openTarView(path, { kind: "ios_fs", platform: "ios", specKey: "fs", root: "dump.tar", onUnsafe: "skip" });
  try {
    const e = await view.entry(SMS);
    assert.ok(e, "listed, so the module reading it fails instead of finding it absent");
    await assert.rejects(view.readFile(e), /sms\.db" cannot be read: member of a type Vigil cannot restore exactly/);
  } finally {
    await view.close();
  }
  const r = await runVigil(["check-fs", path, "--iocs", IOCS, "--output", join(testDir("vigil-sparse-out"), "g"), "--json", "--no-report", "--module", "sms"]);
  assert.equal(r.status, 20, r.stderr);
  const s = JSON.parse(r.stdout) as { notChecked: { module: string; reason: string }[] };
  assert.match(s.notChecked.find((n) => n.module === "sms")!.reason, /cannot restore exactly/);
});

test("SparseRestore puts segments at their offsets and zeros in the holes; data that does not match its map fails", async () => {
  const restore = async (layout: ConstructorParameters<typeof SparseRestore>[0], chunks: Buffer[]) => {
    const parts: Buffer[] = [];
    for await (const c of Readable.from(chunks).pipe(new SparseRestore(layout))) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };
  const got = await restore({ format: "0.x", realSize: 12, map: [[2, 3], [8, 2], [12, 0]] }, [Buffer.from("ab"), Buffer.from("cde")]);
  assert.deepEqual([...got], [0, 0, 97, 98, 99, 0, 0, 0, 100, 101, 0, 0]);
  const head = Buffer.alloc(512);
  head.write("2\n1\n2\n6\n1\n");
  assert.deepEqual([...(await restore({ format: "1.0", realSize: 8 }, [head.subarray(0, 5), Buffer.concat([head.subarray(5), Buffer.from("xyz")])]))], [0, 120, 121, 0, 0, 0, 122, 0]);
  await assert.rejects(restore({ format: "0.x", realSize: 12, map: [[2, 3]] }, [Buffer.from("ab")]), /ends 1 bytes short of its map/);
  await assert.rejects(restore({ format: "0.x", realSize: 12, map: [[2, 3]] }, [Buffer.from("abcd")]), /more data than its map lists/);
});

test("sparse holes are held to the ratio limit against the archive's bytes: a few KB of headers cannot write gigabytes of zeros", async () => {
  // PAX 1.0 members with an empty map: every byte of the file is a hole.
  const map = Buffer.alloc(512);
  map.write("0\n");
  const hole = (name: string, size: number) => ({ name: `GNUSparseFile.0/${name}`, data: map, pax: { "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.realsize": String(size), "GNU.sparse.name": name } });
  const dir = testDir("vigil-sparse-bomb");
  const small = writeTemp(dir, "small.tar", await buildTar([hole("a.db", 3 * 1024 * 1024)]));
  const { files } = await extractTar(small, () => true, join(dir, "small"));
  assert.equal(readFileSync(files.get("a.db")!).length, 3 * 1024 * 1024, "a hole below the ratio floor is restored");
  // 40 MiB each: the first is below the 64 MiB floor, the two together are not (before, each
  // member could restore up to the 64 GiB per-entry limit).
  const bomb = writeTemp(dir, "bomb.tar", await buildTar([hole("a.db", 40 * 1024 * 1024), hole("b.db", 40 * 1024 * 1024)]));
  await withinCpu(5, "two sparse members of 40 MiB holes", () =>
    assert.rejects(extractTar(bomb, () => true, join(dir, "bomb")), (e: VigilError) => /bomb\.tar: entry "b\.db": sparse holes of 83886080 bytes for \d+ bytes of archive exceed the ratio limit 500:1 \(sparse bomb\?\)$/.test(e.oneLine())),
  );
});
