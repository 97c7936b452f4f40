// The `vigil` command end to end on the real corpus, as an investigator runs it: every check
// command on every real input, exit codes as documented, records counted, coverage honest
// (each module listed once; missing payloads not reported as checked), provenance written,
// the evidence unchanged. Skips itself when the corpus is missing.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { treeDigest as hashTree, runVigil as vigil, type VigilRun as Run } from "../helpers/evidence.ts";

const skip = !HAVE_CORPUS;
const BIN = resolve(import.meta.dirname, "../../bin/vigil.js");
const tmp = mkdtempSync(join(tmpdir(), "vigil-cli-e2e-"));
const IOS = corpus("mvt-artifacts", "ios_backup");
const SMALL = corpus("ios_backup_encrypted", "small-fast", "1cb128eafa77c5be74283e9a3a2130af36a3c059");
const SMALL_KEY = corpus("ios_backup_encrypted", "small-fast", "derived_key.txt");
const AQF = corpus("mvt-artifacts", "androidqf");
const AQF_ZIP = corpus("mvt-artifacts", "androidqf.zip");
const AB2 = corpus("mvt-artifacts", "android_backup", "backup2.ab");
const BUGREPORT = corpus("mvt-artifacts", "android_data", "bugreport");

interface Cov {
  module: string;
  status: string;
  records?: number;
  reason?: string;
  detections?: number;
}

const json = (...p: string[]) => JSON.parse(readFileSync(join(...p), "utf8"));

type Flaw = { kind: string; module: string; params: Record<string, string>; timestamp?: string };
/**
 * MVT's backup (iOS 14.3, 18C66, backed up 2021-12-03): the flaws exploited in the wild it was
 * open to, each with the date CISA's catalog (the corpus's copy) lists it as exploited when it does.
 */
function assertFlawsFromKev(exposure: Flaw[]): void {
  const flaws = exposure.filter((e) => e.kind === "exploited_flaw");
  const kev = new Map<string, { dateAdded: string }>(json(corpus("reference", "cisa-kev", "known_exploited_vulnerabilities.json")).vulnerabilities.map((v: { cveID: string; dateAdded: string }) => [v.cveID, v]));
  const cves = flaws.map((f) => f.params.cve);
  for (const id of ["CVE-2021-30860", "CVE-2021-1782", "CVE-2021-30661", "CVE-2023-32434", "CVE-2023-41990"]) assert.ok(cves.includes(id), `${id} listed`);
  for (const id of ["CVE-2023-41064", "CVE-2021-30666", "CVE-2016-4657"]) assert.ok(!cves.includes(id), `${id} not listed`);
  for (const f of flaws) {
    assert.equal(f.module, "device");
    assert.equal(f.params.version, "iOS 14.3 (18C66)");
    assert.equal(f.timestamp?.slice(0, 10), "2021-12-03");
    const k = kev.get(f.params.cve!);
    if (k) assert.equal(f.params.date_added, k.dateAdded, f.params.cve);
  }
  assert.ok(flaws.filter((f) => kev.has(f.params.cve!)).length >= flaws.length - 2, "nearly every listed flaw is in CISA's catalog");
  assert.match(flaws.find((f) => f.params.cve === "CVE-2021-30860")!.params.used_for!, /FORCEDENTRY/);
}
const out = (name: string) => join(tmp, name);
const coverage = (name: string) => json(out(name), "coverage.json") as Cov[];
const byModule = (c: Cov[]) => new Map(c.map((x) => [x.module, x]));
/** module:status:records, the shape two runs on the same content must share. */
const shape = (c: Cov[]) => c.map((x) => `${x.module}:${x.status}:${x.records ?? ""}`).join(" ");

function noStack(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, r.stderr);
}
function oneError(r: Run, re: RegExp): void {
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("vigil: error:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], re);
  noStack(r);
}

const runs: Record<string, Run> = {};
const evidence = [IOS, SMALL, AQF, AQF_ZIP, AB2, BUGREPORT];
const before_: Record<string, string> = {};

before(async () => {
  if (skip) return;
  for (const e of evidence) before_[e] = statSync(e).isDirectory() ? hashTree(e) : createHash("sha256").update(readFileSync(e)).digest("hex");
  const jobs: [string, string[]][] = [
    ["ios", ["check-backup", IOS, "-o", out("ios"), "--json"]],
    // The same check with modules on two threads (the backup is too small to use them unasked).
    ["iosJobs2", ["check-backup", IOS, "-o", out("iosJobs2"), "--json", "--no-report", "--jobs", "2"]],
    ["encJobs2", ["check-backup", SMALL, "--password", "vigil-test-1", "-o", out("encJobs2"), "--json", "--no-report", "--jobs", "2"]],
    ["encPw", ["check-backup", SMALL, "--password", "vigil-test-1", "-o", out("encPw"), "--json", "--no-report"]],
    ["encKey", ["check-backup", SMALL, "--key-file", SMALL_KEY, "-o", out("encKey"), "--json", "--no-report"]],
    ["encWrong", ["check-backup", SMALL, "--password", "wrong", "-o", out("encWrong")]],
    ["aqf", ["check-androidqf", AQF, "-o", out("aqf"), "--json", "--no-report"]],
    ["aqfZip", ["check-androidqf", AQF_ZIP, "-o", out("aqfZip"), "--json", "--no-report"]],
    ["ab2", ["check-backup", AB2, "--password", "123456", "-o", out("ab2"), "--json", "--no-report"]],
    ["ab2NoPw", ["check-backup", AB2, "-o", out("ab2NoPw")]],
    ["bugreport", ["check-bugreport", BUGREPORT, "-o", out("bugreport"), "--json", "--no-report"]],
    ["decrypt", ["decrypt-backup", SMALL, "--password", "vigil-test-1", "--dest", out("decrypted")]],
    ["key", ["extract-key", SMALL, "--password", "vigil-test-1"]],
  ];
  // Three at a time: enough to overlap start-up, not so many that a 2-core machine thrashes.
  const queue = [...jobs];
  await Promise.all(
    [0, 1, 2].map(async () => {
      for (let j = queue.shift(); j; j = queue.shift()) runs[j[0]] = await vigil(j[1]);
    }),
  );
  runs.recheck = await vigil(["check-iocs", out("ios"), "-o", out("recheck"), "--json"]);
});

after(() => {
  if (skip) return;
  for (const e of evidence) {
    const now = statSync(e).isDirectory() ? hashTree(e) : createHash("sha256").update(readFileSync(e)).digest("hex");
    assert.equal(now, before_[e], `evidence changed: ${e}`);
  }
});

test("check-backup on MVT's plain backup: weak signs, incomplete (partial backup), records counted, provenance", { skip }, () => {
  const r = runs.ios;
  assert.equal(r.status, 10, r.stderr);
  noStack(r);
  const s = JSON.parse(r.stdout);
  assert.equal(s.verdict, "worth_a_look");
  assert.equal(s.incomplete, true);
  // The outdated iOS, the flaws exploited in the wild it was open to and Lockdown Mode are
  // exposure, not signs; Safari's history is missing.
  const kinds = s.exposure.map((e: { kind: string }) => e.kind);
  assert.deepEqual(kinds.filter((k: string) => k !== "exploited_flaw"), ["outdated_os", "lockdown_on"]);
  assertFlawsFromKev(s.exposure);
  assert.deepEqual(s.missing.map((m: { need: string }) => m.need), ["safari"]);
  assert.deepEqual(json(out("ios"), "alerts.json").map((a: { kind: string; rule?: { id: string }; exposure?: string }) => `${a.kind}:${a.rule?.id ?? a.exposure}`), [
    "heuristic:process-id-gap",
    ...kinds.map((k: string) => `informational:${k}`),
  ]);
  const cov = coverage("ios");
  assert.equal(new Set(cov.map((c) => c.module)).size, cov.length, "each module once");
  const m = byModule(cov);
  assert.equal(m.get("manifest")?.records, 3721);
  assert.equal(m.get("datausage")?.records, 41);
  assert.equal(m.get("sms")?.records, 1);
  // History.db is listed in Manifest.db but its payload is not in the folder: never "checked".
  assert.equal(m.get("safari_history")?.status, "failed");
  assert.match(m.get("safari_history")?.reason ?? "", /History\.db: .*payload .* missing/);
  const info = json(out("ios"), "info.json");
  assert.equal(info.acquisition.encrypted, false);
  assert.equal(info.device.osVersion, "14.3");
  assert.ok(info.inputs.some((i: { path: string; sha256: string }) => i.path.endsWith("Manifest.db") && /^[0-9a-f]{64}$/.test(i.sha256)));
  for (const f of ["alerts.json", "timeline.csv", "report.html", "manifest.json", "datausage.json", "sms.json"]) assert.ok(existsSync(join(out("ios"), f)), f);
  // The raw date as sms.db stores it (and MVT writes it): exact, though beyond a double's 53 bits.
  assert.match(readFileSync(join(out("ios"), "sms.json"), "utf8"), /"date":588813210539788032,/);
});

test("encrypted copy of the same backup: password and --key-file give the plain run's coverage and detections", { skip }, () => {
  for (const k of ["encPw", "encKey"]) {
    assert.equal(runs[k].status, 10, runs[k].stderr);
    noStack(runs[k]);
    assert.equal(shape(coverage(k)), shape(coverage("ios")), k);
    assert.equal(json(out(k), "alerts.json").length, json(out("ios"), "alerts.json").length, k);
    assert.equal(json(out(k), "info.json").acquisition.encrypted, true);
  }
});

test("modules on two threads give the one-thread run's files, byte for byte (plain and encrypted backup)", { skip }, () => {
  for (const [parallel, serial] of [
    ["iosJobs2", "ios"],
    ["encJobs2", "encPw"],
  ]) {
    assert.equal(runs[parallel].status, runs[serial].status, runs[parallel].stderr);
    // command.log is the run's own progress: its times, and threads finishing in any order.
    const files = readdirSync(out(serial)).filter((f) => !["report.html", "info.json", "summary.json", "command.log"].includes(f));
    assert.ok(files.includes("sms.json") && files.includes("timeline.csv"), files.join(" "));
    for (const f of files) assert.equal(readFileSync(join(out(parallel), f), "utf8"), readFileSync(join(out(serial), f), "utf8"), `${parallel}: ${f}`);
    assert.deepEqual(json(out(parallel), "info.json").inputs, json(out(serial), "info.json").inputs);
    assert.equal(json(out(parallel), "info.json").threads, 2);
    assert.equal(json(out(serial), "info.json").threads, 1);
  }
});

test("wrong iOS backup password: exit 1, one line naming Manifest.plist, no results", { skip }, () => {
  assert.equal(runs.encWrong.status, 1);
  oneError(runs.encWrong, /Manifest\.plist: wrong backup password/);
  assert.equal(existsSync(out("encWrong")), false);
});

test("decrypt-backup and extract-key on the encrypted backup", { skip }, () => {
  assert.equal(runs.decrypt.status, 0, runs.decrypt.stderr);
  const db = createHash("sha256").update(readFileSync(join(out("decrypted"), "Manifest.db"))).digest("hex");
  assert.equal(db, "0b1540559b8a311703efb1fe6b73ba76a093daaa8686b21fb396be4b91a1a850");
  assert.equal(runs.key.status, 0, runs.key.stderr);
  assert.equal(runs.key.stdout.trim(), readFileSync(SMALL_KEY, "utf8").trim());
});

test("check-androidqf on the androidqf folder: root binaries found, nested backup's SMS checked, each module once", { skip }, () => {
  const r = runs.aqf;
  assert.equal(r.status, 10, r.stderr);
  noStack(r);
  const cov = coverage("aqf");
  assert.equal(new Set(cov.map((c) => c.module)).size, cov.length, `each module once: ${cov.map((c) => c.module).join(", ")}`);
  const m = byModule(cov);
  assert.equal(m.get("sms")?.status, "checked");
  assert.equal(m.get("sms")?.records, 2);
  assert.equal(m.get("getprop")?.status, "checked");
  assert.equal(m.get("root_binaries")?.detections, 4);
  // MVT's names: the nested backup's SMS as sms.json, the bundle's modules as aqf_*.
  for (const f of ["sms.json", "aqf_get_prop.json", "aqf_packages.json", "root_binaries.json"]) assert.ok(existsSync(join(out("aqf"), f)), f);
  assert.ok(!existsSync(join(out("aqf"), "backup_sms.json")));
});

test("check-backup on an encrypted .ab: with the password the SMS is read; without, one line and exit 1", { skip }, () => {
  assert.equal(runs.ab2.status, 0, runs.ab2.stderr);
  assert.equal(byModule(coverage("ab2")).get("sms")?.records, 1);
  assert.equal(runs.ab2NoPw.status, 1);
  oneError(runs.ab2NoPw, /backup2\.ab: the Android backup is encrypted/);
});

test("check-bugreport on the bugreport folder: the privileged-process crash is found", { skip }, () => {
  const r = runs.bugreport;
  assert.equal(r.status, 10, r.stderr);
  noStack(r);
  const m = byModule(coverage("bugreport"));
  assert.equal(m.get("tombstones")?.records, 2);
  assert.ok(json(out("bugreport"), "alerts.json").some((a: { module: string }) => a.module === "tombstones"));
});

test("check-androidqf on the androidqf sample zip (getprop.txt only): too little could be checked to say, exit 20", { skip }, () => {
  const r = runs.aqfZip;
  assert.equal(r.status, 20, r.stderr);
  noStack(r);
  const s = JSON.parse(r.stdout);
  assert.equal(s.verdict, "too_little_to_say");
  assert.equal(s.incomplete, false, "nothing failed: the artifacts are simply not there");
  assert.deepEqual(s.missing.map((m: { need: string }) => m.need), ["app_list", "processes_or_services"]);
  assert.equal(s.advice.id, "androidqf");
  // Every module that reads an androidqf bundle but get_prop (18 since samsung_sfs_logs) finds nothing.
  assert.deepEqual(s.coverage, { checked: 1, failed: 0, absent: 18, not_applicable: s.coverage.not_applicable });
});

test("check-iocs on the plain backup's results: no indicator hit; the original weak sign and exposure are kept; still incomplete", { skip }, () => {
  const r = runs.recheck;
  // The deleted-process sign does not depend on indicators: a re-check keeps it (exit 10).
  assert.equal(r.status, 10, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.verdict, "worth_a_look");
  assert.deepEqual(s.detections, { strong: 0, medium: 0, weak: 1 });
  assert.equal(s.incomplete, true);
  assert.ok(s.notChecked.some((n: { module: string }) => n.module === "safari_history"));
  assert.deepEqual(s.missing.map((m: { need: string }) => m.need), ["safari"], "judged as the iPhone backup it came from");
  assert.deepEqual(s.exposure, JSON.parse(runs.ios!.stdout).exposure, "exposure carried over as it was");
});
