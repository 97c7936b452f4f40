// The walk of a dump folder lists every entry: names that are not UTF-8 (bytes escaped as \xNN)
// and FIFOs, sockets and devices too, and the filesystem module counts what it did not read.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { shownName, walkFolder } from "../../../../src/acquisitions/archive/folder-view.ts";
import { openIosFs } from "../../../../src/acquisitions/ios-fs.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import filesystem from "../../../../src/modules/ios/filesystem.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { buildIosFsFolder } from "../../../helpers/ios-fs-builder.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";
import { FAR_FUTURE, farFutureFolder } from "../../../helpers/far-future.ts";

test("a name that is not UTF-8 is shown with its bytes escaped", () => {
  assert.deepEqual(shownName(Buffer.from("café.db")), { name: "café.db", escaped: false });
  assert.deepEqual(shownName(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x5c, 0x2e, 0x64, 0x62])), { name: "caf\\xe9\\\\.db", escaped: true });
});

test("non-UTF-8 names, a FIFO and a socket are listed, counted, and never read", async () => {
  const root = buildIosFsFolder({ "private/var/mobile/Library/ok.txt": "fine" });
  const lib = join(root, "private/var/mobile/Library");
  writeFileSync(Buffer.from(`${lib}/caf\xe9.db`, "latin1"), "bytes");
  mkdirSync(Buffer.from(`${lib}/d\xefr`, "latin1"));
  writeFileSync(Buffer.from(`${lib}/d\xefr/inner.txt`, "latin1"), "inside");
  execFileSync("mkfifo", [join(lib, "pipe")]);
  const server = createServer();
  await new Promise<void>((r) => server.listen(join(lib, "sock"), r));
  try {
    const seen = new Map<string, unknown>();
    for await (const e of walkFolder(root, "", root)) seen.set(e.path, [e.type ?? "file", e.meta?.special ?? e.meta?.nameNotUtf8 ?? null]);
    assert.deepEqual(seen.get("private/var/mobile/Library/caf\\xe9.db"), ["file", true]);
    assert.deepEqual(seen.get("private/var/mobile/Library/d\\xefr"), ["directory", true]);
    assert.deepEqual(seen.get("private/var/mobile/Library/d\\xefr/inner.txt"), ["file", true]);
    assert.deepEqual(seen.get("private/var/mobile/Library/pipe"), ["special", "fifo"]);
    assert.deepEqual(seen.get("private/var/mobile/Library/sock"), ["special", "socket"]);
    assert.deepEqual(seen.get("private/var/mobile/Library/ok.txt"), ["file", null]);

    const view = await openIosFs(root);
    const r = await collectModule(filesystem, view, matcherFromValues({}, "none"));
    await view.close();
    assert.equal(r.coverage.status, "checked");
    assert.deepEqual(r.warnings, [
      '2 FIFO(s), socket(s) or device(s) listed (type "special"), not read',
      "2 file(s) whose name is not UTF-8 listed with the bytes escaped (\\xNN, name_not_utf8), not read",
    ]);
    const rec = (r.records as { path: string; special?: string; name_not_utf8?: boolean }[]).find((x) => x.path.endsWith("pipe"));
    assert.equal(rec?.special, "fifo");
  } finally {
    server.close();
  }
});

const far = farFutureFolder();
test("a file whose modification time is past what a Date holds: listed without that time, not a RangeError", { skip: far === undefined && "no file system here keeps such a time" }, async () => {
  const root = join(far!, "dump");
  try {
    mkdirSync(join(root, "private/var/mobile"), { recursive: true });
    writeFileSync(join(root, "private/var/mobile/x"), "x");
    utimesSync(join(root, "private/var/mobile/x"), FAR_FUTURE, FAR_FUTURE);
    const view = await openIosFs(root);
    try {
      const listed = [];
      for await (const e of view.entries()) if (e.path === "private/var/mobile/x") listed.push(e);
      assert.equal(listed.length, 1);
      assert.equal(listed[0].modified, undefined);
      assert.ok(listed[0].changed, "the other times are kept");
      const e = await view.entry!("private/var/mobile/x");
      assert.equal(e?.modified, undefined);
      assert.equal((await view.readFile(e!)).toString(), "x");
    } finally {
      await view.close();
    }
  } finally {
    rmSync(far!, { recursive: true, force: true });
  }
});

test("a folder 1,500 levels deep holding 10,000 files: each entry is listed without going up through a generator per level", async () => {
  const root = buildIosFsFolder({ "private/var/mobile/a": "a" });
  let dir = join(root, "private/var/mobile");
  for (let i = 0; i < 1500; i++) mkdirSync((dir = join(dir, "d")));
  for (let i = 0; i < 10_000; i++) writeFileSync(join(dir, `f${i}`), "");
  // Each entry went up through one generator per folder level: 32 s of CPU, about 1 s now, most
  // of it the system resolving the long paths.
  const n = await withinCpu(10, "the walk", async () => {
    let count = 0;
    for await (const _ of walkFolder(root, "", root)) count++;
    return count;
  });
  assert.ok(n > 11_500, String(n));
});
