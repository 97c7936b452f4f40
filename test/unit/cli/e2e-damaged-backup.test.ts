// End to end through the `vigil` command on damaged copies of a synthetic iPhone backup: a
// truncated Manifest.db or a malformed Info.plist stops the check with one line naming the file
// (exit 1, no results); a truncated sms.db makes only the modules reading it "failed" while the
// others go on; the evidence is unchanged.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { hashTree, runVigil as vigil, type VigilRun as Run } from "../../helpers/evidence.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-e2e-damaged-"));
const SMALL = { sms: 20, smsLinkShare: 0.3, safariVisits: 20, processes: 10, whatsapp: 5, manifestFiles: 5 };


/** Where a plain backup stores a file: <first 2 hex>/<SHA-1 of "domain-relativePath">. */
function payload(backup: string, domain: string, relativePath: string): string {
  const id = createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
  return join(backup, id.slice(0, 2), id);
}

const runs: Record<string, Run> = {};
const dirs: Record<string, string> = {};
let truncSmsBefore: Map<string, string>;

before(async () => {
  const good = (await buildSyntheticBackup(join(tmp, "good"), SMALL, { planted: DEMO_PLANTED })).dir;
  const copy = (name: string) => {
    const d = join(tmp, name);
    cpSync(good, d, { recursive: true });
    return (dirs[name] = d);
  };
  const m = copy("trunc-manifest");
  truncateSync(join(m, "Manifest.db"), Math.floor(statSync(join(m, "Manifest.db")).size / 3));
  const s = copy("trunc-sms");
  const sms = payload(s, "HomeDomain", "Library/SMS/sms.db");
  assert.ok(existsSync(sms), "the synthetic backup stores sms.db where iOS does");
  truncateSync(sms, 4096); // the first page only: the schema is there, the rows are not
  const i = copy("bad-info");
  writeFileSync(join(i, "Info.plist"), '<?xml version="1.0"?><plist><dict><key>Product');
  const empty = join(tmp, "empty-file");
  writeFileSync(empty, "");
  const nb = join(tmp, "not-a-backup");
  mkdirSync(nb);
  writeFileSync(join(nb, "notes.txt"), "hello\n");
  truncSmsBefore = hashTree(s);

  const jobs: Record<string, string[]> = {
    truncManifest: ["check-backup", m, "--iocs", IOCS, "-o", join(tmp, "o-m")],
    truncSms: ["check-backup", s, "--iocs", IOCS, "-o", join(tmp, "o-s"), "--no-report"],
    badInfo: ["check-backup", i, "--iocs", IOCS, "-o", join(tmp, "o-i")],
    empty: ["check-backup", empty, "--iocs", IOCS, "-o", join(tmp, "o-e")],
    notBackup: ["check-backup", nb, "--iocs", IOCS, "-o", join(tmp, "o-nb")],
  };
  const done = await Promise.all(Object.entries(jobs).map(async ([k, a]) => [k, await vigil(a)] as const));
  for (const [k, r] of done) runs[k] = r;
});

/** stderr is exactly one "vigil: error:" line: no progress before it, no parser noise, no stack. */
function onlyError(r: Run): string {
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^vigil: error: /);
  return lines[0];
}

test("truncated Manifest.db: exit 1, one line naming it, no results", () => {
  assert.equal(runs.truncManifest.status, 1, runs.truncManifest.stderr);
  assert.match(onlyError(runs.truncManifest), /Manifest\.db: .*truncated/);
  assert.equal(existsSync(join(tmp, "o-m")), false);
});

test("malformed Info.plist: exit 1, one line naming it (no XML parser noise)", () => {
  assert.equal(runs.badInfo.status, 1, runs.badInfo.stderr);
  assert.match(onlyError(runs.badInfo), /Info\.plist: malformed plist/);
});

test("an empty file and a folder that is not a backup: exit 1, one line each", () => {
  assert.equal(runs.empty.status, 1, runs.empty.stderr);
  assert.match(onlyError(runs.empty), /empty-file: /);
  assert.equal(runs.notBackup.status, 1, runs.notBackup.stderr);
  assert.match(onlyError(runs.notBackup), /not-a-backup: not an iPhone backup/);
});

test("truncated sms.db: sms fails with the reason, the other modules go on, evidence unchanged", () => {
  const r = runs.truncSms;
  assert.equal(r.status, 10, r.stderr); // the planted DataUsage processes are still found
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const cov = JSON.parse(readFileSync(join(tmp, "o-s", "coverage.json"), "utf8")) as { module: string; status: string; reason?: string; records?: number }[];
  const sms = cov.find((c) => c.module === "sms");
  assert.equal(sms?.status, "failed");
  assert.match(sms?.reason ?? "", /^HomeDomain\/Library\/SMS\/sms\.db: /);
  assert.equal(cov.find((c) => c.module === "datausage")?.status, "checked");
  assert.equal(cov.find((c) => c.module === "safari_history")?.status, "checked");
  const summary = JSON.parse(readFileSync(join(tmp, "o-s", "summary.json"), "utf8"));
  assert.equal(summary.incomplete, true);
  assert.ok(summary.notChecked.some((n: { module: string }) => n.module === "sms"));
  assert.deepEqual(hashTree(dirs["trunc-sms"]), truncSmsBefore);
});
