import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT } from "../../../src/core/model.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { loadResults } from "../../../src/report/load-results.ts";
import { mapMvtAlerts } from "../../../src/report/mvt-alerts.ts";
import { mvtAndroidqfResults, mvtIndicatorResults, mvtIosBackupResults, mvtResultsFolder } from "../../helpers/mvt-results.ts";

/** Where a report of an MVT folder goes: outside the folder, which stays as MVT wrote it. */
function reportOut(): string {
  return join(mkdtempSync(join(tmpdir(), "vigil-mvt-report-")), "report.html");
}

test("MVT's test backup results: the LOW 'Missing process' is a weak sign and the INFO 'Lockdown mode enabled' is exposure, never a known indicator", async () => {
  const dir = mvtIosBackupResults();
  try {
    const r = loadResults(dir);
    assert.equal(r.origin, "mvt");
    assert.deepEqual(r.detections.filter((d) => d.kind === "indicator"), [], "no alert without a matched indicator becomes a known indicator");
    assert.equal(r.detections.length, 1);
    const d = r.detections[0];
    assert.equal(d.kind, "heuristic");
    assert.equal(d.grade, "weak");
    assert.equal(d.rule?.id, "process-id-gap", "mapped to Vigil's own rule for the same finding");
    assert.match(d.title, /^Missing process 5\. Previous process at/, "MVT's message is kept");
    assert.equal(d.timestamp, "2019-08-27T15:08:09.253Z");
    assert.deepEqual(d.mvt, { level: "LOW", message: d.title });
    assert.equal(d.matched_indicator, undefined);
    assert.deepEqual(r.exposure.map((e) => [e.kind, e.level, e.title]), [["lockdown_on", "info", "Lockdown Mode is on"]]);
    assert.equal(r.exposure[0].source?.message, "Lockdown mode enabled");

    const out = await writeHtmlReport(dir, { lang: "en", out: reportOut() });
    const html = readFileSync(out, "utf8");
    assert.match(html, /data-verdict="worth_a_look"/);
    assert.doesNotMatch(html, /data-i18n="kind\.indicator"/, "no 'Known indicator' card");
    assert.doesNotMatch(html, /indicators of \./);
    assert.match(html, /<article class="exposure x-info" data-kind="lockdown_on"/);
    assert.match(html, /data-fact="device\.lockdown"><th>[^]*?<span data-i18n="device\.lockdown\.on">on<\/span>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("MVT's androidqf results: each alert mapped by kind and level; the old patch level is exposure; INFO does not count", async () => {
  const dir = mvtAndroidqfResults();
  try {
    const r = loadResults(dir);
    const got = r.detections.map((d) => [d.module, d.kind, d.grade, d.rule?.id]).sort();
    assert.deepEqual(got, [
      ["aqf_packages", "heuristic", "weak", "android-app-not-from-store"],
      ["dumpsys_accessibility", "heuristic", "weak", "android-user-accessibility-service"],
      ["root_binaries", "heuristic", "medium", "android-root-binary"],
    ]);
    assert.deepEqual(
      r.exposure.map((e) => [e.kind, e.params]),
      [["old_security_patch", { patch: "2021-06-05", months: r.exposure[0].params.months, bulletin: r.exposure[0].params.bulletin }]],
    );
    assert.ok(Number(r.exposure[0].params.months) > 6);
    assert.deepEqual(r.informational.map((i) => [i.module, i.level]), [["aqf_packages", "INFORMATIONAL"]]);
    const html = readFileSync(await writeHtmlReport(dir, { lang: "en", out: reportOut() }), "utf8");
    // Behaviour signs only: worth a look, never "traces of known spyware".
    assert.match(html, /data-verdict="worth_a_look"/);
    assert.match(html, /third party store/, "the informational entry is listed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an MVT alert with a matched indicator is a known-indicator detection, graded by Vigil's scale", () => {
  const dir = mvtIndicatorResults();
  try {
    const r = loadResults(dir);
    assert.equal(r.detections.length, 1);
    const d = r.detections[0];
    assert.equal(d.kind, "indicator");
    assert.equal(d.grade, "strong", "a process name in DataUsage ran on the phone");
    assert.deepEqual([d.matched_indicator?.type, d.matched_indicator?.value, d.matched_indicator?.name], ["process", "roleaccountd", "NSO Group Pegasus"]);
    assert.equal(d.timestamp, "2021-07-01T10:00:00.000Z");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mapMvtAlerts: the level rule for alerts Vigil does not know by kind; domains in messages are weak; older MVT's detected records", () => {
  const alert = (level: string, module: string, message: string, mi: unknown = null) => ({ level, module, message, event_time: "", event: { x: 1 }, matched_indicator: mi });
  const m = mapMvtAlerts(
    [
      alert("HIGH", "calendar", "Potential Quadream exploit event identified: 1"),
      alert("MEDIUM", "safari_history", "Redirect took less than a second! (12 milliseconds)"),
      alert("LOW", "profile_events", "Profile installed"),
      alert("INFORMATIONAL", "adb", "Found a trusted ADB host key last connected at least one day before the AndroidQF acquisition"),
      alert("CRITICAL", "sms", "Found known suspicious domain", { value: "evil.example", type: "domains", name: "Predator", stix2_file_name: "predator.stix2" }),
      alert("HIGH", "manifest", "mention", { value: "", type: "domains", name: "", stix2_file_name: "" }),
    ],
    "unknown",
  );
  assert.deepEqual(
    m.detections.map((d) => [d.module, d.kind, d.grade, d.rule?.id ?? d.matched_indicator?.type]),
    [
      ["calendar", "heuristic", "medium", "mvt-alert-high"],
      ["safari_history", "heuristic", "weak", "mvt-alert-medium"],
      ["profile_events", "heuristic", "weak", "mvt-alert-low"],
      ["sms", "indicator", "weak", "domain"],
      ["manifest", "heuristic", "medium", "mvt-alert-high"],
    ],
  );
  assert.deepEqual(m.informational.map((i) => i.module), ["adb"]);

  const old = mapMvtAlerts(
    [
      { url: "https://x.evil.example/a", isodate: "2021-07-01 10:00:00.000000", matched_indicator: { value: "evil.example", type: "domains", name: "Predator", stix2_file_name: "p.stix2" } },
      { url: "https://nothing.example/", matched_indicator: null },
    ],
    "safari_history",
  );
  assert.deepEqual(
    old.detections.map((d) => [d.kind, d.grade, d.matched, d.timestamp]),
    [
      ["indicator", "medium", "evil.example", "2021-07-01T10:00:00.000Z"],
      ["heuristic", "weak", "safari_history", undefined],
    ],
  );
  assert.equal((old.detections[0].record as Record<string, unknown>).matched_indicator, undefined, "the record is shown without the indicator it carried");
});

test("an MVT folder without alerts.json: each <module>_detected.json is read", () => {
  const dir = mvtResultsFolder(
    { global_preferences: [{ entry: "LDMGlobalEnabled", value: false }] },
    [{ level: "LOW", module: "global_preferences", message: "Lockdown mode disabled", event_time: "", event: { entry: "LDMGlobalEnabled", value: false }, matched_indicator: null }],
    { alertsJson: false },
  );
  try {
    const r = loadResults(dir);
    assert.deepEqual(r.detections, []);
    assert.deepEqual(r.exposure.map((e) => [e.kind, e.level]), [["lockdown_off", "risk"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("check-iocs on MVT's results: alerts without an indicator are carried over as mapped, never as known indicators; the verdict follows Vigil's rules", async () => {
  const dir = mvtIosBackupResults();
  const out = mkdtempSync(join(tmpdir(), "vigil-mvt-recheck-"));
  try {
    writeFileSync(join(out, "domains.txt"), "nothing-here.example\n");
    const r = await checkIocs(dir, { output: join(out, "re"), quiet: true, iocs: [join(out, "domains.txt")] });
    const alerts = JSON.parse(readFileSync(join(out, "re", "alerts.json"), "utf8")) as { kind: string; grade?: string; rule?: { id: string }; level?: string; exposure?: string }[];
    assert.deepEqual(
      alerts.map((a) => [a.kind, a.grade ?? a.level, a.rule?.id ?? a.exposure]),
      [
        ["heuristic", "weak", "process-id-gap"],
        ["informational", "INFORMATIONAL", "lockdown_on"],
      ],
    );
    const summary = JSON.parse(readFileSync(join(out, "re", "summary.json"), "utf8"));
    assert.equal(summary.verdict, "worth_a_look");
    assert.deepEqual(summary.detections, { strong: 0, medium: 0, weak: 1 });
    assert.deepEqual(summary.exposure.map((e: { kind: string }) => e.kind), ["lockdown_on"]);
    assert.equal(r.exitCode, EXIT.detections);
    const exposure = JSON.parse(readFileSync(join(out, "re", "exposure.json"), "utf8"));
    assert.equal(exposure.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("an MVT indicator type named like an inherited property (constructor, __proto__) is read as any unknown type, by the value's shape", () => {
  const alerts = JSON.parse(
    '[{"level": "HIGH", "module": "safari_history", "message": "m", "event": {}, "matched_indicator": {"value": "evil.example", "type": "constructor", "name": "S"}},' +
      ' {"level": "HIGH", "module": "safari_history", "message": "m", "event": {}, "matched_indicator": {"value": "roleaccountd", "type": "__proto__", "name": "S"}}]',
  );
  const m = mapMvtAlerts(alerts, "unknown");
  assert.deepEqual(
    m.detections.map((d) => [d.matched_indicator?.type, d.grade]),
    [
      ["domain", "medium"],
      ["process", "strong"],
    ],
  );
});

test("MVT alerts whose fields hold objects String() cannot convert ({\"toString\": 1}): read as empty text, never a TypeError", () => {
  const bad = { toString: 1 };
  const m = mapMvtAlerts(
    [
      { level: bad, message: "x" },
      { level: "HIGH", message: bad },
      { level: "HIGH", message: "m", matched_indicator: { value: "evil.example", type: bad, name: bad, stix2_file_name: bad } },
      { level: "HIGH", module: "getprop", message: "has not received security updates", event: { value: bad } },
    ],
    "sms",
  );
  assert.deepEqual(m.detections.find((d) => d.kind === "indicator")?.matched_indicator, { value: "evil.example", type: "domain", name: "MVT", stix2_file_name: "", source: "", sha256: "" });
  assert.equal(m.detections.length + m.informational.length + m.exposure.length, 4);
});
