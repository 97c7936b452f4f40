// Hostile archive members are never read, and the check says so: coverage "failed", exit 20.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { buildIosFsTar } from "../../helpers/ios-fs-builder.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");

test("check-fs on a tar with '..' and escaping symlink members: refused, reported as not checked", async () => {
  const dump = await buildIosFsTar(
    { "private/var/mobile/Library/Preferences/x.plist": "<plist/>" },
    { gzip: true, extra: [{ name: "../../etc/evil", data: "x" }, { name: "private/var/link", type: "symlink", linkname: "../../../../etc/passwd" }] },
  );
  const iocs = join(mkdtempSync(join(tmpdir(), "vigil-iocs-")), "processes.txt");
  await import("node:fs").then((fs) => fs.writeFileSync(iocs, "bh\n"));
  const out = join(mkdtempSync(join(tmpdir(), "vigil-unsafe-")), "out");
  const r = spawnSync(process.execPath, [BIN, "check-fs", dump, "--iocs", iocs, "--output", out, "--json"], { encoding: "utf8" });
  assert.equal(r.status, 20, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.incomplete, true);
  const cov = JSON.parse(readFileSync(join(out, "coverage.json"), "utf8")) as { module: string; status: string; reason?: string }[];
  const unsafe = cov.find((c) => c.module === "unsafe_archive_entries");
  assert.equal(unsafe?.status, "failed");
  assert.match(unsafe!.reason!, /2 unsafe entries refused/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
