import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EXIT } from "../../../src/core/model.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { esc } from "../../../src/report/html/render.ts";
import { verdictOf } from "../../../src/report/summary.ts";
import { buildResultsFolder, PLANTED_DOMAIN } from "../../helpers/results-fixture.ts";

test("results folder: MVT-style files, sorted timeline, coverage with absent and failed", async () => {
  const dir = await buildResultsFolder();
  const alerts = JSON.parse(readFileSync(join(dir, "alerts.json"), "utf8"));
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].matched_indicator.value, PLANTED_DOMAIN);
  assert.equal(alerts[0].matched_indicator.name, "Planted test set");
  assert.equal(alerts[0].module, "test_visits");
  assert.equal(alerts[0].artifact, "HomeDomain/visits.txt");
  assert.equal(alerts[0].timestamp, "2026-01-15T10:03:00.000Z");

  const cov = JSON.parse(readFileSync(join(dir, "coverage.json"), "utf8"));
  const by = Object.fromEntries(cov.map((c: { module: string }) => [c.module, c]));
  assert.equal(by.test_visits.status, "checked");
  assert.equal(by.test_visits.records, 151);
  assert.equal(by.test_missing.status, "absent");
  assert.equal(by.test_broken.status, "failed");
  assert.match(by.test_broken.reason, /HomeDomain\/broken\.db: not an SQLite database/);

  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.equal(summary.verdict, "traces_found");
  assert.equal(summary.incomplete, true);
  assert.equal(summary.exitCode, EXIT.detections);

  const timeline = readFileSync(join(dir, "timeline.csv"), "utf8").trim().split("\r\n");
  assert.equal(timeline[0], '"UTC Timestamp","Plugin","Event","Description"');
  assert.equal(timeline.length, 152);
  const stamps = timeline.slice(1).map((l) => l.split(",")[0]);
  assert.deepEqual(stamps, [...stamps].sort());
  // MVT's timestamp form, in UTC: "YYYY-MM-DD HH:MM:SS.ffffff" (Vigil's milliseconds padded).
  const mvtForm = /^"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}000"$/;
  for (const s of stamps) assert.match(s, mvtForm);
  const detected = readFileSync(join(dir, "timeline_detected.csv"), "utf8").trim().split("\r\n");
  assert.equal(detected.length, 2);
  assert.equal(detected[0], '"UTC Timestamp","Plugin","Event","Description"');
  assert.match(detected[1].split(",")[0], mvtForm);
  assert.equal(detected[1].split(",")[0], '"2026-01-15 10:03:00.000000"');
  assert.match(detected[1], new RegExp(PLANTED_DOMAIN.replace(/\./g, "\\.")));

  const perModule = JSON.parse(readFileSync(join(dir, "test_visits.json"), "utf8"));
  assert.equal(perModule.length, 151);
  const det = JSON.parse(readFileSync(join(dir, "test_visits_detected.json"), "utf8"));
  assert.equal(det.length, 1);
  assert.equal(det[0].matched_indicator.value, PLANTED_DOMAIN);
});

test("verdict: weak or heuristic only is worth a look, never traces found", () => {
  assert.equal(verdictOf([]), "no_known_traces");
  assert.equal(verdictOf([{ kind: "indicator", grade: "weak" }]), "worth_a_look");
  assert.equal(verdictOf([{ kind: "heuristic", grade: "strong" }]), "worth_a_look");
  assert.equal(verdictOf([{ kind: "indicator", grade: "medium" }]), "traces_found");
});

test("report.html: self-contained, verdict and planted detection readable without script", async () => {
  const dir = await buildResultsFolder();
  const path = await writeHtmlReport(dir, { lang: "en" });
  const html = readFileSync(path, "utf8");
  assert.match(html, /Traces of known spyware found/);
  assert.match(html, /The check is incomplete: 1 artifact/);
  assert.ok(html.includes(PLANTED_DOMAIN));
  assert.match(html, /Test browsing history/);
  assert.match(html, /Could not check/);
  // Nothing that a browser would fetch by itself.
  assert.doesNotMatch(html, /<(link|img|iframe|object|embed|audio|video|source)\b/i);
  assert.doesNotMatch(html, /\bsrc\s*=/i);
  assert.doesNotMatch(html, /url\(|@import/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test("report.html in French; an unknown language is a clear error", async () => {
  const dir = await buildResultsFolder();
  const html = readFileSync(await writeHtmlReport(dir, { lang: "fr" }), "utf8");
  assert.match(html, /<html lang="fr">/);
  assert.match(html, /Traces de logiciel espion connu trouvées/);
  await assert.rejects(writeHtmlReport(dir, { lang: "xx" }), /no catalog for language "xx"/);
});

test("report escapes what comes from evidence", () => {
  assert.equal(esc('<script>alert("x")</script>'), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
});

test("report: no detections gives the no-known-traces verdict, never 'clean'", async () => {
  const dir = await buildResultsFolder({ planted: false });
  const html = readFileSync(await writeHtmlReport(dir, { lang: "en" }), "utf8");
  assert.match(html, /No known traces in what could be checked/);
  const verdict = html.slice(html.indexOf('<section id="verdict"'), html.indexOf('<section id="detections"'));
  assert.doesNotMatch(verdict, /\bclean\b/i);
});

test("report.html: an input read but not hashed shows its reason in place of a hash", async () => {
  const dir = await buildResultsFolder();
  const infoPath = join(dir, "info.json");
  const info = JSON.parse(readFileSync(infoPath, "utf8"));
  info.inputs = [
    { path: "HomeDomain/visits.txt", sha256: "a".repeat(64), size: 10 },
    { path: "gone.db", sha256: "", size: 0, error: "read, but could not be hashed afterwards: ENOENT <gone>" },
  ];
  writeFileSync(infoPath, JSON.stringify(info));
  const html = readFileSync(await writeHtmlReport(dir, { lang: "en" }), "utf8");
  let row = html.slice(html.indexOf("<code>gone.db</code>"));
  row = row.slice(0, row.indexOf("</tr>"));
  assert.match(row, /<td>read, but could not be hashed afterwards: ENOENT &lt;gone&gt;<\/td>/);
  assert.doesNotMatch(row, /class="hash"/, "no empty hash cell");
  assert.ok(html.includes(`<code class="hash">${"a".repeat(64)}</code>`));
});
