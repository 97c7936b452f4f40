// An indicator file over the size limit is reported as too large, not as a format Vigil does not read.
import assert from "node:assert/strict";
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadIndicators, MAX_FILE_SIZE } from "../../../src/indicators/load.ts";

test("a STIX2 file over the limit is too large to load (an error, with its size and the limit)", () => {
  const file = join(mkdtempSync(join(tmpdir(), "vigil-big-stix-")), "huge.stix2");
  // A sparse file: its size without the disk space.
  const fd = openSync(file, "w");
  ftruncateSync(fd, MAX_FILE_SIZE + 2 ** 20);
  closeSync(fd);
  const r = loadIndicators([file]);
  assert.deepEqual(r.problems, [{ file, reason: `too large to load (${(MAX_FILE_SIZE >> 20) + 1} MiB; indicator files are read up to ${MAX_FILE_SIZE >> 20} MiB)`, level: "error" }]);
  assert.ok(MAX_FILE_SIZE >= 256 * 2 ** 20, "the limit was raised from 64 MiB");
});

test("a folder's entries that cannot be read, and links to folders, are listed as skipped, not left out in silence", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-iocs-links-"));
  writeFileSync(join(dir, "domains.txt"), "evil.example\n");
  symlinkSync(join(dir, "nowhere"), join(dir, "dangling.txt"));
  symlinkSync(".", join(dir, "loop"));
  const r = loadIndicators([dir]);
  assert.deepEqual(
    r.problems.filter((p) => p.level === "skipped").map((p) => [p.file, p.reason]),
    [
      [join(dir, "dangling.txt"), "cannot be read (ENOENT)"],
      [join(dir, "loop"), "symbolic link to a folder: not followed"],
    ],
  );
});

test("a snapshot.json whose licence is not text gives none, not \"[object Object]\"", () => {
  const root = mkdtempSync(join(tmpdir(), "vigil-iocs-snap-"));
  mkdirSync(join(root, "nso"));
  writeFileSync(join(root, "nso", "domains.txt"), "evil.example\n");
  writeFileSync(join(root, "snapshot.json"), JSON.stringify({ sources: [{ dir: "nso", repo: "x/y", license: { spdx: "MIT" } }, null, { dir: 7 }] }));
  const r = loadIndicators([root]);
  assert.equal(r.sets.length, 1);
  assert.equal(r.sets[0]!.license, undefined);
  writeFileSync(join(root, "snapshot.json"), JSON.stringify({ sources: [{ dir: "nso", license: "CC-BY-4.0" }] }));
  assert.equal(loadIndicators([root]).sets[0]!.license, "CC-BY-4.0");
});
