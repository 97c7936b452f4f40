// A zip member whose deflate stream is corrupt fails the modules that read it (one line naming
// the entry) and the check goes on; no crash, no stack trace, no half-written results.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { VigilError } from "../../../../src/core/errors.ts";
import { ZipArchive } from "../../../../src/acquisitions/archive/zip.ts";
import { dumpFiles } from "../../../helpers/ios-fs-builder.ts";
import { buildZip, testDir } from "../../../helpers/archive-builder.ts";
import { runVigil } from "../../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../../data/iocs/amnesty/2021-07-18_nso");
const SMS = "private/var/mobile/Library/SMS/sms.db";

/** A dump zip whose first member, sms.db, has a deflate stream starting with an invalid block type. */
function corruptZip(): string {
  const files = dumpFiles({ [SMS]: Buffer.alloc(200_000, "SQLite format 3\0 and more bytes to compress "), "private/var/mobile/Library/Logs/note.txt": "fine" });
  const members = [SMS, ...Object.keys(files).filter((n) => n !== SMS)].map((name) => ({ name, data: files[name] }));
  const zip = buildZip(members);
  // The first member's data follows its 30-byte header, its name and the 9-byte "UT" field.
  zip.fill(0xff, 30 + SMS.length + 9, 30 + SMS.length + 9 + 8);
  const path = join(testDir("vigil-corrupt-zip"), "dump.zip");
  writeFileSync(path, zip);
  return path;
}

test("reading a member with a corrupt deflate stream rejects with one line naming it", async () => {
  const zip = await ZipArchive.open(corruptZip());
  try {
    await assert.rejects(zip.readFile(SMS), (e: unknown) => e instanceof VigilError && /: corrupt entry "private\/var\/mobile\/Library\/SMS\/sms\.db" \(invalid block type\)$/.test(e.oneLine()));
  } finally {
    zip.close();
  }
});

test("check-fs on such a zip: the modules reading it fail, the others run, exit 20", async () => {
  const path = corruptZip();
  const out = join(testDir("vigil-corrupt-zip-out"), "results");
  const r = await runVigil(["check-fs", path, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"]);
  assert.equal(r.status, 20, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  const coverage = JSON.parse(readFileSync(join(out, "coverage.json"), "utf8")) as { module: string; status: string; reason?: string }[];
  const sms = coverage.find((c) => c.module === "sms")!;
  assert.equal(sms.status, "failed");
  assert.match(sms.reason!, /corrupt entry "private\/var\/mobile\/Library\/SMS\/sms\.db" \(invalid block type\)/);
  assert.ok(coverage.some((c) => c.status === "absent"), "the other modules ran");
  assert.ok(existsSync(join(out, "summary.json")));
});

test("a symlink member whose stored target is corrupt is refused with the reason, and the archive still opens", async () => {
  const zip = buildZip([
    { name: "link", data: "target.txt", mode: 0o120777 },
    { name: "target.txt", data: "x".repeat(100) },
  ]);
  // The link's deflated target follows its 30-byte header, its name and the 9-byte "UT" field.
  zip.fill(0xff, 30 + "link".length + 9, 30 + "link".length + 9 + 4);
  const path = join(testDir("vigil-corrupt-link"), "link.zip");
  writeFileSync(path, zip);
  const a = await ZipArchive.open(path);
  try {
    assert.deepEqual([...a.list()].map((e) => e.path), ["target.txt"]);
    assert.equal(a.refused.length, 1);
    assert.match(a.refused[0].reason, /^symlink whose target cannot be read \(invalid block type \(Z_DATA_ERROR\)\)$/);
  } finally {
    a.close();
  }
});
