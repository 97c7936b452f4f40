// The verdict, the "too little to say" state, and the agreement of the terminal summary,
// summary.json and report.html on the same verdict, coverage and counts.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import type { Coverage, Exposure } from "../../../src/core/model.ts";
import { EXIT } from "../../../src/core/model.ts";
import { translator } from "../../../src/core/i18n/index.ts";
import { formatSummary, summarize, verdictOf } from "../../../src/report/summary.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");
const tmp = mkdtempSync(join(tmpdir(), "vigil-summary-"));

const cov = (module: string, status: Coverage["status"]): Coverage => ({ module, title: module, status });
const lockdownOff: Exposure = { kind: "lockdown_off", level: "risk", params: {}, module: "global_preferences", title: "Lockdown Mode is off", what_it_means: "..." };

test("verdictOf: too little to say only when nothing was found; detections always win", () => {
  assert.equal(verdictOf([], [{ need: "messages" }]), "too_little_to_say");
  assert.equal(verdictOf([], []), "no_known_traces");
  assert.equal(verdictOf([{ kind: "heuristic", grade: "weak" }], [{ need: "messages" }]), "worth_a_look");
  assert.equal(verdictOf([{ kind: "indicator", grade: "strong" }], [{ need: "messages" }]), "traces_found");
});

test("summarize: exposure never changes the verdict or the exit code; missing essentials give exit 20 with what is missing and how to get more", () => {
  const full = ["manifest", "sms", "safari_history", "datausage"].map((m) => cov(m, "checked"));
  const ok = summarize({ detections: [], coverage: full, kind: "ios_backup", exposure: [lockdownOff] });
  assert.equal(ok.verdict, "no_known_traces");
  assert.equal(ok.exitCode, EXIT.nothingFound);
  assert.deepEqual(ok.exposure, [lockdownOff]);
  assert.deepEqual(ok.missing, []);
  assert.equal(ok.advice, undefined);

  const noSafari = summarize({ detections: [], coverage: [...full.slice(0, 2), cov("safari_history", "failed"), full[3]], kind: "ios_backup", exposure: [lockdownOff] });
  assert.equal(noSafari.verdict, "too_little_to_say");
  assert.equal(noSafari.exitCode, EXIT.incomplete);
  assert.deepEqual(noSafari.missing, [{ need: "safari", modules: ["safari_history"], what: translator("en")("need.safari") }]);
  assert.equal(noSafari.advice?.id, "ios_backup");
  assert.match(noSafari.advice!.text, /encrypt/i);
  assert.deepEqual(noSafari.coverage, { checked: 3, failed: 1, absent: 0, not_applicable: 0 });

  const signs = summarize({ detections: [{ kind: "heuristic", grade: "weak" }], coverage: full.slice(1), kind: "ios_backup" });
  assert.equal(signs.verdict, "worth_a_look");
  assert.equal(signs.exitCode, EXIT.detections);
  assert.deepEqual(signs.missing.map((m) => m.need), ["backup_manifest"], "still said, next to the signs");

  // A dump holding only a contacts database is not "nothing found".
  const dump = summarize({ detections: [], coverage: [cov("filesystem", "checked"), cov("contacts", "checked"), cov("datausage", "checked")], kind: "ios_fs" });
  assert.deepEqual(dump.missing.map((m) => [m.need, m.params]), [["more_artifacts", { checked: 2, count: 5 }]]);
  assert.equal(dump.verdict, "too_little_to_say");

  // Results of unknown origin (MVT's) have no requirement.
  assert.equal(summarize({ detections: [], coverage: [] }).verdict, "no_known_traces");
});

test("formatSummary: the terminal states the fourth verdict, what was missing, how to get more, and the exposure", () => {
  const s = summarize({ detections: [], coverage: [cov("getprop", "checked"), cov("packages", "absent")], kind: "androidqf", exposure: [lockdownOff] });
  const text = formatSummary(s, { lang: "en" });
  assert.match(text, /Verdict: TOO LITTLE COULD BE CHECKED TO SAY/);
  assert.match(text, /1 of 2 artifacts checked; 0 could not be checked; 1 not in this acquisition\./);
  assert.match(text, /the list of installed apps \(packages, dumpsys_packages\)/);
  assert.match(text, /How to get more: Run androidqf again/);
  assert.match(text, /\[risk\] Lockdown Mode is off/);
  const fr = formatSummary(s, { lang: "fr" });
  assert.match(fr, /TROP PEU A PU ÊTRE VÉRIFIÉ POUR CONCLURE/);
  assert.match(fr, /Le mode Isolement est désactivé/);
});

function vigil(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", LANG: "C", LC_ALL: "" }, stdio: ["ignore", "pipe", "pipe"] });
}

/** What the terminal, summary.json and report.html each state: verdict, detections per grade, coverage counts, missing needs, exposure kinds. */
function stated(terminal: string, dir: string) {
  const en = translator("en");
  const verdictLine = /^Verdict: (.*?)(?: \(check INCOMPLETE.*)?$/m.exec(terminal)?.[1];
  const fromTerminal = {
    verdict: ["traces_found", "worth_a_look", "too_little_to_say", "no_known_traces"].find((v) => en(`terminal.verdict.${v}`) === verdictLine),
    detections: (([, s, m, w]) => ({ strong: +s, medium: +m, weak: +w }))(/^Detections: (\d+) strong, (\d+) medium, (\d+) weak$/m.exec(terminal)!),
    coverage: (([, c, , f, a]) => ({ checked: +c, failed: +f, absent: +a }))(/^(\d+) of (\d+) artifacts checked; (\d+) could not be checked; (\d+) not in this acquisition\.$/m.exec(terminal)!),
    missing: [...terminal.matchAll(/^ {2}- (.*?)(?: \([a-z_, ]+\))?$/gm)].map((m) => m[1]),
    exposure: [...terminal.matchAll(/^ {2}\[(risk|context)\] (.*)$/gm)].map((m) => m[2]).filter((x) => !x.startsWith("Flaws exploited")),
    // The terminal counts the exploited flaws on one line; the others list them.
    flaws: Number(/^ {2}\[risk\] Flaws exploited in the wild that the phone was open to at acquisition time: (\d+) /m.exec(terminal)?.[1] ?? 0),
  };
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  const fromJson = {
    verdict: s.verdict,
    detections: s.detections,
    coverage: { checked: s.coverage.checked, failed: s.coverage.failed, absent: s.coverage.absent },
    missing: s.missing.map((m: { what: string }) => m.what),
    exposure: s.exposure.filter((e: { kind: string }) => e.kind !== "exploited_flaw").map((e: { title: string }) => e.title),
    flaws: s.exposure.filter((e: { kind: string }) => e.kind === "exploited_flaw").length,
  };
  const html = readFileSync(join(dir, "report.html"), "utf8");
  const attr = (re: RegExp) => Number(re.exec(html)?.[1]);
  const fromReport = {
    verdict: /data-verdict="([a-z_]+)"/.exec(html)?.[1],
    detections: { strong: attr(/data-grade="strong" data-count="(\d+)"/), medium: attr(/data-grade="medium" data-count="(\d+)"/), weak: attr(/data-grade="weak" data-count="(\d+)"/) },
    coverage: { checked: attr(/data-checked="(\d+)"/), failed: attr(/data-failed="(\d+)"/), absent: attr(/data-absent="(\d+)"/) },
    missing: [...html.matchAll(/<li data-need="[a-z_]+"><span data-i18n="need\.[a-z_]+"(?: data-i18n-args="[^"]*")?>([^<]*)<\/span>/g)].map((m) => m[1].replace(/&#39;/g, "'")),
    exposure: [...html.matchAll(/<article class="exposure[^"]*"[^>]*><h4><span class="badge">.*?<\/span><\/span> <span data-i18n="exposure\.[a-z_]+\.title"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]),
    flaws: html.match(/<tr data-kind="exploited_flaw"/g)?.length ?? 0,
  };
  return { fromTerminal, fromJson, fromReport };
}

let backup: string;
before(async () => {
  backup = (await buildSyntheticBackup(join(tmp, "backup"), { sms: 5, smsLinkShare: 0.3, safariVisits: 5, processes: 5, whatsapp: 3, manifestFiles: 5 }, { planted: DEMO_PLANTED })).dir;
});

test("a check of an iPhone backup: the terminal summary, summary.json and report.html state the same verdict, coverage, counts and exposure", () => {
  const out = join(tmp, "out-backup");
  const r = vigil(["check-backup", backup, "--iocs", IOCS, "--output", out]);
  assert.equal(r.status, EXIT.detections, r.stderr);
  const { fromTerminal, fromJson, fromReport } = stated(r.stdout, out);
  assert.equal(fromJson.verdict, "traces_found");
  assert.ok(fromJson.detections.strong > 0);
  assert.ok(fromJson.coverage.checked >= 10 && fromJson.coverage.absent > 0, JSON.stringify(fromJson.coverage));
  assert.ok(fromJson.exposure.length > 0, "the synthetic phone runs an outdated iOS");
  assert.ok(fromJson.flaws > 10, "iOS 14.6 was open to flaws exploited in the wild");
  assert.deepEqual(fromTerminal, fromJson);
  assert.deepEqual(fromReport, fromJson);
});

test("androidqf holding only getprop.txt: too little could be checked to say (exit 20), the same in the terminal, summary.json and report.html", () => {
  const dir = join(tmp, "androidqf-getprop-only");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "getprop.txt"), "[ro.product.model]: [Pixel 7]\n[ro.build.version.release]: [14]\n[ro.build.version.security_patch]: [2025-08-05]\n");
  const out = join(tmp, "out-aqf");
  const r = vigil(["check-androidqf", dir, "--iocs", IOCS, "--output", out]);
  assert.equal(r.status, EXIT.incomplete, r.stderr);
  const { fromTerminal, fromJson, fromReport } = stated(r.stdout, out);
  assert.equal(fromJson.verdict, "too_little_to_say");
  assert.deepEqual(fromJson.missing, [translator("en")("need.app_list"), translator("en")("need.processes_or_services")]);
  assert.deepEqual(fromTerminal, fromJson);
  assert.deepEqual(fromReport, fromJson);
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.equal(s.advice.id, "androidqf");
  assert.equal(s.exitCode, EXIT.incomplete);
  assert.match(readFileSync(join(out, "report.html"), "utf8"), /class="verdict v-too_little_to_say"/);
});
