// Results are written under a temporary name and renamed when complete; a full disk stops the
// check with one line naming the file, and leaves no result that looks valid.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { OutputFile, outputError, writeOutputFile } from "../../../src/core/output-file.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { hashTree, runVigil } from "../../helpers/evidence.ts";

const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const FULL_DISK = resolve(import.meta.dirname, "../../helpers/full-disk.mjs");
const tmp = mkdtempSync(join(tmpdir(), "vigil-output-file-"));
let backup: string;

before(async () => {
  backup = (await buildSyntheticBackup(join(tmp, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
});

test("an output file has its final name only once complete", () => {
  const path = join(tmp, "a.json");
  const f = new OutputFile(path);
  f.write("[1,");
  assert.deepEqual([existsSync(path), existsSync(`${path}.partial`)], [false, true]);
  f.write(Buffer.from("2]\n"));
  f.commit();
  assert.deepEqual([readFileSync(path, "utf8"), existsSync(`${path}.partial`)], ["[1,2]\n", false]);
  const g = new OutputFile(join(tmp, "b.json"));
  g.write("[");
  g.discard();
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith("b.json")), []);
});

test("a write to a full device fails naming the file, and leaves nothing under either name", { skip: !existsSync("/dev/full") && "needs /dev/full" }, () => {
  const path = join(tmp, "c.json");
  symlinkSync("/dev/full", `${path}.partial`);
  assert.throws(
    () => writeOutputFile(path, "[]\n"),
    (e: unknown) => e instanceof VigilError && e.oneLine() === `${path}: cannot write: no space left on device (ENOSPC)`,
  );
  assert.deepEqual([existsSync(path), existsSync(`${path}.partial`)], [false, false]);
});

test("outputError keeps the path an error names, and says what failed", () => {
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y.partial'"), { code: "ENOENT", syscall: "open", path: "/x/y.partial" });
  assert.equal(outputError(enoent, "/x/y").oneLine(), "/x/y.partial: cannot open: no such file or directory (ENOENT)");
  const quota = Object.assign(new Error("EDQUOT: disk quota exceeded, write"), { code: "EDQUOT", syscall: "write" });
  assert.equal(outputError(quota, "/x/y").oneLine(), "/x/y: cannot write: disk quota exceeded (EDQUOT)");
});

/** A check whose writes to `file` fail as on a full disk after `after` bytes. */
function fullDiskCheck(file: string, out: string, after = 0) {
  return runVigil(["check-backup", backup, "--iocs", IOCS, "--output", out, "--quiet", "--jobs", "1"], { VIGIL_TEST_FULL_DISK: file, VIGIL_TEST_FULL_DISK_AFTER: String(after) }, ["--import", FULL_DISK]);
}

for (const [file, after] of [["sms.json", 300], ["timeline.csv", 1000], ["summary.json", 10], ["coverage.json", 0]] as const) {
  test(`a full disk while writing ${file}: exit 1, one line naming it, no results left`, async () => {
    const before = hashTree(backup);
    const out = join(tmp, `full-${file}`);
    const r = await fullDiskCheck(file, out, after);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `vigil: error: ${join(out, file)}: cannot write: no space left on device (ENOSPC)\n`);
    assert.equal(existsSync(out), false, existsSync(out) ? readdirSync(out).join(", ") : "");
    assert.deepEqual(hashTree(backup), before);
  });
}

test("a full disk while writing report.html: a warning naming it, the results stay", async () => {
  const out = join(tmp, "full-report");
  const r = await fullDiskCheck("report.html", out, 100);
  assert.equal(r.status, 10, r.stderr);
  assert.equal(r.stderr, `vigil: warning: report.html could not be written: ${join(out, "report.html")}: cannot write: no space left on device (ENOSPC)\n`);
  assert.deepEqual(readdirSync(out).filter((n) => /report|partial/.test(n)), []);
  assert.ok(existsSync(join(out, "summary.json")));
});

test("a full disk while writing exposure.json: exit 1, one line naming it, no results left", async () => {
  const out = join(tmp, "full-exposure");
  const r = await fullDiskCheck("exposure.json", out, 0);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `vigil: error: ${join(out, "exposure.json")}: cannot write: no space left on device (ENOSPC)\n`);
  assert.equal(existsSync(out), false);
});

test("a full temp disk while the network pass spills its records: exit 1, one line naming the spill file, no results left", async () => {
  const capture = resolve(import.meta.dirname, "../../fixtures/network/loopback-dns-http.pcapng");
  const out = join(tmp, "full-spill");
  const r = await runVigil(["check-network", capture, "--iocs", IOCS, "--output", out, "--quiet", "--no-report"], { VIGIL_TEST_FULL_DISK: "dns.ndjson" }, ["--import", FULL_DISK]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^vigil: error: \/\S+\/dns\.ndjson: cannot write: no space left on device \(ENOSPC\)\n$/);
  assert.equal(existsSync(out), false);
});
