// Reading results folders back (`vigil report`, check-iocs): a file of an unexpected shape is
// refused with one line naming it and what was expected, never a JavaScript error; results of an
// older Vigil and informational entries are read as what they are.
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { EXIT } from "../../../src/core/model.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { loadResults, readTimeline } from "../../../src/report/load-results.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";
import { buildResultsFolder } from "../../helpers/results-fixture.ts";
import { runVigil } from "../../helpers/evidence.ts";

const tmp = mkdtempSync(join(tmpdir(), "vigil-load-results-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
let good: string;

before(async () => {
  good = await buildResultsFolder();
});

/** A copy of the good results folder with `file` replaced by `text`. */
function variant(name: string, file: string, text: string): string {
  const dir = join(tmp, name);
  cpSync(good, dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return dir;
}

const CASES: [string, string, string, RegExp][] = [
  ["coverage-object", "coverage.json", '{"sms":"checked"}', /coverage\.json: not a list of coverage entries \(module, title, status\): expected Array, found Object$/],
  ["coverage-status", "coverage.json", '[{"module":"sms","title":"SMS","status":7}]', /coverage\.json: not a list of coverage entries .*: \[0\]\.status: expected \(.*\), found 7$/],
  ["alerts-object", "alerts.json", '{"detections":[]}', /alerts\.json: not a list of detections .*: expected Array, found Object$/],
  ["alerts-grade", "alerts.json", '[{"module":"m","grade":"huge","kind":"indicator","title":"t","matched":"x","artifact":"a"}]', /alerts\.json: .*\[0\]\.grade: expected \("strong" \| "medium" \| "weak"\), found "huge"$/],
  ["alerts-informational", "alerts.json", '[{"module":"m","level":"INFORMATIONAL","kind":"informational"}]', /alerts\.json: .*\[0\]\.title: missing$/],
  ["exposure-object", "exposure.json", '{"outdated_os":true}', /exposure\.json: not a list of exposure entries .*: expected Array, found Object$/],
  ["exposure-params", "exposure.json", '[{"kind":"outdated_os","level":"risk","params":[],"module":"device","title":"t","what_it_means":"w"}]', /exposure\.json: .*\[0\]\.params: expected Object, found Array$/],
  ["info-inputs", "info.json", '{"tool":"vigil","version":"1","command":[],"started":"s","acquisition":{"kind":"k","path":"p","encrypted":false},"inputs":5,"iocs":{"sets":[],"errors":[]}}', /info\.json: not Vigil's run information .*: inputs: expected Array, found 5$/],
];

for (const [name, file, text, expected] of CASES) {
  test(`loadResults refuses ${name}, naming ${file}`, () => {
    const dir = variant(name, file, text);
    assert.throws(
      () => loadResults(dir),
      (e: unknown) => e instanceof VigilError && e.file === join(dir, file) && expected.test(e.oneLine()),
    );
  });
}

test("an MVT folder's _detected.json that is not a list of records is refused, naming it", () => {
  const dir = join(tmp, "mvt");
  cpSync(good, dir, { recursive: true });
  for (const f of ["coverage.json", "alerts.json", "info.json"]) rmSync(join(dir, f));
  writeFileSync(join(dir, "sms_detected.json"), '[["not", "a", "record"]]');
  assert.throws(() => loadResults(dir), (e: unknown) => e instanceof VigilError && /sms_detected\.json: not a list of records .*: \[0\]: expected Object, found Array$/.test(e.oneLine()));
});

test("an MVT alert list with a null matched_indicator (an alert that matched none) is read", () => {
  const dir = join(tmp, "mvt-null");
  cpSync(good, dir, { recursive: true });
  for (const f of ["coverage.json", "alerts.json", "info.json"]) rmSync(join(dir, f));
  const alert = { level: "HIGH", module: "calls", message: "Found a suspicious thing", event_time: "2024-05-01 10:00:00.000000", event: { text: "x" }, matched_indicator: null };
  writeFileSync(join(dir, "calls_detected.json"), JSON.stringify([alert]));
  const r = loadResults(dir);
  assert.deepEqual(r.detections.filter((d) => d.module === "calls").map((d) => [d.kind, d.rule?.id]), [["heuristic", "mvt-alert-high"]]);
});

test("vigil report on a coverage.json of the wrong shape: exit 1, one line naming it", async () => {
  const dir = join(tmp, "coverage-object");
  const r = await runVigil(["report", dir, "--out", join(tmp, "r.html")]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `vigil: error: ${join(dir, "coverage.json")}: not a list of coverage entries (module, title, status): expected Array, found Object\n`);
});

/** The weak rules an older Vigil wrote for an outdated iOS and an old patch level. */
const LEGACY = [
  { module: "backup_info", grade: "weak", kind: "heuristic", title: "Outdated iOS 14.3: iOS 26.1 is available", matched: "14.3", rule: { id: "ios-outdated", description: "" }, artifact: "Info.plist" },
  { module: "getprop", grade: "weak", kind: "heuristic", title: "Outdated security patch level: 2021-06-05 (51 months older than the 2025-09-01 bulletin)", matched: "2021-06-05", rule: { id: "android-outdated-security-patch", description: "" }, artifact: "getprop.txt" },
];

test("results of an older Vigil: its outdated-iOS and old-patch rules are read back as exposure, never as signs; re-checked, they do not make exit 10", async () => {
  const dir = await buildResultsFolder({ planted: false });
  const out = mkdtempSync(join(tmpdir(), "vigil-legacy-"));
  try {
    writeFileSync(join(dir, "alerts.json"), JSON.stringify(LEGACY));
    unlinkSync(join(dir, "exposure.json"));
    const r = loadResults(dir);
    assert.deepEqual(r.detections, []);
    assert.deepEqual(
      r.exposure.map((e) => [e.kind, e.title]),
      [
        ["outdated_os", "iOS 14.3 is out of date: iOS 26.1 is available"],
        ["old_security_patch", "Old Android security patch: 2021-06-05, 51 months before the 2025-09-01 bulletin"],
      ],
    );
    writeFileSync(join(out, "domains.txt"), "nothing-here.example\n");
    const re = await checkIocs(dir, { output: join(out, "re"), quiet: true, iocs: [join(out, "domains.txt")] });
    const summary = JSON.parse(readFileSync(join(out, "re", "summary.json"), "utf8"));
    assert.deepEqual(summary.detections, { strong: 0, medium: 0, weak: 0 });
    assert.equal(summary.exposure.length, 2);
    // The fixture backup holds none of what a backup check needs: too little to say, never "worth a look".
    assert.equal(re.exitCode, EXIT.incomplete);
    assert.equal(summary.verdict, "too_little_to_say");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("alerts.json: informational entries are read apart from the detections", async () => {
  const dir = await buildResultsFolder();
  try {
    const alerts = JSON.parse(readFileSync(join(dir, "alerts.json"), "utf8"));
    writeFileSync(join(dir, "alerts.json"), JSON.stringify([...alerts, { module: "global_preferences", level: "INFORMATIONAL", kind: "informational", title: "Lockdown Mode is on", exposure: "lockdown_on" }]));
    const r = loadResults(dir);
    assert.equal(r.detections.length, 1);
    assert.deepEqual(r.informational.map((i) => i.exposure), ["lockdown_on"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("timeline.csv: a stray quote followed by many lines is read in linear time", async () => {
  const dir = join(tmp, "stray-quote");
  mkdirSync(dir);
  const head = '"UTC Timestamp","Plugin","Event","Description"\n';
  const good = '"2024-01-01 00:00:00.000000","sms","message","a ""quoted"" word,\nand a line break"\n';
  writeFileSync(join(dir, "timeline.csv"), head + good + '"2024-01-02 00:00:00.000000","m","e","open quote\n' + "x,y,z,w\n".repeat(200_000));
  const problems: string[] = [];
  const events = await withinCpu(5, "a timeline of 200,000 lines after a stray quote", async () => {
    const out = [];
    for await (const e of readTimeline(dir, "timeline.csv", (m) => problems.push(m))) out.push(e);
    return out;
  });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.description, 'a "quoted" word,\nand a line break');
  // The lines the stray quote swallowed are said to be lost, not dropped in silence.
  assert.deepEqual(problems, [`${join(dir, "timeline.csv")}: line 4 opens a quoted field that is never closed; lines 4 to 200004 could not be read`]);
});

test("timeline.csv: a line longer than a string can hold is skipped and said, not an uncaught RangeError", async () => {
  const dir = join(tmp, "long-line");
  mkdirSync(dir);
  const path = join(dir, "timeline.csv");
  writeFileSync(path, '"UTC Timestamp","Plugin","Event","Description"\n"2024-01-01 00:00:00.000000","sms","message","before"\n"2024-01-01 00:00:01.000000","sms","message","');
  // 600 MB without a line break (a hole of NULs: no disk used), past V8's longest string (512 MB).
  const size = 600 * 1024 * 1024;
  truncateSync(path, size);
  appendFileSync(path, '"\n"2024-01-01 00:00:02.000000","sms","message","after"\n');
  const problems: string[] = [];
  const events = [];
  for await (const e of readTimeline(dir, "timeline.csv", (m) => problems.push(m))) events.push(e);
  assert.deepEqual(events.map((e) => e.description), ["before", "after"]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /timeline\.csv: line 3 is 629,145,\d+ characters long, past 16 MB; it was skipped$/);
});

test("timeline.csv: rows end at LF, CRLF or a lone CR, inside quotes too", async () => {
  const dir = join(tmp, "line-ends");
  mkdirSync(dir);
  const rows = ['"2024-01-01 00:00:00.000000","a","b","one"', '"2024-01-01 00:00:01.000000","a","b","two\r\nlines"', '"2024-01-01 00:00:02.000000","a","b","three\rparts\rhere"', '"2024-01-01 00:00:03.000000","a","b","last"'];
  writeFileSync(join(dir, "timeline.csv"), rows.join("\r") + "\r");
  const events = [];
  for await (const e of readTimeline(dir, "timeline.csv", () => assert.fail("no problem"))) events.push(e);
  assert.deepEqual(events.map((e) => e.description), ["one", "two\nlines", "three\nparts\nhere", "last"]);
});

test("timeline.csv: rows without a readable time are counted as skipped", async () => {
  const dir = join(tmp, "untimed");
  mkdirSync(dir);
  writeFileSync(join(dir, "timeline.csv"), '"UTC Timestamp","Plugin","Event","Description"\n"2024-01-01 00:00:00.000000","sms","message","ok"\n"yesterday","sms","message","x"\n"","a","b","c"\n');
  const problems: string[] = [];
  const events = [];
  for await (const e of readTimeline(dir, "timeline.csv", (m) => problems.push(m))) events.push(e);
  assert.equal(events.length, 1);
  assert.deepEqual(problems, [`${join(dir, "timeline.csv")}: 2 rows without a readable time were skipped`]);
});

test("a results file nested deeper than Vigil or MVT writes is refused, naming it (the report would overflow the stack)", () => {
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const vigilDir = variant("deep-alerts", "alerts.json", readFileSync(join(good, "alerts.json"), "utf8").replace(/^\[\s*\{/, `[{"record": ${deep}, `));
  assert.throws(() => loadResults(vigilDir), (e: unknown) => e instanceof VigilError && /alerts\.json: not a list of detections .*: nested more than 512 levels deep$/.test(e.oneLine()));
  const mvtDir = join(tmp, "deep-mvt");
  mkdirSync(mvtDir);
  writeFileSync(join(mvtDir, "sms_detected.json"), `[{"text": "https://evil.example/a", "deep": ${deep}, "matched_indicator": {"value": "evil.example", "type": "domain-name:value", "name": "Pegasus"}}]`);
  assert.throws(() => loadResults(mvtDir), (e: unknown) => e instanceof VigilError && /sms_detected\.json: .*nested more than 512 levels deep$/.test(e.oneLine()));
});

test("catalog messages of alerts.json and coverage.json that are no messages (an object or 'constructor' as id, null parameters), and an MVT level that is an object: the report is built or the file refused, never a TypeError", async () => {
  const { writeHtmlReport } = await import("../../../src/report/html/index.ts");
  const alerts = JSON.parse(readFileSync(join(good, "alerts.json"), "utf8")) as Record<string, any>[];
  const coverage = JSON.parse(readFileSync(join(good, "coverage.json"), "utf8")) as Record<string, any>[];
  const det = alerts.findIndex((a) => a.vigil_message);
  writeFileSync(join(tmp, "domains.txt"), "evil.example\n");
  assert.ok(det >= 0);
  const bad = { toString: 1 };
  const damaged: [string, (a: Record<string, any>[], c: Record<string, any>[]) => void][] = [
    ["id-object", (a) => (a[det].vigil_message.title.id = bad)],
    ["id-constructor", (a) => (a[det].vigil_message.title = { id: "constructor" })],
    ["id-proto", (a) => (a[det].vigil_message.title = { id: "__proto__", params: { n: 2 } })],
    ["param-null", (a) => (a[det].vigil_message.title.params = { set: null, type: [null] })],
    ["reason-id-object", (_a, c) => Object.assign(c[0], { status: "failed", reason: "r", reason_message: { id: bad } })],
  ];
  for (const [name, damage] of damaged) {
    const a = structuredClone(alerts);
    const c = structuredClone(coverage);
    damage(a, c);
    const dir = variant(`messages-${name}`, "alerts.json", JSON.stringify(a));
    writeFileSync(join(dir, "coverage.json"), JSON.stringify(c));
    for (const lang of ["en", "fr"]) {
      const out = await writeHtmlReport(dir, { lang, out: join(dir, `report-${lang}.html`) });
      assert.match(readFileSync(out, "utf8"), /<\/html>/, name);
    }
    // check-iocs carries the failed module over with its reason.
    const r = await checkIocs(dir, { iocs: [join(tmp, "domains.txt")], output: join(tmp, `recheck-${name}`), quiet: true }).catch((e: unknown) => e);
    assert.ok(!(r instanceof TypeError), `${name}: ${String(r)}`);
  }
  const a = structuredClone(alerts);
  a[det].mvt = { level: bad, message: "m" };
  const dir = variant("messages-mvt-level", "alerts.json", JSON.stringify(a));
  assert.throws(() => loadResults(dir), (e) => e instanceof VigilError && /\[\d+\]\.mvt\.level: expected string, found Object/.test(e.message));
});

test("info.json's data sets of the wrong shape are refused naming the file; a language this Vigil has no catalog for gives the report in the default language", async () => {
  const { writeHtmlReport } = await import("../../../src/report/html/index.ts");
  const info = JSON.parse(readFileSync(join(good, "info.json"), "utf8")) as Record<string, unknown>;
  const bad = { toString: 1 };
  for (const [name, datasets, why] of [
    ["text", "abc", /datasets: expected Array/],
    ["null", [null], /datasets\[0\]: expected Object, found null/],
    ["object-name", [{ name: bad, kind: "given", path: "p", source: "s", stale: false }], /datasets\[0\]\.name: expected string, found Object/],
  ] as const) {
    const dir = variant(`datasets-${name}`, "info.json", JSON.stringify({ ...info, datasets }));
    await assert.rejects(writeHtmlReport(dir, { out: join(dir, "r.html") }), (e) => e instanceof VigilError && e.file === join(dir, "info.json") && why.test(e.message));
  }
  const dir = variant("datasets-ok-lang-zz", "info.json", JSON.stringify({ ...info, lang: "zz", datasets: [{ name: "indicators", kind: "given", path: "p", source: "s", stale: false }] }));
  assert.match(readFileSync(await writeHtmlReport(dir, { out: join(dir, "r.html") }), "utf8"), /<\/html>/);
});

test("an acquisition kind in info.json that names an inherited property ('constructor'): the report and check-iocs are built as for an unknown kind, never a TypeError", async () => {
  const { writeHtmlReport } = await import("../../../src/report/html/index.ts");
  const info = JSON.parse(readFileSync(join(good, "info.json"), "utf8")) as { acquisition: Record<string, unknown> };
  for (const field of ["kind", "original_kind"]) {
    const dir = variant(`kind-${field}`, "info.json", JSON.stringify({ ...info, acquisition: { ...info.acquisition, [field]: "constructor" } }));
    assert.match(readFileSync(await writeHtmlReport(dir, { out: join(dir, "r.html") }), "utf8"), /<\/html>/);
    writeFileSync(join(tmp, "domains.txt"), "evil.example\n");
    const r = await checkIocs(dir, { iocs: [join(tmp, "domains.txt")], output: join(tmp, `kind-${field}-recheck`), quiet: true });
    assert.ok([EXIT.nothingFound, EXIT.detections, EXIT.incomplete].includes(r.exitCode as 0));
  }
});
