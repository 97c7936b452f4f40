// Exposure is its own part of the results: exposure.json, summary.json, informational entries in
// alerts.json, the report's Exposure and Device sections. It never makes a detection, a verdict
// or an exit code on its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { memoryView } from "../../../src/acquisitions/memory.ts";
import type { RunInfo } from "../../../src/core/model.ts";
import { EXIT } from "../../../src/core/model.ts";
import { buildSyntheticBackup } from "../../../src/demo/demo-backup.ts";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import globalPreferences from "../../../src/modules/ios/global-preferences.ts";
import { runModules } from "../../../src/pipeline/run-modules.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { writeResults } from "../../../src/report/results.ts";
import { xmlPlist } from "../../helpers/system-fixtures.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const IOCS = resolve(import.meta.dirname, "../../../data/iocs/amnesty/2021-07-18_nso");

test("an outdated iPhone with nothing found: exposure only, verdict 'no known traces', exit 0", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-exposure-"));
  const backup = (await buildSyntheticBackup(join(tmp, "backup"), { sms: 5, smsLinkShare: 0.3, safariVisits: 5, processes: 5, whatsapp: 3, manifestFiles: 5 }, { info: { "Product Version": "14.6" } })).dir;
  const out = join(tmp, "out");
  const r = spawnSync(process.execPath, [BIN, "check-backup", backup, "--iocs", IOCS, "--output", out, "--lang", "en"], { encoding: "utf8", env: { ...process.env, VIGIL_BACKUP_PASSWORD: "" } });
  assert.equal(r.status, EXIT.nothingFound, r.stdout + r.stderr);
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.equal(summary.verdict, "no_known_traces");
  assert.deepEqual(summary.detections, { strong: 0, medium: 0, weak: 0 });
  const exposure = JSON.parse(readFileSync(join(out, "exposure.json"), "utf8"));
  type Entry = { kind: string; module: string; title: string; what_it_means: string; params: Record<string, string>; details: Record<string, unknown> };
  assert.deepEqual(exposure[0].kind, "outdated_os");
  assert.match(exposure[0].title, /^iOS 14\.6 is out of date: iOS \d+/);
  assert.match(exposure[0].what_it_means, /not a trace of infection/);
  // The flaws exploited in the wild that iOS 14.6 (18F72) was open to on the backup's day, from the bundled table.
  const flaws = (exposure as Entry[]).filter((e) => e.kind === "exploited_flaw");
  assert.equal(flaws.length + 1, exposure.length);
  assert.ok(flaws.every((e) => e.module === "device" && /^iOS 14\.6 \(18F72\)$/.test(e.params.version!)));
  const fe = flaws.find((e) => e.params.cve === "CVE-2021-30860")!;
  assert.deepEqual([fe.params.product, fe.params.fixed_in, fe.params.date_added], ["iOS/iPadOS", "iOS 14.8", "2021-11-03"]);
  assert.match(fe.params.used_for!, /FORCEDENTRY/);
  assert.equal(fe.title, "Open to CVE-2021-30860 (iOS/iPadOS), exploited in the wild: fixed in iOS 14.8");
  assert.match(fe.what_it_means, /^This flaw was used in attacks: FORCEDENTRY.*listed as exploited in the wild on 2021-11-03.*not that it was attacked/);
  assert.ok(typeof fe.details.what_to_look_for === "string" && Array.isArray(fe.details.sources));
  assert.ok(!flaws.some((e) => e.params.cve === "CVE-2021-30666"), "fixed only for iOS 12");
  assert.deepEqual(summary.exposure, exposure);
  const alerts = JSON.parse(readFileSync(join(out, "alerts.json"), "utf8"));
  assert.ok(alerts.every((a: { kind: string; level: string }) => a.kind === "informational" && a.level === "INFORMATIONAL"));
  assert.deepEqual(alerts.map((a: { exposure: string }) => a.exposure), exposure.map((e: Entry) => e.kind));
  assert.match(r.stdout, /^Exposure \(what the phone was open to; not evidence of spyware\):\n {2}\[risk\] iOS 14\.6 is out of date/m);
  const attributed = flaws.filter((e) => e.params.used_for).length;
  assert.match(r.stdout, new RegExp(`^ {2}\\[risk\\] Flaws exploited in the wild that the phone was open to at acquisition time: ${flaws.length} \\(${attributed} used by known spyware campaigns\\): CVE-[^ ]+, .*, \\+${flaws.length - 6} \\(exposure\\.json\\)$`, "m"));
  assert.match(
    r.stdout,
    /^Device:\n {2}Name: Demo iPhone\n {2}Model: iPhone12,1\n {2}OS version: 14\.6\n {2}Build: 18F72\n {2}Lockdown Mode: not recorded in this acquisition\n {2}Acquisition date: \d{4}-\d\d-\d\d [\d:]+ UTC\n {2}Artifacts cover: \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d$/m,
  );
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, /<section id="exposure">/);
  assert.match(html, /<article class="exposure x-risk" data-kind="outdated_os" data-level="risk">/);
  assert.equal(html.match(/<tr data-kind="exploited_flaw"/g)?.length, flaws.length);
  // The row's first five cells, without the column names shown on a phone.
  const row = /<tr data-kind="exploited_flaw" data-cve="CVE-2021-30860">(.*?)<\/tr>/.exec(html)?.[1] ?? "";
  const cells = row.split("</td><td>").slice(0, 5).map((c) => c.replace(/<span class="lbl">.*?<\/span>/g, "").replace(/<[^>]+>/g, "").trim());
  assert.deepEqual([cells[0], cells[1], cells[3], cells[4]], ["CVE-2021-30860", "iOS/iPadOS", "2021-11-03", "iOS 14.8"]);
  assert.match(cells[2]!, /^FORCEDENTRY/);
  const fr = readFileSync(await writeHtmlReport(out, { lang: "fr" }), "utf8");
  assert.match(fr, new RegExp(`Failles exploitées dans la nature auxquelles ce téléphone était exposé \\(${flaws.length}\\)`));
  assert.match(fr, /<th><span data-i18n="exposure\.flaws\.fixed_in">Corrigée dans<\/span><\/th>/);
});

test("results writer: Lockdown Mode in exposure.json, in alerts.json as an INFO entry that does not count, and in the report's Device section", async () => {
  const view = memoryView({
    kind: "ios_backup",
    platform: "ios",
    files: [{ domain: "HomeDomain", relativePath: "Library/Preferences/.GlobalPreferences.plist", data: xmlPlist({ LDMGlobalEnabled: true }), modified: "2024-03-01T10:00:00.000Z" }],
    device: { model: "iPhone15,2", name: "Test phone", osVersion: "17.4", build: "21E219", lastBackup: "2024-03-02T09:00:00.000Z" },
  });
  const out = mkdtempSync(join(tmpdir(), "vigil-exposure-results-"));
  const iocs = matcherFromValues({}, "Empty");
  const run = await runModules({ view, modules: [globalPreferences], iocs, outputDir: out });
  const info = { tool: "vigil", version: "test", command: [], started: "", acquisition: { kind: "test", path: "x", encrypted: false }, device: view.device, inputs: [], iocs: { sets: [], errors: [] } } as RunInfo;
  const w = await writeResults(out, run, info);
  run.timeline.close();
  assert.equal(w.summary.verdict, "no_known_traces");
  assert.equal(w.summary.exitCode, EXIT.nothingFound);
  const alerts = JSON.parse(readFileSync(join(out, "alerts.json"), "utf8"));
  // MVT's INFO alert (its fields first), with Vigil's fields beside them.
  assert.deepEqual(alerts, [
    {
      level: "INFORMATIONAL",
      module: "global_preferences",
      message: "Lockdown Mode is on",
      event_time: "2024-03-01 10:00:00.000000",
      event: {},
      matched_indicator: null,
      vigil_module: "global_preferences",
      kind: "informational",
      title: "Lockdown Mode is on",
      why: w.summary.exposure[0].what_it_means,
      exposure: "lockdown_on",
      artifact: "HomeDomain/Library/Preferences/.GlobalPreferences.plist",
      timestamp: "2024-03-01T10:00:00.000Z",
    },
  ]);
  assert.equal(
    readFileSync(join(out, "alerts_timeline.csv"), "utf8"),
    '"Event Time","Module","Message","Event"\r\n"2024-03-01 10:00:00.000000","global_preferences","Lockdown Mode is on","{}"\r\n',
  );
  const html = readFileSync(await writeHtmlReport(out, { lang: "fr" }), "utf8");
  assert.match(html, /data-verdict="no_known_traces"/);
  assert.match(html, /<tr data-fact="device\.lockdown"><th><span data-i18n="device\.lockdown">Mode Isolement<\/span><\/th><td><span data-i18n="device\.lockdown\.on">activé<\/span><\/td><\/tr>/);
  assert.match(html, /<tr data-fact="device\.acquired"><th>[^]*?<td>2024-03-02 09:00:00 UTC<\/td>/);
  assert.match(html, /<tr data-fact="device\.span"><th>[^]*?du 2024-03-01 au 2024-03-01/);
  assert.match(html, /Le mode Isolement est activé/);
});
