import { test } from "node:test";
import type { AcquisitionView } from "../../../../src/acquisitions/view.ts";
import { render } from "../../../../src/core/i18n/index.ts";
import { refusedCoverage } from "../../../../src/pipeline/coverage.ts";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { VigilError } from "../../../../src/core/errors.ts";
import type { ArchiveEntry } from "../../../../src/acquisitions/archive/entry.ts";
import { openFolderView } from "../../../../src/acquisitions/archive/folder-view.ts";
import { openArchiveView } from "../../../../src/acquisitions/archive/open.ts";
import { checkEntryPath, linkEscapes } from "../../../../src/acquisitions/archive/safety.ts";
import { extractTar, walkTar } from "../../../../src/acquisitions/archive/tar.ts";
import { openTarView } from "../../../../src/acquisitions/archive/tar-view.ts";
import { ZipArchive } from "../../../../src/acquisitions/archive/zip.ts";
import { privateTempDir } from "../../../../src/core/tempdir.ts";
import { buildTar, buildZip, testDir, writeTemp } from "../../../helpers/archive-builder.ts";

const dir = testDir("vigil-archive");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function rejectsWith(p: Promise<unknown>, code: string, ...parts: string[]): Promise<VigilError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof VigilError, `expected a VigilError, got ${String(err)}`);
  assert.equal(err.code, code, err.oneLine());
  for (const part of parts) assert.ok(err.oneLine().includes(part), `"${err.oneLine()}" lacks "${part}"`);
  assert.ok(!err.oneLine().includes("\n"));
  return err;
}

test("checkEntryPath refuses traversal, absolute, drive letters and NUL; normalises the rest", () => {
  assert.deepEqual(checkEntryPath("./a//b/./c"), { path: "a/b/c" });
  assert.deepEqual(checkEntryPath("dir/"), { path: "dir" });
  for (const bad of ["../x", "a/../../x", "a/..", "/etc/x", "C:/x", "c:x", "a\0b", "//server/share"]) {
    assert.ok("reason" in checkEntryPath(bad), bad);
  }
  assert.ok("reason" in checkEntryPath("a\\..\\..\\x", { backslashIsSeparator: true }));
  // A literal backslash is a legal character in a tar name on Unix.
  assert.deepEqual(checkEntryPath("a\\b"), { path: "a\\b" });
});

test("linkEscapes resolves links inside the archive root", () => {
  assert.equal(linkEscapes("a/b/link", "../c"), false);
  assert.equal(linkEscapes("a/link", "../../x"), true);
  assert.equal(linkEscapes("link", ".."), true);
  assert.equal(linkEscapes("var", "private/var"), false);
  // Absolute targets are read inside the archive, as a chroot would.
  assert.equal(linkEscapes("etc", "/private/etc"), false);
  assert.equal(linkEscapes("x", "/../../etc"), true);
  assert.equal(linkEscapes("x", "C:/Windows"), true);
});

test("zip: lists, reads with timestamps, streams, refuses nothing on a clean archive", async () => {
  const big = Buffer.alloc(300_000, "abc");
  const zipPath = writeTemp(
    dir,
    "clean.zip",
    buildZip([
      { name: "top/", data: "" },
      { name: "top/getprop.txt", data: "[ro.product.model]: [Pixel]\n", mtime: new Date(Date.UTC(2023, 6, 24, 0, 38, 0)) },
      { name: "top/stored.bin", data: big, method: 0 },
      { name: "top/link", mode: 0o120777, data: "getprop.txt", method: 0 },
    ]),
  );
  const z = await ZipArchive.open(zipPath);
  try {
    const names = [...z.list()].map((e) => `${e.path}:${e.type}`);
    assert.deepEqual(names, ["top:directory", "top/getprop.txt:file", "top/stored.bin:file", "top/link:symlink"]);
    assert.equal(z.get("top/getprop.txt")!.modified, "2023-07-24T00:38:00.000Z");
    assert.equal(z.get("top/link")!.linkTarget, "getprop.txt");
    assert.equal((await z.readFile("top/getprop.txt")).toString(), "[ro.product.model]: [Pixel]\n");
    assert.ok((await z.readFile("top/stored.bin")).equals(big));
    await assert.rejects(z.readFile("top/link"), /symlink, not a file/);
    assert.deepEqual(z.refused, []);
  } finally {
    z.close();
  }
});

test("zip view: prefix auto, find, sqlite-less reads, provenance hash of the archive, localPath", async () => {
  const data = buildZip([
    { name: "androidqf_x/getprop.txt", data: "a" },
    { name: "androidqf_x/sub/ps.txt", data: "b" },
  ]);
  const p = writeTemp(dir, "view.zip", data);
  const v = await openArchiveView(p, { kind: "androidqf", platform: "android", prefix: "auto" });
  try {
    const paths: string[] = [];
    for await (const e of v.entries()) paths.push(e.path);
    assert.deepEqual(paths, ["getprop.txt", "sub/ps.txt"]);
    const found = await v.find({ androidqf: ["getprop.txt", "nope.txt"] });
    assert.deepEqual(found.map((f) => f.path), ["getprop.txt"]);
    const globbed = await v.find({ androidqf: ["**/*.txt"] });
    assert.equal(globbed.length, 2);
    assert.equal((await v.readFile(found[0])).toString(), "a");
    const local = await v.localPath((await v.entry("sub/ps.txt"))!);
    assert.equal(readFileSync(local, "utf8"), "b");
    await v.settled();
    assert.deepEqual(v.inputsRead(), [{ path: p, sha256: sha(data), size: data.length }]);
  } finally {
    await v.close();
  }
  assert.ok(!existsSync(join(dir, "sub")), "nothing is written beside the evidence");
});

for (const [label, name] of [
  ["dot-dot", "../x"],
  ["nested dot-dot", "a/../../x"],
  ["absolute", "/etc/x"],
  ["drive letter", "C:\\Windows\\x"],
  ["backslash traversal", "a\\..\\..\\x"],
] as const) {
  test(`zip: refuses a hostile entry (${label}) with a one-line error naming archive and entry`, async () => {
    const p = writeTemp(dir, `hostile-${label.replace(/\W/g, "_")}.zip`, buildZip([{ name: "ok.txt", data: "x" }, { name, data: "evil" }]));
    await rejectsWith(ZipArchive.open(p), "archive_unsafe", p, "refused unsafe archive entry", JSON.stringify(name));
    // With "skip" the archive opens and the refusal is reported.
    const z = await ZipArchive.open(p, { onUnsafe: "skip" });
    assert.deepEqual([...z.list()].map((e) => e.path), ["ok.txt"]);
    assert.equal(z.refused.length, 1);
    assert.equal(z.refused[0].entry, name);
    z.close();
  });
}

test("zip: refuses a symlink escaping the root, keeps one inside", async () => {
  const p = writeTemp(dir, "symlink.zip", buildZip([{ name: "a/up", mode: 0o120777, data: "../../etc", method: 0 }]));
  await rejectsWith(ZipArchive.open(p), "archive_unsafe", "a/up", "escapes the archive");
});

test("zip: device files are skipped and reported, never listed", async () => {
  const p = writeTemp(dir, "dev.zip", buildZip([{ name: "dev/null", mode: 0o020666, data: "" }, { name: "f", data: "1" }]));
  const z = await ZipArchive.open(p);
  assert.deepEqual([...z.list()].map((e) => e.path), ["f"]);
  assert.match(z.refused[0].reason, /device/);
  z.close();
});

test("zip bomb: declared total over the limit is refused at open", async () => {
  const p = writeTemp(dir, "bomb-total.zip", buildZip([{ name: "a", data: Buffer.alloc(2_000_000) }, { name: "b", data: Buffer.alloc(2_000_000) }]));
  await rejectsWith(ZipArchive.open(p, { limits: { maxTotalSize: 3_000_000 } }), "archive_limit", p, '"b"', "total uncompressed size");
});

test("zip bomb: per-entry size and compression ratio are refused when read", async () => {
  const zeros = Buffer.alloc(5_000_000);
  const p = writeTemp(dir, "bomb-ratio.zip", buildZip([{ name: "zeros.bin", data: zeros }, { name: "ok", data: "fine" }]));
  await rejectsWith(ZipArchive.open(p, { limits: { maxEntrySize: 1_000_000 } }), "archive_limit", "zeros.bin", "per-entry limit");
  const z = await ZipArchive.open(p, { limits: { maxRatio: 100, ratioFloor: 1_000_000 } });
  await rejectsWith(z.readFile("zeros.bin"), "archive_limit", p, "zeros.bin", "compression ratio");
  assert.equal((await z.readFile("ok")).toString(), "fine");
  z.close();
});

test("zip bomb: an entry inflating past its declared size is stopped", async () => {
  const p = writeTemp(dir, "liar.zip", buildZip([{ name: "liar.bin", data: Buffer.alloc(1_000_000, 1), declaredSize: 1000 }]));
  const z = await ZipArchive.open(p);
  await assert.rejects(z.readFile("liar.bin"), (e: unknown) => e instanceof Error && /liar\.bin|too many bytes|declared/i.test(e.message));
  z.close();
});

test("zip bomb: overlapping entries are refused at open", async () => {
  const p = writeTemp(dir, "overlap.zip", buildZip([{ name: "kernel.bin", data: Buffer.alloc(100_000) }], { overlap: 5 }));
  await rejectsWith(ZipArchive.open(p), "archive_limit", "overlapping entries");
});

test("zip: a truncated or non-zip file gives a one-line error", async () => {
  const good = buildZip([{ name: "a", data: "x".repeat(1000) }]);
  const p = writeTemp(dir, "trunc.zip", good.subarray(0, good.length - 30));
  await rejectsWith(ZipArchive.open(p), "archive", p, "zip");
  const q = writeTemp(dir, "notzip.zip", Buffer.from("hello"));
  await rejectsWith(ZipArchive.open(q), "archive", q);
});

test("tar: walkTar streams entries with metadata and hashes the raw input", async () => {
  const data = await buildTar([
    { name: "root/", type: "directory" },
    { name: "root/a.txt", data: "alpha", mtime: new Date("2022-02-03T04:05:06Z") },
    { name: "root/var", type: "symlink", linkname: "private/var" },
    { name: "root/b.txt", data: "beta" },
  ]);
  for (const gzip of [false, true]) {
    const raw = gzip ? gzipSync(data) : data;
    const p = writeTemp(dir, gzip ? "t.tar.gz" : "t.tar", raw);
    const seen: string[] = [];
    const r = await walkTar(p, async (e, body) => {
      seen.push(`${e.path}:${e.type}`);
      if (e.path === "root/a.txt") {
        assert.equal(e.modified, "2022-02-03T04:05:06.000Z");
        let s = "";
        for await (const c of body) s += c;
        assert.equal(s, "alpha");
      }
      // root/b.txt body left unread: skipped by walkTar.
    });
    assert.deepEqual(seen, ["root:directory", "root/a.txt:file", "root/var:symlink", "root/b.txt:file"]);
    assert.deepEqual(r.input, { path: p, sha256: sha(raw), size: raw.length });
  }
});

test("tar: walkTar can stop early", async () => {
  const p = writeTemp(dir, "stop.tar", await buildTar([{ name: "a", data: "1" }, { name: "b", data: "2" }, { name: "c", data: "3" }]));
  const seen: string[] = [];
  const r = await walkTar(p, (e) => {
    seen.push(e.path);
    return e.path !== "b";
  });
  assert.deepEqual(seen, ["a", "b"]);
  assert.equal(r.completed, false);
});

for (const [label, member] of [
  ["dot-dot", { name: "../x", data: "evil" }],
  ["absolute", { name: "/etc/x", data: "evil" }],
  ["symlink escaping", { name: "up", type: "symlink", linkname: "../../" }],
  ["hard link escaping", { name: "hl", type: "link", linkname: "../../etc/passwd" }],
] as const) {
  test(`tar: refuses a hostile member (${label})`, async () => {
    const p = writeTemp(dir, `hostile-${label.replace(/\W/g, "_")}.tar`, await buildTar([{ name: "ok", data: "fine" }, member as never]));
    await rejectsWith(walkTar(p, () => {}), "archive_unsafe", p, JSON.stringify(member.name));
    const out = privateTempDir("hostile");
    const { files, walk } = await extractTar(p, () => true, out, { onUnsafe: "skip" });
    assert.deepEqual([...files.keys()], ["ok"]);
    assert.equal(walk.refused.length, 1);
    assert.ok(!existsSync(join(out, "..", "x")));
  });
}

test("tar: device files and fifos are skipped, never extracted", async () => {
  const p = writeTemp(dir, "dev.tar", await buildTar([{ name: "dev/zero", type: "character-device" }, { name: "pipe", type: "fifo" }, { name: "f", data: "1" }]));
  const out = privateTempDir("dev");
  const { files, walk } = await extractTar(p, () => true, out);
  assert.deepEqual([...files.keys()], ["f"]);
  assert.equal(walk.refused.length, 2);
});

test("refusals carry their reason as a catalog message: the coverage entry reads in French", async () => {
  const p = writeTemp(dir, "mixed.tar", await buildTar([{ name: "ok", data: "fine" }, { name: "../x", data: "evil" }, { name: "up", type: "symlink", linkname: "../../" }, { name: "pipe", type: "fifo" }]));
  const { walk } = await extractTar(p, () => true, privateTempDir("mixed"), { onUnsafe: "skip" });
  assert.deepEqual(walk.refused.map((r) => [r.entry, r.reason, r.why && render("fr", r.why)]), [
    ["../x", "'..' component (path escapes the archive)", "composant « .. » (le chemin sort de l'archive)"],
    ["up", 'symlink to "../../" escapes the archive', 'lien symbolique vers "../../", hors de l\'archive'],
    ["pipe", "fifo entries are never extracted", "les entrées de type fifo ne sont jamais extraites"],
  ]);
  const cov = refusedCoverage({ root: "dump.tar", refused: () => walk.refused } as unknown as AcquisitionView, "");
  assert.equal(cov?.reason, `dump.tar: 3 unsafe entries refused, e.g. "../x": '..' component (path escapes the archive)`);
  assert.equal(render("fr", cov!.reason_message!), `dump.tar : 3 entrées dangereuses refusées, par exemple "../x" : composant « .. » (le chemin sort de l'archive)`);
});

test("tar bomb: gzip ratio and total size limits stop the stream", async () => {
  const p = writeTemp(dir, "bomb.tar.gz", await buildTar([{ name: "zeros", data: Buffer.alloc(8_000_000) }], { gzip: true }));
  await rejectsWith(walkTar(p, () => {}, { limits: { maxRatio: 50, ratioFloor: 1_000_000 } }), "archive_limit", p, "ratio");
  await rejectsWith(walkTar(p, () => {}, { limits: { maxTotalSize: 2_000_000 } }), "archive_limit", "total limit");
  await rejectsWith(walkTar(p, () => {}, { limits: { maxEntrySize: 1_000_000 } }), "archive_limit", '"zeros"', "per-entry limit");
});

test("tar: truncated archive gives a one-line error", async () => {
  const data = await buildTar([{ name: "a", data: Buffer.alloc(5000, 1) }]);
  const p = writeTemp(dir, "trunc.tar", data.subarray(0, 2048));
  await rejectsWith(walkTar(p, () => {}), "archive", p, "truncated");
  const gz = gzipSync(data);
  const q = writeTemp(dir, "trunc.tar.gz", gz.subarray(0, gz.length - 20));
  await rejectsWith(walkTar(q, () => {}), "archive", q);
});

test("tar view: prefetch at open, later reads batched, hard links resolved, provenance", async () => {
  const data = await buildTar(
    [
      { name: "dump/private/var/a.db", data: "A" },
      { name: "dump/private/var/b.txt", data: "B" },
      { name: "dump/private/var/c.txt", data: "C" },
      { name: "dump/private/var/hard", type: "link", linkname: "dump/private/var/b.txt" },
      { name: "dump/etc", type: "symlink", linkname: "/private/etc" },
    ],
    { gzip: true },
  );
  const p = writeTemp(dir, "fs.tar.gz", data);
  const v = await openArchiveView(p, { kind: "ios_fs", platform: "ios", prefix: "auto", prefetch: (e) => e.path.endsWith(".db") });
  try {
    const all: ArchiveEntry[] = [];
    for await (const e of v.entries()) all.push({ path: e.path, type: (e.type ?? "file") as ArchiveEntry["type"], size: e.size ?? 0 });
    assert.deepEqual(all.map((e) => `${e.path}:${e.type}`), ["private/var/a.db:file", "private/var/b.txt:file", "private/var/c.txt:file", "private/var/hard:file", "etc:symlink"]);
    assert.equal((await v.readFile({ path: "private/var/a.db" })).toString(), "A");
    const [b, c, h] = await Promise.all([v.readFile({ path: "private/var/b.txt" }), v.readFile({ path: "private/var/c.txt" }), v.readFile({ path: "private/var/hard" })]);
    assert.deepEqual([b.toString(), c.toString(), h.toString()], ["B", "C", "B"]);
    await assert.rejects(v.readFile({ path: "etc" }), /symlink, not a file/);
    await assert.rejects(v.readFile({ path: "nope" }), /no entry/);
    assert.deepEqual(v.inputsRead(), [{ path: p, sha256: sha(data), size: data.length }]);
  } finally {
    await v.close();
  }
});

test("folder view: streamed walk, never follows a symlink out of the root, hashes what it reads", async () => {
  const root = join(dir, "folder");
  mkdirSync(join(root, "sub"), { recursive: true });
  writeFileSync(join(root, "getprop.txt"), "props");
  writeFileSync(join(root, "sub", "ps.txt"), "ps");
  const outside = join(dir, "outside.txt");
  writeFileSync(outside, "secret");
  symlinkSync(outside, join(root, "escape"));
  symlinkSync(dir, join(root, "dirlink"));
  const v = openFolderView(root, { kind: "androidqf", platform: "android" });
  const seen: string[] = [];
  for await (const e of v.entries()) seen.push(`${e.path}:${e.type ?? "file"}`);
  assert.deepEqual(seen.sort(), ["dirlink:symlink", "escape:symlink", "getprop.txt:file", "sub/ps.txt:file", "sub:directory"]);
  assert.equal((await v.readFile({ path: "getprop.txt" })).toString(), "props");
  await rejectsWith(v.readFile({ path: "escape" }), "archive_unsafe", "outside the acquisition folder");
  await rejectsWith(v.readFile({ path: "dirlink/outside.txt" }), "archive_unsafe");
  await rejectsWith(v.readFile({ path: "../outside.txt" }), "archive_unsafe");
  const s = await v.openStream({ path: "sub/ps.txt" });
  for await (const _ of s) void _;
  await v.settled();
  const inputs = v.inputsRead().map((i) => [i.path, i.sha256]);
  assert.deepEqual(inputs.sort(), [
    [join(root, "getprop.txt"), sha(Buffer.from("props"))],
    [join(root, "sub/ps.txt"), sha(Buffer.from("ps"))],
  ]);
  assert.deepEqual((await v.find({ androidqf: ["getprop.txt", "escape"] })).map((e) => e.path), ["getprop.txt"]);
});

test("zip: closing releases the file descriptor, also after streams were read or abandoned", async () => {
  const p = writeTemp(dir, "fd.zip", buildZip([{ name: "a", data: Buffer.alloc(8_000_000, 1), method: 0 }, { name: "b", data: "b" }]));
  const fds = () => readdirSync("/proc/self/fd").length;
  const before = fds();
  for (let i = 0; i < 20; i++) {
    const z = await ZipArchive.open(p);
    await z.readFile("b");
    const s = await z.openStream("a");
    await new Promise((r) => s.once("readable", r));
    s.destroy();
    z.close();
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(fds() <= before + 1, `${fds()} open descriptors, ${before} before`);
});

test("entries are extracted under names of their own: a file that is also a folder, or a name past the file system's limits, leaves the rest readable", async () => {
  const long = "x".repeat(300) + "/f.txt";
  const members = [
    { name: "a", data: "file a" },
    { name: "a/b", data: "under a" },
    { name: long, data: "long" },
    { name: "ok.txt", data: "ok" },
  ];
  const t = writeTemp(dir, "clash.tar", await buildTar(members));
  // Before, extracting "a/b" after "a" (or a 300-byte name) failed the whole pass: EEXIST or ENAMETOOLONG.
  for (const prefetch of [() => true, undefined]) {
    const v = await openArchiveView(t, { kind: "ios_fs", platform: "ios", prefetch });
    try {
      const got = await Promise.all(members.map(async (m) => (await v.readFile((await v.entry(m.name))!)).toString()));
      assert.deepEqual(got, members.map((m) => m.data));
    } finally {
      await v.close();
    }
  }
  const z = writeTemp(dir, "clash.zip", buildZip(members));
  const v = await openArchiveView(z, { kind: "androidqf", platform: "android" });
  try {
    // Before, the second localPath threw a raw EEXIST error.
    for (const order of [members, [...members].reverse()]) {
      for (const m of order) assert.equal(readFileSync(await v.localPath((await v.entry(m.name))!), "utf8"), m.data);
    }
  } finally {
    await v.close();
  }
});

test("tar: a name given to several members lists and reads the first, once, in both indexes, and reports the others", async () => {
  const p = writeTemp(
    dir,
    "dups.tar",
    await buildTar([
      { name: "d", type: "directory" },
      { name: "a.txt", data: "first" },
      { name: "c", data: "ccc" },
      { name: "a.txt", type: "link", linkname: "c" },
      { name: "a.txt", data: "second!!" },
      { name: "d", type: "directory" },
      { name: "e", type: "directory" },
      { name: "e", data: "a file hidden behind a folder" },
    ]),
  );
  for (const index of ["memory", "sqlite"] as const) {
    for (const prefetch of [() => true, undefined]) {
      const v = await openArchiveView(p, { kind: "ios_fs", platform: "ios", index, prefetch });
      try {
        const listed: string[] = [];
        for await (const e of v.entries()) listed.push(`${e.path}:${e.type ?? "file"}:${e.size}`);
        // Before, the memory index listed the last member's size and the SQLite one both members,
        // while reads gave the first member's bytes (or, after a hard link of that name, c's).
        assert.deepEqual(listed, ["d:directory:0", "a.txt:file:5", "c:file:3", "e:directory:0"], `${index}`);
        assert.equal((await v.readFile((await v.entry("a.txt"))!)).toString(), "first");
        assert.deepEqual((await v.find({ fs: ["*.txt"] })).map((e) => e.size), [5]);
        // A folder listed twice leaves nothing unread: not reported.
        assert.deepEqual(v.refused().map((r) => r.entry).sort(), ["a.txt", "e"]);
      } finally {
        await v.close();
      }
    }
  }
});

test("tar view: an archive of 250,000 empty members does not keep its list on the heap", async () => {
  // Each member is one 512-byte header: a tar.gz of 60 MB held 9 million, which the memory
  // index kept at some 450 bytes of heap each, past Node's heap limit (a crash, not an error).
  const template = Buffer.alloc(512);
  for (const [at, text] of [[100, "0000644\0"], [108, "0000000\0"], [116, "0000000\0"], [124, "00000000000\0"], [136, "14530000000\0"], [156, "0"], [257, "ustar\u000000"], [148, "        "]] as const) template.write(text, at);
  const templateSum = template.reduce((a, b) => a + b, 0);
  const header = (name: string) => {
    const h = Buffer.from(template);
    h.write(name, 0);
    let sum = templateSum;
    for (let i = 0; i < name.length; i++) sum += name.charCodeAt(i);
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    return h;
  };
  const n = 250_000;
  function* members() {
    for (let i = 0; i < n; i += 10_000) yield Buffer.concat(Array.from({ length: 10_000 }, (_, k) => header(`d/${(i + k).toString(36)}`)));
    yield Buffer.alloc(1024);
  }
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const v = await openTarView(() => Readable.from(members()), { kind: "ios_sysdiagnose", platform: "ios", display: "many.tar" });
  try {
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(v.entryCount, n);
    assert.ok(grown < 40 << 20, `the index kept ${(grown / 2 ** 20).toFixed(0)} MB of heap`);
    assert.equal((await v.entry("d/" + (n - 1).toString(36)))?.size, 0);
    assert.equal((await v.find({ sysdiagnose: ["d/a*"] })).length, 1 + 36 + 36 ** 2);
  } finally {
    await v.close();
  }
});

test("tar view: hard links that lead to each other are refused when read, without a pass over the archive", async () => {
  const p = writeTemp(dir, "hl-loop.tar", await buildTar([{ name: "a", type: "link", linkname: "b" }, { name: "b", type: "link", linkname: "a" }, { name: "s", type: "link", linkname: "s" }, { name: "ok", data: "fine" }]));
  const v = await openArchiveView(p, { kind: "ios_fs", platform: "ios" });
  try {
    // Before: 'entry "a" was not found on a second read (archive changed?)', after a pass over the archive.
    for (const name of ["a", "s"]) await rejectsWith(v.readFile((await v.entry(name))!), "archive", JSON.stringify(name), "hard link that leads to no file");
    assert.equal((await v.readFile((await v.entry("ok"))!)).toString(), "fine");
  } finally {
    await v.close();
  }
});
