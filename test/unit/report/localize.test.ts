// `--lang fr` is French everywhere a reader looks: the report and the terminal summary of checks
// with detections from every module family (an iPhone backup, an iOS file-system dump and a
// sysdiagnose, an androidqf bundle with the backup inside it, a network capture, and the re-check
// of earlier results), their exposure entries, a check that could read too little to say, and a
// case of two acquisitions (its report and its terminal summary) hold no English sentence from
// Vigil's own English catalog. Values from the evidence stay as they are.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { memoryView } from "../../../src/acquisitions/memory.ts";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { openNetwork } from "../../../src/acquisitions/network/open.ts";
import type { AcquisitionView } from "../../../src/acquisitions/view.ts";
import { catalogs, msg, PLACEHOLDER, render } from "../../../src/core/i18n/index.ts";
import type { Detection, Exposure, Summary } from "../../../src/core/model.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../src/demo/demo-backup.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { flawMessages } from "../../../src/report/exposure.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { SMS_BACKUP_PATH, writeFolder } from "../../helpers/android-builder.ts";
import { runVigil } from "../../helpers/evidence.ts";
import { ipsText, psText, shutdownLogText, systemVersionPlist } from "../../helpers/ios-fs-builder.ts";
import { buildCaseEvidence } from "../../helpers/case-evidence.ts";

const dir = testDir("vigil-lang");
const iocs = join(dir, "iocs");
const STAGING = "/private/var/db/com.apple.xpc.roleaccountd.staging";
const T = 1700000000;
const NETWORK_FIXTURES = resolve(import.meta.dirname, "../../fixtures/network");

/** Every static piece of English text (two words or more) Vigil's English catalog holds that French says differently. */
function englishPieces(): string[] {
  const { en, fr } = catalogs();
  const pieces = new Set<string>();
  for (const [k, v] of Object.entries(en)) {
    if (fr[k] === v) continue;
    for (const part of v.replace(PLACEHOLDER, "\0").split("\0")) {
      const p = part.trim().replace(/^[\s(:;,."'-]+|[\s(:;,."'-]+$/g, "");
      if (/[A-Za-z]{2,}[\s'-]+[A-Za-z]{2,}/.test(p) && p.length >= 8) pieces.add(p);
    }
  }
  return [...pieces];
}

/**
 * The text a reader sees in report.html: no script, style or attribute. The timeline's event
 * descriptions (the events around a detection, as timeline.csv holds them), the modules'
 * technical warnings in the coverage table and what to look for after an exploited flaw (the
 * exposure table's curated text) are not catalog text: they stay in English, and the French
 * report says so.
 */
function visibleText(html: string): string {
  return html
    .replace(/<table class="events">[\s\S]*?<\/table>/g, " ")
    .replace(/<div class="look-for" lang="en">[\s\S]*?<\/div>/g, " ")
    .replace(/<small class="warnings">[\s\S]*?<\/small>/g, " ")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

function assertNoEnglish(where: string, text: string, pieces: string[]): void {
  // Whole words only: "profils de configuration profile_events" is French followed by a module's name.
  const found = pieces.filter((p) => new RegExp(`(?<![\\p{L}_])${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}_])`, "u").test(text));
  assert.deepEqual(found, [], `${where} holds English from the catalog`);
}

/** Runs a check in French and returns its results folder, terminal summary and detections. */
async function checkFr(name: string, open: () => Promise<AcquisitionView | { view: AcquisitionView; prefix?: string }[]>): Promise<{ out: string; stdout: string; detections: Detection[] }> {
  const out = join(dir, name);
  const write = process.stdout.write;
  let stdout = "";
  // Recorded and passed on: the test runner reports through stdout too.
  process.stdout.write = ((s: string, ...rest: never[]) => ((stdout += s), write.call(process.stdout, s, ...rest))) as typeof process.stdout.write;
  try {
    const r = await runCheck(name, "/evidence", open, { output: out, quiet: true, lang: "fr", jobs: "1", iocs: [iocs] });
    return { out, stdout, detections: r.detections };
  } finally {
    process.stdout.write = write;
  }
}

const runs: { family: string; out: string; stdout: string; detections: Detection[] }[] = [];
/** A check that could read too little to say: an androidqf bundle holding only getprop.txt. */
let tooLittle: { out: string; stdout: string };

before(async () => {
  const fixtures = JSON.parse(readFileSync(join(NETWORK_FIXTURES, "expected.json"), "utf8")) as { cert_sha1: string };
  writeFolder(iocs, {
    "domains.txt": "free247downloads.com\nurlpush.net\nevil-c2.example\nvigil-fixture.test\n",
    "tls_cert_hashes.txt": `${fixtures.cert_sha1}\n`,
    "ja3.txt": "9dffdb8b608a430b774a2ff7d36c1a0c\n",
    "processes.txt": "bh\nroleaboutd\n",
    "file_paths.txt": `${STAGING}/subridged\n`,
    "app_ids.txt": "com.spy.app\n",
  });
  // An iPhone backup: SMS link, Safari visit and fast redirect, network usage of known processes, outdated iOS.
  const backup = (await buildSyntheticBackup(join(dir, "backup"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
  runs.push({ family: "iOS backup", ...(await checkFr("ios-backup", () => openIosBackup(backup))) });
  // An iOS file-system dump: a known file path, shutdown.log rules and indicators, a crash of a message parser.
  const fsFiles = {
    "System/Library/CoreServices/SystemVersion.plist": systemVersionPlist("17.2.1", "21C66"),
    [`${STAGING.slice(1)}/subridged`]: "x",
    "private/var/db/diagnostics/shutdown.log": shutdownLogText([
      { at: T, notices: [1, 2, 3].map((n) => ({ after: n, clients: [[700, "/usr/libexec/oddd"]] as [number, string][] })) },
      { at: T + 60, notices: [{ after: 1.2, clients: [[2143, `${STAGING}/bh`], [2144, "/private/var/tmp/agent"]] }] },
    ]),
    "private/var/mobile/Library/Logs/CrashReporter/imagent-2026-07-05-101112.ips": ipsText({ procName: "imagent" }),
  };
  runs.push({ family: "iOS file system", ...(await checkFr("ios-fs", async () => memoryView({ kind: "ios_fs", platform: "ios", files: Object.entries(fsFiles).map(([path, data]) => ({ path, data })), device: { osVersion: "17.2.1" } }))) });
  // A sysdiagnose: a known process running, processes from unusual locations.
  const sdFiles = { "ps.txt": psText([{ pid: 1, command: "/sbin/launchd" }, { pid: 90, command: `${STAGING}/roleaboutd` }, { pid: 91, command: "/opt/odd/thing" }]) };
  runs.push({ family: "iOS sysdiagnose", ...(await checkFr("ios-sysdiagnose", async () => memoryView({ kind: "ios_sysdiagnose", platform: "ios", files: Object.entries(sdFiles).map(([path, data]) => ({ path, data })) }))) });
  // An androidqf bundle and the backup inside it: a known process and app, sideloaded and rooting apps, weakened settings, an old patch, a link in an SMS.
  const pkg = (name: string, installer: string) => ({ name, files: [{ path: `/data/app/${name}/base.apk`, sha256: "c".repeat(64) }], installer, uid: 10100, disabled: false, system: false, third_party: true });
  const qfFiles = {
    "getprop.txt": "[ro.product.model]: [Pixel 7]\n[ro.build.version.release]: [12]\n[ro.build.version.security_patch]: [2021-01-05]\n[ro.build.version.sdk]: [31]\n",
    "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 100 10 0 0 S init\nu0_a1 4242 1 100 10 0 0 S bh\n",
    "packages.json": JSON.stringify([pkg("com.spy.app", "com.android.vending"), pkg("com.side.app", "com.google.android.packageinstaller"), pkg("com.topjohnwu.magisk", "com.android.vending")]),
    "settings_global.txt": "package_verifier_enable=0\nverifier_verify_adb_installs=0\n",
  };
  const sms = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "open https://evil-c2.example/x now", date: "1700000000000", type: "1", read: "1" }])));
  const android = (kind: "androidqf" | "android_backup", files: Record<string, string | Buffer>) =>
    memoryView({ kind, platform: "android", files: Object.entries(files).map(([path, data]) => ({ path, data })), device: { model: "Pixel 7", osVersion: "12", patchLevel: "2021-01-05" } });
  runs.push({ family: "Android", ...(await checkFr("androidqf", async () => [{ view: android("androidqf", qfFiles), prefix: "" }, { view: android("android_backup", { [SMS_BACKUP_PATH]: sms }), prefix: "backup_" }])) });
  // A network capture (the real loopback captures of the network tests): lookups, contacts, a
  // known certificate and client fingerprint, and what encryption hid, in the coverage.
  const capture = join(dir, "capture");
  mkdirSync(capture, { recursive: true });
  for (const f of ["loopback-tls.pcap", "loopback-dns-http.pcapng"]) copyFileSync(join(NETWORK_FIXTURES, f), join(capture, f));
  runs.push({ family: "network", ...(await checkFr("network", () => openNetwork([capture]))) });
  // Too little to say: an androidqf bundle holding only getprop.txt.
  const little = await checkFr("too-little", async () => android("androidqf", { "getprop.txt": qfFiles["getprop.txt"] }));
  tooLittle = { out: little.out, stdout: little.stdout };
  // The re-check of the iPhone backup's results.
  const write = process.stdout.write;
  let stdout = "";
  process.stdout.write = ((s: string, ...rest: never[]) => ((stdout += s), write.call(process.stdout, s, ...rest))) as typeof process.stdout.write;
  try {
    const r = await checkIocs(runs[0].out, { iocs: [iocs], quiet: true, lang: "fr", output: join(dir, "recheck") });
    const detections = JSON.parse(readFileSync(join(r.outputDir, "alerts.json"), "utf8")) as Detection[];
    runs.push({ family: "indicators re-check", out: r.outputDir, stdout, detections });
  } finally {
    process.stdout.write = write;
  }
});

test("every family gave detections of both kinds to render", () => {
  for (const r of runs) assert.ok(r.detections.length > 0, r.family);
  const all = runs.flatMap((r) => r.detections);
  assert.ok(all.some((d) => d.kind === "heuristic") && all.some((d) => d.kind === "indicator"));
  // Rules from the YAML file and from module code, and the re-check's own titles, are all there.
  const rules = new Set(all.map((d) => d.rule?.id).filter(Boolean));
  for (const id of ["IOS-SHUTDOWN-01", "IOS-SHUTDOWN-02", "IOS-CRASH-01", "IOS-PROC-02", "android-app-not-from-store", "android-root-package", "android-play-protect-disabled"]) {
    assert.ok(rules.has(id), `${id} in ${[...rules].join(", ")}`);
  }
  // The network family: lookups, contacts, a known certificate and a client fingerprint.
  const network = new Set(runs.find((r) => r.family === "network")!.detections.map((d) => d.module));
  for (const m of ["dns", "tls", "http", "certificates"]) assert.ok(network.has(m), `${m} in ${[...network].join(", ")}`);
  // Exposure: the backup's iOS and the Android patch level are out of date.
  const kinds = (family: string) => (JSON.parse(readFileSync(join(runs.find((r) => r.family === family)!.out, "exposure.json"), "utf8")) as Exposure[]).map((e) => e.kind);
  assert.ok(kinds("iOS backup").includes("outdated_os"), kinds("iOS backup").join(", "));
  assert.ok(kinds("Android").includes("old_security_patch"), kinds("Android").join(", "));
});

test("the French report of each family holds no English sentence of Vigil's catalog", async () => {
  const pieces = englishPieces();
  assert.ok(pieces.length > 300, `${pieces.length} English pieces`);
  for (const r of runs) {
    const html = readFileSync(await writeHtmlReport(r.out, { lang: "fr", out: join(r.out, "report-fr.html") }), "utf8");
    const text = visibleText(html);
    assertNoEnglish(`${r.family} report`, text, pieces);
    // Every detection's English title is replaced by its French one.
    for (const d of r.detections) assert.ok(!text.includes(d.title), `${r.family}: English title shown: ${d.title}`);
    assert.match(text, /Verdict/);
    assert.match(text, /Ce qui a été vérifié/);
  }
});

test("the French report and terminal summary show the exposure entries in French", async () => {
  const pieces = englishPieces();
  for (const family of ["iOS backup", "Android"]) {
    const r = runs.find((x) => x.family === family)!;
    const exposure = JSON.parse(readFileSync(join(r.out, "exposure.json"), "utf8")) as Exposure[];
    const text = visibleText(readFileSync(join(r.out, "report-fr.html"), "utf8"));
    const summary = r.stdout.slice(r.stdout.indexOf("Verdict :"));
    assert.match(summary, /Exposition \(ce à quoi le téléphone était exposé/);
    for (const e of exposure) {
      if (e.kind === "exploited_flaw") continue;
      const title = render("fr", msg(`exposure.${e.kind}.title`, e.params));
      assert.notEqual(title, e.title, e.kind);
      assert.ok(text.includes(title) && !text.includes(e.title), `${family}: ${title}`);
      assert.ok(text.includes(render("fr", msg(`exposure.${e.kind}.meaning`, e.params))), `${family}: ${e.kind} meaning`);
      assert.ok(summary.includes(title), `${family} summary: ${title}`);
    }
    // Exploited flaws: one table in the report, each row's fix and why the phone was open to it
    // in French; one line in the terminal.
    const flaws = exposure.filter((e) => e.kind === "exploited_flaw");
    assert.ok(flaws.length > 0, `${family}: exploited flaws`);
    assert.ok(text.includes(render("fr", msg("exposure.flaws.title", { count: flaws.length }))), `${family}: flaws table`);
    for (const e of flaws) {
      const m = flawMessages(e);
      assert.ok(m.fixed_in && m.reason, `${family} ${e.params.cve}: messages`);
      for (const w of [m.fixed_in!, m.reason!]) {
        const fr = typeof w === "string" ? w : render("fr", w);
        assert.ok(text.includes(fr), `${family} ${e.params.cve}: ${fr}`);
      }
    }
    const line = render("fr", msg("terminal.exploited_flaws", { count: flaws.length, attributed: flaws.filter((e) => e.params.used_for).length, list: "" }));
    assert.ok(summary.includes(line.trim()), `${family} summary: ${line}`);
    assertNoEnglish(`${family} exposure`, text.slice(text.indexOf("Exposition")), pieces);
  }
});

test("too little to say: the verdict, what was missing and how to get more, in French", async () => {
  const pieces = englishPieces();
  const summary = JSON.parse(readFileSync(join(tooLittle.out, "summary.json"), "utf8")) as Summary;
  assert.equal(summary.verdict, "too_little_to_say");
  assert.ok(summary.missing.length > 0 && summary.advice);
  const text = visibleText(readFileSync(await writeHtmlReport(tooLittle.out, { lang: "fr", out: join(tooLittle.out, "report-fr.html") }), "utf8"));
  assert.match(text, /Trop peu a pu être vérifié pour conclure/);
  for (const m of summary.missing) assert.ok(text.includes(render("fr", msg(`need.${m.need}`, m.params))), m.need);
  assert.ok(text.includes(render("fr", msg(`advice.${summary.advice!.id}`))));
  assertNoEnglish("too little report", text, pieces);
  const terminal = tooLittle.stdout.slice(tooLittle.stdout.indexOf("Verdict :"));
  assert.match(terminal, /^Verdict : TROP PEU A PU ÊTRE VÉRIFIÉ POUR CONCLURE/);
  assert.match(terminal, /Manquant pour une vérification sérieuse :/);
  assertNoEnglish("too little summary", terminal, pieces);
});

test("a case in French: its report and its terminal summary, the correlated detection included", async () => {
  const pieces = englishPieces();
  const root = join(dir, "case");
  mkdirSync(root, { recursive: true });
  // A message with a link from a stranger in a backup, and a crash of a message parser two minutes later in a sysdiagnose.
  const { backup, sysdiag } = await buildCaseEvidence(root);
  const home = join(root, "home");
  mkdirSync(home);
  const env = { VIGIL_HOME: home };
  const caseDir = join(root, "case-ana");
  assert.equal((await runVigil(["case", "init", caseDir, "--name", "Ana", "--no-archive"], env)).status, 0);
  const add = await runVigil(["case", "add", caseDir, backup, sysdiag, "--iocs", iocs, "--no-archive", "--quiet", "--lang", "fr"], env);
  assert.equal(add.status, 10, add.stderr + add.stdout);
  const correlations = JSON.parse(readFileSync(join(caseDir, "correlations.json"), "utf8")) as Detection[];
  assert.equal(correlations[0]?.rule?.id, "CASE-DELIVERY-CRASH-01");
  const frTitle = render("fr", correlations[0]!.message!.title);
  assert.match(frTitle, /^Plantage de IMTranscoderAgent 2 min après un message de /);
  // The terminal summary.
  const terminal = add.stdout.slice(add.stdout.indexOf("Dossier « Ana »"));
  assert.match(terminal, /Verdict : SIGNES QUI MÉRITENT L'EXAMEN D'UN EXPERT/);
  assert.ok(terminal.includes(frTitle), terminal);
  assert.match(terminal, /Remarque : Les contacts n'ont pas pu être lus/);
  assertNoEnglish("case summary", terminal, pieces);
  // The report.
  const text = visibleText(readFileSync(join(caseDir, "report.html"), "utf8"));
  assert.match(text, /Détections corrélées \(entre acquisitions\)/);
  assert.ok(text.includes(frTitle) && !text.includes(correlations[0]!.title));
  assert.ok(text.includes(render("fr", correlations[0]!.message!.why!)));
  assertNoEnglish("case report", text, pieces);
  // The status and the report rebuilt in French too.
  const status = await runVigil(["case", "status", caseDir, "--lang", "fr"], env);
  assert.match(status.stdout, /Verdict : SIGNES QUI MÉRITENT L'EXAMEN D'UN EXPERT/);
  assertNoEnglish("case status", status.stdout, pieces);
  writeFileSync(join(caseDir, "report.html"), "");
  const rebuilt = await runVigil(["case", "report", caseDir, "--no-archive", "--lang", "fr"], env);
  assert.equal(rebuilt.status, 10, rebuilt.stderr);
  assert.match(readFileSync(join(caseDir, "report.html"), "utf8"), /Détections corrélées/);
});

test("the French terminal summary holds no English sentence of Vigil's catalog", () => {
  const pieces = englishPieces();
  for (const r of runs) {
    const summary = r.stdout.slice(r.stdout.indexOf("Verdict :"));
    assert.match(summary, /^Verdict : /, r.family);
    assertNoEnglish(`${r.family} summary`, summary, pieces);
    for (const d of r.detections.slice(0, 10)) assert.ok(!summary.includes(d.title), `${r.family}: ${d.title}`);
  }
});

test("the report checked in French reads back in English, from the same results", async () => {
  const html = readFileSync(await writeHtmlReport(runs[0].out, { lang: "en", out: join(runs[0].out, "report-en.html") }), "utf8");
  const text = visibleText(html);
  for (const d of runs[0].detections) assert.ok(text.includes(d.title), d.title);
});
