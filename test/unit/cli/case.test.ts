// `vigil case` end to end: a case of two acquisitions (an iPhone backup whose sms.db holds a
// message with a link from a sender not in the contacts, and a sysdiagnose with a crash of
// IMTranscoderAgent two minutes later), its correlated detection, merged timeline, report and
// provenance, the archive, `vigil hunt`, and a retro-hunt after `vigil iocs import`.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { testDir } from "../../helpers/archive-builder.ts";
import { hashTree, runVigil, treeDigest } from "../../helpers/evidence.ts";
import { buildCaseEvidence, CASE_LINK_HOST } from "../../helpers/case-evidence.ts";
import { pgUnavailable, startPostgres } from "../../helpers/postgres.ts";

const LINK_HOST = CASE_LINK_HOST;

async function makeCase(): Promise<{ root: string; backup: string; sysdiag: string; caseDir: string; home: string; iocs: string }> {
  const root = testDir("vigil-case-e2e");
  const { backup, sysdiag } = await buildCaseEvidence(root);
  // Indicators with nothing the case holds, so that the checks find no known indicator.
  const iocs = join(root, "iocs");
  mkdirSync(iocs);
  writeFileSync(join(iocs, "domains.txt"), "nothing-to-see.example\n");
  const home = join(root, "home");
  mkdirSync(home);
  return { root, backup, sysdiag, caseDir: join(root, "case-ana"), home, iocs };
}

test("a case of a backup and a sysdiagnose: correlated across them, archived, hunted and re-hunted", async () => {
  const c = await makeCase();
  const env = { VIGIL_HOME: c.home };
  const evidenceBefore = [treeDigest(c.backup), treeDigest(c.sysdiag)];

  const init = await runVigil(["case", "init", c.caseDir, "--name", "Ana"], env);
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /Case "Ana" \(.+\) created/);

  const first = await runVigil(["case", "add", c.caseDir, c.backup, "--iocs", c.iocs, "--quiet"], env);
  // A backup holding only sms.db is too little to say (exit 20); nothing correlated yet.
  assert.equal(first.status, 20, first.stderr + first.stdout);
  assert.match(first.stdout, /Correlated across acquisitions \(0\)/);
  const firstResults = hashTree(join(c.caseDir, "acquisitions", "01-ios_backup"));

  const second = await runVigil(["case", "add", c.caseDir, c.sysdiag, "--iocs", c.iocs, "--quiet", "--json"], env);
  assert.equal(second.status, 10, second.stderr + second.stdout);
  const summary = JSON.parse(second.stdout);
  assert.deepEqual(summary.added, ["02-ios_sysdiagnose"]);
  assert.equal(summary.correlated, 1);
  assert.equal(summary.verdict, "worth_a_look");
  assert.equal(summary.sets.contacts.available, false);

  // Adding the sysdiagnose did not rewrite the backup's results.
  assert.deepEqual(hashTree(join(c.caseDir, "acquisitions", "01-ios_backup")), firstResults);
  // Evidence untouched.
  assert.deepEqual([treeDigest(c.backup), treeDigest(c.sysdiag)], evidenceBefore);

  const info = JSON.parse(readFileSync(join(c.caseDir, "case.json"), "utf8"));
  assert.deepEqual(info.acquisitions.map((a: { id: string }) => a.id), ["01-ios_backup", "02-ios_sysdiagnose"]);
  const correlations = JSON.parse(readFileSync(join(c.caseDir, "correlations.json"), "utf8"));
  assert.equal(correlations[0].rule.id, "CASE-DELIVERY-CRASH-01");
  assert.match(correlations[0].title, /Crash of IMTranscoderAgent 2 min after a message/);
  assert.match(correlations[0].why, /contacts could not be read/);
  assert.doesNotMatch(JSON.stringify(correlations), /Your parcel/);

  const timeline = readFileSync(join(c.caseDir, "timeline.csv"), "utf8").split("\r\n");
  assert.equal(timeline[0], '"datetime","timestamp_desc","message","acquisition","module","event"');
  const rows = timeline.slice(1).filter(Boolean);
  assert.ok(rows.some((r) => r.includes('"01-ios_backup","sms"')));
  assert.ok(rows.some((r) => r.includes('"02-ios_sysdiagnose","crash_reports"')));
  assert.ok(rows.some((r) => r.includes('"case","correlation","CASE-DELIVERY-CRASH-01"')));
  const times = rows.map((r) => r.slice(1, 25));
  assert.deepEqual(times, [...times].sort());

  const provenance = JSON.parse(readFileSync(join(c.caseDir, "provenance.json"), "utf8"));
  assert.equal(provenance.acquisitions.length, 2);
  assert.ok(provenance.acquisitions[0].inputs.some((i: { path: string; sha256: string }) => /Manifest\.db/.test(i.path) && /^[0-9a-f]{64}$/.test(i.sha256)));
  assert.ok(provenance.acquisitions[1].results.some((r: { file: string }) => r.file === "alerts.json"));
  const report = readFileSync(join(c.caseDir, "report.html"), "utf8");
  assert.ok(report.indexOf("Correlated detections") < report.indexOf("Acquisitions"));
  assert.match(report, /acquisitions\/02-ios_sysdiagnose\/report\.html/);

  const status = await runVigil(["case", "status", c.caseDir], env);
  assert.match(status.stdout, /01-ios_backup[\s\S]*02-ios_sysdiagnose[\s\S]*Verdict: SIGNS WORTH AN EXPERT'S LOOK/);
  const list = await runVigil(["case", "list", "--json"], env);
  const listed = JSON.parse(list.stdout);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].acquisitions, 2);

  // The link's host was archived (not the message), and a hunt finds where.
  const hunt = await runVigil(["hunt", LINK_HOST.split(".").slice(1).join("."), "--json"], env);
  assert.equal(hunt.status, 0, hunt.stderr);
  const seen = JSON.parse(hunt.stdout);
  assert.ok(seen.some((s: { acq: string; module: string; value: string }) => s.acq === "01-ios_backup" && s.module === "sms" && s.value.includes(LINK_HOST)));
  assert.ok(!readFileSync(join(c.home, "cases.sqlite")).includes("Your parcel"));

  // New indicators arrive: the retro-hunt lists the case's new match and saves it in the folder.
  const newer = join(c.root, "newer");
  mkdirSync(newer);
  writeFileSync(join(newer, "domains.txt"), `${LINK_HOST}\n`);
  const imp = await runVigil(["iocs", "import", newer], env);
  assert.equal(imp.status, 10, imp.stderr + imp.stdout);
  assert.match(imp.stdout, /Case "Ana" \(.+\): 1 new match/);
  assert.match(imp.stdout, /01-ios_backup sms\.links: https:\/\/delivery\.evil-case\.example\/p\/77/);
  const hunts = readdirSync(join(c.caseDir, "retro-hunts"));
  assert.equal(hunts.length, 1);
  // Once recorded, the same match is not new.
  const again = await runVigil(["case", "retro-hunt"], env);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /No new match/);

  // The case report now counts it.
  const rebuilt = await runVigil(["case", "report", c.caseDir, "--json"], env);
  const after = JSON.parse(rebuilt.stdout);
  assert.equal(after.retro_hunt, 1);
  assert.equal(after.detections.weak >= 1, true);
  assert.match(readFileSync(join(c.caseDir, "report.html"), "utf8"), /Retro-hunt .*delivery\.evil-case\.example/);
});

test("vigil check PATH tells the kind and checks it as its check-* command does", async () => {
  const c = await makeCase();
  const out = join(c.root, "out");
  const r = await runVigil(["check", c.sysdiag, "--iocs", c.iocs, "-o", out], { VIGIL_HOME: c.home });
  assert.equal(r.status, 10, r.stderr);
  assert.match(r.stderr, /ios sysdiagnose \(holds sysdiagnose\.log\)/);
  assert.equal(JSON.parse(readFileSync(join(out, "info.json"), "utf8")).acquisition.kind, "ios_sysdiagnose");
  const bad = await runVigil(["check", c.iocs], { VIGIL_HOME: c.home });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^vigil: error: .*cannot tell what kind of acquisition this folder is/);
});

test("case commands refuse a folder that is not a case, and a second init", async () => {
  const c = await makeCase();
  const env = { VIGIL_HOME: c.home };
  const r = await runVigil(["case", "add", c.root, c.backup], env);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a case folder/);
  assert.equal((await runVigil(["case", "init", c.caseDir, "--name", "A", "--no-archive"], env)).status, 0);
  const again = await runVigil(["case", "init", c.caseDir, "--name", "A", "--no-archive"], env);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already a case folder/);
  // A path that cannot be checked is not added, and leaves no folder behind.
  const add = await runVigil(["case", "add", c.caseDir, join(c.root, "missing"), "--no-archive", "--quiet"], env);
  assert.equal(add.status, 1);
  assert.match(add.stderr, /missing: not added: .*no such file or folder/);
  assert.deepEqual(readdirSync(join(c.caseDir, "acquisitions")), []);
  assert.ok(!existsSync(join(c.home, "cases.sqlite")));
});

test("the same case commands with a team's PostgreSQL archive (--archive postgres://...)", { skip: pgUnavailable() }, async () => {
  const pg = await startPostgres();
  try {
    const c = await makeCase();
    const env = { VIGIL_HOME: c.home };
    const url = await pg.newDatabase("team");
    assert.equal((await runVigil(["case", "init", c.caseDir, "--name", "Ana", "--archive", url], env)).status, 0);
    const add = await runVigil(["case", "add", c.caseDir, c.backup, c.sysdiag, "--iocs", c.iocs, "--archive", url], env);
    assert.equal(add.status, 10, add.stderr);
    assert.match(add.stdout, /Correlated across acquisitions \(1\)/);
    assert.match(add.stderr, /Archived in postgres:\/\/vigil:\*\*\*@127\.0\.0\.1/);
    const hunt = await runVigil(["hunt", LINK_HOST, "--archive", url], env);
    assert.match(hunt.stdout, /Case "Ana" .*\n  01-ios_backup \(an iPhone backup\): https:\/\/delivery\.evil-case\.example\/p\/77 in sms\.links/);
    const newer = join(c.root, "newer");
    mkdirSync(newer);
    writeFileSync(join(newer, "domains.txt"), `${LINK_HOST}\n`);
    const retro = await runVigil(["case", "retro-hunt", "--archive", url, "--iocs", newer], env);
    assert.equal(retro.status, 10, retro.stderr);
    assert.match(retro.stdout, /Case "Ana" \(.+\): 1 new match/);
    for (const out of [add.stdout, add.stderr, hunt.stdout, retro.stdout, retro.stderr]) assert.ok(!out.includes(pg.password));
    // Nor in any file of the case: the checks record their command line (info.json, report.html) with the archive's URL.
    const files = readdirSync(c.caseDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    assert.ok(files.length > 10);
    for (const f of files) assert.ok(!readFileSync(join(f.parentPath, f.name)).includes(pg.password), join(f.parentPath, f.name));
    // Nothing went to the local SQLite archive.
    assert.ok(!existsSync(join(c.home, "cases.sqlite")));
  } finally {
    await pg.stop();
  }
});
