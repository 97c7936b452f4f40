// The tar pass on damaged headers. tar-stream hands out a directory whose header gives a data
// size as a body stream that never ends (its size is ignored, the next block read as a header):
// such a body must not be waited for. Found by npm run fuzz (target tar): the pass hung.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { walkTar } from "../../../../src/acquisitions/archive/tar.ts";
import { buildTar } from "../../../helpers/archive-builder.ts";

/** Sets a tar header's size field (octal, at 124) and its checksum, in place. */
function setSize(tar: Buffer, header: number, size: number): void {
  tar.write(size.toString(8).padStart(11, "0") + "\0", header + 124, 12, "latin1");
  tar.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[header + i];
  tar.write(sum.toString(8).padStart(6, "0") + "\0 ", header + 148, 8, "latin1");
}

test("a directory header with a data size: the pass goes on to the next members", async () => {
  const tar = await buildTar([
    { name: "private/", type: "directory" },
    { name: "private/var/a.txt", data: "first" },
    { name: "private/var/b.txt", data: "second" },
  ]);
  setSize(tar, 0, 0o37777777777);
  const seen: [string, string][] = [];
  const r = await walkTar(
    () => Readable.from([tar]),
    async (e, body) => {
      let text = "";
      for await (const c of body) text += (c as Buffer).toString();
      seen.push([e.path, text]);
    },
    { display: "dir-size.tar" },
  );
  assert.equal(r.completed, true);
  assert.deepEqual(seen, [
    ["private", ""],
    ["private/var/a.txt", "first"],
    ["private/var/b.txt", "second"],
  ]);
});
