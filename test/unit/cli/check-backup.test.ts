// End to end through the `vigil` command: a synthetic backup with planted traces, plain and
// encrypted; exit codes; one-line errors; evidence unchanged; no results on a wrong password.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { hashTree } from "../../helpers/evidence.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-cli-"));
let plain: string;
let encrypted: string;

function vigil(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

before(async () => {
  plain = (await buildSyntheticBackup(join(tmp, "plain"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
  encrypted = (await buildSyntheticBackup(join(tmp, "enc"), DEMO_SIZES, { planted: DEMO_PLANTED, encrypted: { password: "correct horse" } })).dir;
});

test("check-backup finds the planted traces, exits 10, and leaves the evidence unchanged", () => {
  const before = hashTree(plain);
  const out = join(tmp, "out-plain");
  const r = vigil(["check-backup", plain, "--iocs", IOCS, "--output", out, "--json"]);
  assert.equal(r.status, 10, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.verdict, "traces_found");
  const alerts = JSON.parse(readFileSync(join(out, "alerts.json"), "utf8")) as { module: string; matched: string }[];
  const seen = new Set(alerts.map((a) => `${a.module}:${a.matched}`));
  for (const want of ["datausage:bh", "datausage:roleaboutd", "safari_history:urlpush.net"]) assert.ok(seen.has(want), `missing ${want} in ${[...seen].join(", ")}`);
  assert.ok(alerts.some((a) => a.module === "sms" && a.matched.endsWith("free247downloads.com")));
  for (const f of ["timeline.csv", "info.json", "coverage.json", "summary.json", "report.html", "sms.json", "sms_detected.json", "datausage.json"]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const info = JSON.parse(readFileSync(join(out, "info.json"), "utf8"));
  assert.ok(info.inputs.some((i: { path: string; sha256: string }) => i.path.endsWith("Manifest.db") && /^[0-9a-f]{64}$/.test(i.sha256)));
  assert.ok(info.iocs.sets.length > 0 && info.iocs.sets.every((s: { sha256: string }) => /^[0-9a-f]{64}$/.test(s.sha256)));
  assert.deepEqual(hashTree(plain), before);
});

test("with SQLite's URIs turned off, databases are copied instead of read in place: the same results", () => {
  const before = hashTree(plain);
  const outs = ["out-uri-on", "out-uri-off"].map((d) => join(tmp, d));
  const envs: Record<string, string>[] = [{}, { SQLITE_USE_URI: "0" }];
  for (const [i, env] of envs.entries()) {
    const r = vigil(["check-backup", plain, "--iocs", IOCS, "--output", outs[i], "--json"], env);
    assert.equal(r.status, 10, r.stderr);
  }
  for (const f of ["alerts.json", "coverage.json", "sms.json", "datausage.json", "manifest.json", "timeline.csv"]) {
    assert.equal(readFileSync(join(outs[1], f), "utf8"), readFileSync(join(outs[0], f), "utf8"), f);
  }
  const info = outs.map((o) => JSON.parse(readFileSync(join(o, "info.json"), "utf8")));
  assert.deepEqual(info[1].inputs, info[0].inputs, "the same files hashed alike");
  assert.deepEqual(hashTree(plain), before);
});

test("encrypted backup: checked with the password, same findings; evidence unchanged", () => {
  const before = hashTree(encrypted);
  const out = join(tmp, "out-enc");
  const r = vigil(["check-backup", encrypted, "--iocs", IOCS, "--output", out, "--json"], { VIGIL_BACKUP_PASSWORD: "correct horse" });
  assert.equal(r.status, 10, r.stderr);
  const alerts = JSON.parse(readFileSync(join(out, "alerts.json"), "utf8")) as { module: string; matched: string }[];
  assert.ok(alerts.some((a) => a.module === "datausage" && a.matched === "bh"));
  assert.ok(JSON.parse(readFileSync(join(out, "info.json"), "utf8")).acquisition.encrypted);
  assert.deepEqual(hashTree(encrypted), before);
});

test("wrong password: one line naming the file, exit 1, no results folder", () => {
  const out = join(tmp, "out-wrong");
  const r = vigil(["check-backup", encrypted, "--iocs", IOCS, "--output", out, "--password", "nope"]);
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("vigil:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /Manifest\.plist: wrong (backup )?password/i);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(existsSync(out), false);
});

test("not a backup: one clear error and exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-notbackup-"));
  writeFileSync(join(dir, "hello.txt"), "hi");
  const r = vigil(["check-backup", dir, "--iocs", IOCS, "--output", join(tmp, "out-nb")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^vigil: error: .*not .*backup/im);
});

test("results folder inside the evidence is refused", () => {
  const r = vigil(["check-backup", plain, "--iocs", IOCS, "--output", join(plain, "results")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /must not be inside the evidence/);
  assert.equal(existsSync(join(plain, "results")), false);
});

test("parsed indicators are cached between runs: the second run reads them and finds the same", () => {
  const home = join(tmp, "home-cache");
  const alertsOf = (out: string) => readFileSync(join(out, "alerts.json"), "utf8");
  const setsOf = (out: string) => (JSON.parse(readFileSync(join(out, "info.json"), "utf8")).iocs.sets as { loadedAt: string }[]).map((s) => ({ ...s, loadedAt: undefined }));
  const off = vigil(["check-backup", plain, "--iocs", IOCS, "--output", join(tmp, "out-nocache"), "--json"], { VIGIL_HOME: home, VIGIL_NO_PARSE_CACHE: "1" });
  assert.equal(off.status, 10, off.stderr);
  assert.ok(!existsSync(join(home, "parsed-iocs")), "nothing cached when VIGIL_NO_PARSE_CACHE is set");
  const first = vigil(["check-backup", plain, "--iocs", IOCS, "--output", join(tmp, "out-cache1"), "--json"], { VIGIL_HOME: home });
  assert.equal(first.status, 10, first.stderr);
  const [entry] = readdirSync(join(home, "parsed-iocs"));
  assert.match(entry ?? "", /^[0-9a-f]{64}\.json$/);
  const written = statSync(join(home, "parsed-iocs", entry!)).mtimeMs;
  const second = vigil(["check-backup", plain, "--iocs", IOCS, "--output", join(tmp, "out-cache2"), "--json"], { VIGIL_HOME: home });
  assert.equal(second.status, 10, second.stderr);
  assert.deepEqual(readdirSync(join(home, "parsed-iocs")), [entry], "the entry was reused, not a second one made");
  assert.equal(statSync(join(home, "parsed-iocs", entry!)).mtimeMs, written, "the entry was read, not written again");
  assert.equal(alertsOf(join(tmp, "out-cache2")), alertsOf(join(tmp, "out-nocache")));
  assert.equal(alertsOf(join(tmp, "out-cache1")), alertsOf(join(tmp, "out-nocache")));
  assert.deepEqual(setsOf(join(tmp, "out-cache2")), setsOf(join(tmp, "out-nocache")));
});

test("a password given as an option never reaches the results: info.json's command and command.log say ***", () => {
  const out = join(tmp, "out-enc-option");
  const r = vigil(["check-backup", encrypted, "--iocs", IOCS, "--output", out, "--password", "correct horse"]);
  assert.equal(r.status, 10, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(out, "info.json"), "utf8")).command.slice(-2), ["--password", "***"]);
  const log = readFileSync(join(out, "command.log"), "utf8");
  assert.match(log, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - vigil - INFO - vigil \S+: check-backup .* --password \*\*\*\n/);
  assert.match(log, /Checking ios backup/);
  for (const f of readdirSync(out)) assert.ok(!readFileSync(join(out, f)).includes("correct horse"), `${f} holds the password`);
});

test("a missing --key-file is a usage error (exit 2), before any work", () => {
  const out = join(tmp, "out-nokey");
  const r = vigil(["check-backup", encrypted, "--key-file", join(tmp, "no-such.key"), "--iocs", IOCS, "--output", out]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, `vigil: error: ${join(tmp, "no-such.key")}: --key-file: no such file\n`);
  assert.equal(existsSync(out), false);
});

test("an empty or cut-short .ab file is named as such, not as an iPhone backup that is not a folder", () => {
  const cases: [string, string | Buffer, string][] = [
    ["empty.ab", "", "empty file: neither an Android backup (.ab) nor an iPhone backup (a folder)"],
    ["empty-file", "", "empty file: neither an Android backup (.ab) nor an iPhone backup (a folder)"],
    ["cut.ab", "ANDROID BAC", 'truncated Android backup: 11 bytes, cut short inside its "ANDROID BACKUP" header'],
    ["other.ab", "PK\u0003\u0004 something else", 'not an Android backup: it does not start with "ANDROID BACKUP"'],
  ];
  for (const [name, data, message] of cases) {
    const file = join(tmp, name);
    writeFileSync(file, data);
    const r = vigil(["check-backup", file, "--iocs", IOCS, "--output", join(tmp, `out-${name}`)]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `vigil: error: ${file}: ${message}\n`);
  }
});
